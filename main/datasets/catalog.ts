/**
 * The dataset catalog: one explicit registry of the built-in datasets, their files, where to get them and the
 * checksums that decide whether a copy may be used. Adding a dataset means adding an entry here (and, for a new
 * file layout, a reader in loaders.ts).
 */
import { withCatalogOverrides } from './catalog-overrides';

export interface CatalogFile {
  /** File name in the cache and in a mirror's per-dataset sub-folder. */
  name: string;
  bytes: number;
  /** Published sha256 of the download (hex, lower case). */
  sha256?: string;
  /** Published md5, checked when the authors publish no sha256 (CIFAR). */
  md5?: string;
  /** Canonical download URLs, tried in order after the mirrors. */
  urls: string[];
}

export type CatalogLayout =
  | {
      kind: 'idx';
      train: { images: string; labels: string };
      test: { images: string; labels: string };
    }
  | {
      kind: 'cifar-binary';
      archive: string;
      /** Bytes of label before the 3072 pixel bytes of each record (CIFAR-10: 1; CIFAR-100: coarse + fine = 2). */
      labelBytes: number;
      /** Which of the label bytes is the class (CIFAR-100: 1 = fine label). */
      labelIndex: number;
      trainMembers: string[];
      testMembers: string[];
    }
  | {
      /** Keras' text datasets: an .npz of word-id lists (numpy object arrays) and the word-index JSON. */
      kind: 'keras-text';
      loader: 'imdb' | 'reuters';
      npz: string;
      wordIndex: string;
      /** Defaults of the workshop exercises: the 10,000 most frequent words, sequences padded to 200 ids. */
      numWords: number;
      sequenceLength: number;
    }
  | {
      /**
       * One .npz of all rows (arrays x and y) that Keras' load_data shuffles with np.random.RandomState(seed) and
       * splits, the last `testSplit` to test (keras.datasets.boston_housing).
       */
      kind: 'keras-shuffled-npz';
      archive: string;
      seed: number;
      testSplit: number;
    };

export interface CatalogEntry {
  name: string;
  title: string;
  description: string;
  /** Channels last for images ([28, 28, 1]); [features] for tables; text: [sequence length] with the default length. */
  sampleShape: number[];
  /** Empty for regression. */
  classNames: string[];
  /** Absent: classification. */
  task?: 'regression';
  splits: { train: number; test: number };
  license: string;
  citation: string;
  homepage: string;
  files: CatalogFile[];
  layout: CatalogLayout;
}

const MNIST_URLS = ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];
const FASHION_URLS = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];

function idxFiles(prefixes: string[], sizes: [number, number, number, number], sha: [string, string, string, string]): CatalogFile[] {
  const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  return names.map((name, i) => ({ name, bytes: sizes[i], sha256: sha[i], urls: prefixes.map((p) => p + name) }));
}

const IDX_LAYOUT: CatalogLayout = {
  kind: 'idx',
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

const KERAS_TEXT_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';
const KERAS_TEXT_LICENSE = 'As distributed by Keras (keras.datasets); see the homepage for the original terms.';

// keras/src/datasets/reuters.py get_label_names(), in label order.
const REUTERS_TOPICS = (
  'cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade reserves ship cotton carcass ' +
  'crude nat-gas cpi money-fx interest gnp meal-feed alum oilseed gold tin strategic-metal livestock retail ipi ' +
  'iron-steel rubber heat jobs lei bop zinc orange pet-chem dlr gas silver wpi hog lead'
).split(' ');

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

// Fine labels in label order (alphabetical, as fine_label_names.txt inside the archive lists them).
const CIFAR100_CLASSES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant ' +
  'flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree ' +
  'motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate ' +
  'poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider ' +
  'squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle ' +
  'wardrobe whale willow_tree wolf woman worm'
).split(' ');

const CIFAR_CITATION =
  'Alex Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", Technical Report, University of Toronto, 2009.';
const CIFAR_LICENSE = 'No formal license; the authors ask that the tech report be cited.';

export const catalog: CatalogEntry[] = [
  {
    name: 'mnist',
    title: 'MNIST handwritten digits',
    description: '28x28 greyscale handwritten digits 0-9.',
    sampleShape: [28, 28, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    splits: { train: 60000, test: 10000 },
    license: 'CC BY-SA 3.0 (as cited by Keras and TFDS); copyright Yann LeCun and Corinna Cortes',
    citation:
      'Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document recognition", Proc. IEEE 86(11), 1998.',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    files: idxFiles(MNIST_URLS, [9912422, 28881, 1648877, 4542], [
      '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    ]),
    layout: IDX_LAYOUT,
  },
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    description: '28x28 greyscale images of Zalando clothing articles in 10 classes.',
    sampleShape: [28, 28, 1],
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    splits: { train: 60000, test: 10000 },
    license: 'MIT (Copyright (c) 2017 Zalando SE)',
    citation:
      'Han Xiao, Kashif Rasul, Roland Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017.',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    files: idxFiles(FASHION_URLS, [26421880, 29515, 4422102, 5148], [
      '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    ]),
    layout: IDX_LAYOUT,
  },
  {
    name: 'cifar-10',
    title: 'CIFAR-10',
    description: '32x32 colour images in 10 classes (binary version: records of 1 label byte + 3072 planar RGB bytes).',
    sampleShape: [32, 32, 3],
    classNames: CIFAR10_CLASSES,
    splits: { train: 50000, test: 10000 },
    license: CIFAR_LICENSE,
    citation: CIFAR_CITATION,
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        bytes: 170052171,
        // md5 is the value the authors publish on the CIFAR page. The sha256 is not published by the authors: it is
        // the value independent verifications of that md5-matching archive report (same byte count). Both are checked.
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
        sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
        urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
      },
    ],
    layout: {
      kind: 'cifar-binary',
      archive: 'cifar-10-binary.tar.gz',
      labelBytes: 1,
      labelIndex: 0,
      trainMembers: [1, 2, 3, 4, 5].map((i) => `cifar-10-batches-bin/data_batch_${i}.bin`),
      testMembers: ['cifar-10-batches-bin/test_batch.bin'],
    },
  },
  {
    name: 'cifar-100',
    title: 'CIFAR-100',
    description: '32x32 colour images in 100 fine classes (binary version: coarse label, fine label, 3072 planar RGB bytes).',
    sampleShape: [32, 32, 3],
    classNames: CIFAR100_CLASSES,
    splits: { train: 50000, test: 10000 },
    license: CIFAR_LICENSE,
    citation: CIFAR_CITATION,
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    files: [
      {
        name: 'cifar-100-binary.tar.gz',
        bytes: 168513733,
        // Only the md5 is published for this archive (no sha256 is known to us): md5 is what gets verified.
        md5: '03b5dce01913d631647c71ecec9e9cb8',
        urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'],
      },
    ],
    layout: {
      kind: 'cifar-binary',
      archive: 'cifar-100-binary.tar.gz',
      labelBytes: 2,
      labelIndex: 1,
      trainMembers: ['cifar-100-binary/train.bin'],
      testMembers: ['cifar-100-binary/test.bin'],
    },
  },
  {
    name: 'imdb',
    title: 'IMDB movie reviews',
    description: "25,000 + 25,000 movie reviews as word-id sequences (Keras' imdb.npz), labelled negative or positive.",
    sampleShape: [200],
    classNames: ['negative', 'positive'],
    splits: { train: 25000, test: 25000 },
    license: KERAS_TEXT_LICENSE,
    citation:
      'Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang, Andrew Y. Ng, Christopher Potts, "Learning Word Vectors for Sentiment Analysis", ACL 2011.',
    homepage: 'https://ai.stanford.edu/~amaas/data/sentiment/',
    files: [
      // Hashes as keras/src/datasets/imdb.py checks them (get_file file_hash: sha256 for the data, md5 for the index).
      { name: 'imdb.npz', bytes: 17464789, sha256: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f', urls: [`${KERAS_TEXT_URL}imdb.npz`] },
      { name: 'imdb_word_index.json', bytes: 1641221, md5: 'bfafd718b763782e994055a2d397834f', urls: [`${KERAS_TEXT_URL}imdb_word_index.json`] },
    ],
    layout: { kind: 'keras-text', loader: 'imdb', npz: 'imdb.npz', wordIndex: 'imdb_word_index.json', numWords: 10000, sequenceLength: 200 },
  },
  {
    name: 'reuters',
    title: 'Reuters newswires',
    description: "11,228 Reuters newswires as word-id sequences (Keras' reuters.npz) in 46 topics; 20% held out for test.",
    sampleShape: [200],
    classNames: REUTERS_TOPICS,
    splits: { train: 8982, test: 2246 },
    license: KERAS_TEXT_LICENSE,
    citation: 'David D. Lewis, Reuters-21578 text categorization test collection, Distribution 1.0, 1997.',
    homepage: 'https://archive.ics.uci.edu/dataset/137/reuters+21578+text+categorization+collection',
    files: [
      // keras/src/datasets/reuters.py: sha256 for the data, md5 for the word index.
      { name: 'reuters.npz', bytes: 2110848, sha256: 'd6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916', urls: [`${KERAS_TEXT_URL}reuters.npz`] },
      { name: 'reuters_word_index.json', bytes: 550378, md5: '4d44cc38712099c9e383dc6e5f11a921', urls: [`${KERAS_TEXT_URL}reuters_word_index.json`] },
    ],
    layout: { kind: 'keras-text', loader: 'reuters', npz: 'reuters.npz', wordIndex: 'reuters_word_index.json', numWords: 10000, sequenceLength: 200 },
  },
  {
    name: 'boston-housing',
    title: 'Boston Housing prices',
    description: '13 numeric features of Boston suburbs (1970s) and the median home value in k$ (regression); 404 train / 102 test rows.',
    sampleShape: [13],
    classNames: [],
    task: 'regression',
    splits: { train: 404, test: 102 },
    license: 'No formal license; the UCI Machine Learning Repository copy of StatLib data, as Keras distributes it.',
    citation: 'D. Harrison and D. L. Rubinfeld, "Hedonic prices and the demand for clean air", J. Environ. Economics & Management 5, 81-102, 1978.',
    homepage: 'https://keras.io/api/datasets/boston_housing/',
    files: [
      {
        name: 'boston_housing.npz',
        bytes: 57026,
        // The sha256 Keras itself checks (keras/datasets/boston_housing.py, file_hash).
        sha256: 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5',
        urls: ['https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz'],
      },
    ],
    layout: { kind: 'keras-shuffled-npz', archive: 'boston_housing.npz', seed: 113, testSplit: 0.2 },
  },
];

export type CatalogName = 'mnist' | 'fashion-mnist' | 'cifar-10' | 'cifar-100' | 'boston-housing' | 'imdb' | 'reuters';

const ALIASES: Record<string, CatalogName> = { fashion_mnist: 'fashion-mnist', fashionmnist: 'fashion-mnist', cifar10: 'cifar-10', cifar100: 'cifar-100', boston_housing: 'boston-housing', boston: 'boston-housing' };

export function findCatalogEntry(name: string): CatalogEntry | undefined {
  const key = name.toLowerCase();
  const canonical = ALIASES[key] ?? key;
  const entry = catalog.find((e) => e.name === canonical);
  return entry && withCatalogOverrides(entry);
}

export function getCatalogEntry(name: string): CatalogEntry {
  const entry = findCatalogEntry(name);
  if (!entry) {
    throw new Error(`unknown dataset '${name}'. Known datasets: ${catalog.map((e) => e.name).join(', ')} (see layerlab datasets list).`);
  }
  return entry;
}
