/**
 * The data half of both exported train.py scripts, so they train on what Layerlab trained on:
 * - every catalog dataset by its id (DATASETS is generated from main/datasets/catalog.ts; a new catalog entry with a
 *   known layout kind needs nothing here, a new layout kind needs one reader in READERS),
 * - `--data-dir DIR` in Layerlab's mirror layout (DIR/<dataset>/<file>, or the files directly in DIR), so the
 *   programs run offline; missing files are downloaded from the catalog's URLs into DIR/<dataset>/,
 * - imdb and reuters with the run's load_data options (python-keras-text.ts),
 * - the same limits, validation split (Layerlab's seeded mulberry32 shuffle, the last round(n * fraction) held
 *   out), normalisation fitted on the training part, and labels (class indices; one-hot for categorical loss).
 * Images come out channels-last float32 (N, H, W, C).
 */
import { catalog, findCatalogEntry, type CatalogEntry, type CatalogLayout } from '../datasets/catalog';
import { PYTHON_KERAS_TEXT_CODE } from './python-keras-text';
import { pyLiteral } from './python-names';

function datasetEntry(e: CatalogEntry): Record<string, unknown> {
  return {
    shape: e.sampleShape,
    classes: e.classNames.length,
    urls: Object.fromEntries(e.files.map((f) => [f.name, f.urls])),
    layout: e.layout,
  };
}

/** The catalog id a training document's dataset name stands for ('fashion_mnist' -> 'fashion-mnist'), or the name. */
export function catalogId(name: string): string {
  return findCatalogEntry(name)?.name ?? name;
}

/** The Python reader of each catalog layout kind: a new kind does not compile until its reader is written below. */
const PYTHON_READERS: Record<CatalogLayout['kind'], string> = {
  idx: 'read_idx_dataset',
  'cifar-binary': 'read_cifar_binary',
  'keras-shuffled-npz': 'read_keras_shuffled_npz',
  'keras-text': 'read_keras_text',
};

function readersLiteral(): string {
  return `{${Object.entries(PYTHON_READERS).map(([kind, fn]) => `'${kind}': ${fn}`).join(', ')}}`;
}

/** DATASETS = {...}: the catalog as the Python readers need it. */
export function datasetsLiteral(): string {
  const lines = catalog.map((e) => `    ${pyLiteral(e.name)}: ${pyLiteral(datasetEntry(e))},`);
  return `DATASETS = {\n${lines.join('\n')}\n}`;
}

/** Both train.py programs' data options (argparse lines inside main()): a catalog dataset, or the user's own data. */
export const PYTHON_DATA_ARGS = String.raw`    parser.add_argument('--dataset', default=DATASET, help=f'a catalog dataset: {", ".join(sorted(DATASETS))}')
    parser.add_argument('--data-dir', default=os.path.join(HERE, 'data'),
                        help="Layerlab's dataset mirror layout: DIR/<dataset>/<files> or the files in DIR")
    parser.add_argument('--offline', action='store_true', help='never download: the files must be in --data-dir')
    parser.add_argument('--data', default=DATA_PATH,
                        help='your own data, read and prepared as the run did (image folder, CSV, .npz/.npy, IDX folder)')
    parser.add_argument('--test', default=TEST_PATH, help='separate test data for --data (same format)')
    parser.add_argument('--limit', type=int, default=CONFIG['limit_train'] or 0,
                        help='use only the first N training samples (0: all)')`;

export const PYTHON_DATA_CODE = `

def dataset_file(name, file, data_dir, download=True):
    """A dataset file from data_dir (Layerlab's mirror layout: data_dir/<dataset>/<file>, or data_dir/<file>),
    downloaded from the catalog's URLs into data_dir/<dataset>/ when it is in neither place."""
    for path in (os.path.join(data_dir, name, file), os.path.join(data_dir, file)):
        if os.path.exists(path):
            return path
    target = os.path.join(data_dir, name, file)
    if not download:
        raise SystemExit(f'{file} of {name} is not in {data_dir} (looked in {data_dir}/{name}/ and {data_dir}/); '
                         f'copy it there or drop --offline to download it')
    os.makedirs(os.path.dirname(target), exist_ok=True)
    errors = []
    for url in DATASETS[name]['urls'][file]:
        try:
            print(f'downloading {url} -> {target}', flush=True)
            urllib.request.urlretrieve(url, target + '.part')
            os.replace(target + '.part', target)
            return target
        except OSError as err:
            errors.append(f'{url}: {err}')
    raise SystemExit(f'cannot download {file} of {name}: ' + '; '.join(errors) +
                     f'. Put the file into {data_dir}/{name}/ (e.g. from a Layerlab dataset mirror) and pass --data-dir')


def read_idx(path):
    """An IDX file (plain or gzip) as a numpy array: magic 0 0 type ndim, big-endian dims, then the values."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\\x1f\\x8b':
        raw = gzip.decompress(raw)
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4', 0x0E: '>f8'}
    ndim = raw[3]
    dims = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=dtypes[raw[2]], offset=4 + 4 * ndim).reshape(dims)


def read_idx_dataset(name, entry, data_dir, download):
    layout, shape = entry['layout'], tuple(entry['shape'])

    def part(split):
        images = read_idx(dataset_file(name, layout[split]['images'], data_dir, download))
        labels = read_idx(dataset_file(name, layout[split]['labels'], data_dir, download))
        return images.reshape((len(images),) + shape), labels.astype(np.int64)
    return part('train'), part('test')


def read_cifar_binary(name, entry, data_dir, download):
    """CIFAR binary records: label byte(s), then 3072 planar RGB bytes (red plane, green, blue)."""
    layout = entry['layout']
    record = layout['labelBytes'] + 3072
    with tarfile.open(dataset_file(name, layout['archive'], data_dir, download)) as tar:
        def part(members):
            data = b''.join(tar.extractfile(m).read() for m in members)
            rows = np.frombuffer(data, dtype=np.uint8).reshape(-1, record)
            images = rows[:, layout['labelBytes']:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            return np.ascontiguousarray(images), rows[:, layout['labelIndex']].astype(np.int64)
        return part(layout['trainMembers']), part(layout['testMembers'])


def read_keras_shuffled_npz(name, entry, data_dir, download):
    """Keras' own split of a single .npz (keras.datasets.boston_housing): shuffle with RandomState(seed), the last
    test_split fraction is the test set. Targets stay floats (regression)."""
    layout = entry['layout']
    with np.load(dataset_file(name, layout['archive'], data_dir, download), allow_pickle=False) as archive:
        x, y = archive['x'], archive['y']
    order = np.arange(len(x))
    np.random.RandomState(layout['seed']).shuffle(order)
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - layout['testSplit']))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


${PYTHON_KERAS_TEXT_CODE.trimStart()}

READERS = ${readersLiteral()}


def load_dataset(name, data_dir, download=True):
    """(x_train, y_train), (x_test, y_test) of a catalog dataset, as stored (uint8 images, channels last)."""
    if name not in DATASETS:
        raise SystemExit(f'unknown dataset {name!r}: this program reads the catalog datasets {sorted(DATASETS)}; '
                         f'pass --dataset with one of them')
    entry = DATASETS[name]
    return READERS[entry['layout']['kind']](name, entry, data_dir, download)


def mulberry32(seed):
    """Layerlab's random numbers (shared/random.ts), so the validation split holds out the very same samples."""
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def rand():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(a ^ (a >> 15), a | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return rand


def shuffled_indices(n, seed):
    """Fisher-Yates with mulberry32, as Layerlab's shuffledIndices."""
    order = list(range(n))
    rand = mulberry32(seed)
    for i in range(n - 1, 0, -1):
        j = int(rand() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


def fit_normaliser(x):
    """(offset, scale) per channel: out = (x - offset) * scale, fitted on the training part only."""
    channels = x.shape[-1]  # Layerlab: the last axis of the sample shape (image channels, or tabular features)
    flat = x.reshape(-1, channels).astype(np.float64)
    if CONFIG['preprocessing']['normalize'] == 'standardize':
        std = flat.std(axis=0)
        return flat.mean(axis=0), np.where(std > 1e-12, 1 / np.where(std > 1e-12, std, 1), 1)
    if x.dtype == np.uint8:
        return np.zeros(channels), np.full(channels, 1 / 255)
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    return lo, np.where(hi > lo, 1 / np.where(hi > lo, hi - lo, 1), 1)


def normalise(x, normaliser):
    offset, scale = normaliser
    channels = x.shape[-1]
    return ((x.reshape(-1, channels) - offset) * scale).astype(np.float32).reshape(x.shape)


def prepare_data(name, data_dir, limit_train=0, download=True, data_path=None, test_path=None):
    """The splits Layerlab trains on: limits, validation (split or test), normalisation. Samples keep the dataset's
    shape (augmentation works on images); to_model_input reshapes them for the model. With data_path, the user's own
    data (load_own_data): its validation is the LAST fraction of the rows in file order (Keras' validation_split),
    a table keeps the run's stored standardisation, and without a test split the test set is empty."""
    fixed = None
    if data_path:
        (x_train, y_train), test, fixed = load_own_data(data_path, test_path)
        x_test, y_test = test if test is not None else (x_train[:0], y_train[:0])
    else:
        (x_train, y_train), (x_test, y_test) = load_dataset(name, data_dir, download)
        if DATASETS[name]['layout']['kind'] == 'keras-text':
            width = x_train.shape[-1]
            fixed = (np.zeros(width), np.ones(width))  # word ids and 0/1 words are fed as they are, as in Layerlab
    if limit_train:
        x_train, y_train = x_train[:limit_train], y_train[:limit_train]
    if CONFIG['limit_test']:
        x_test, y_test = x_test[:CONFIG['limit_test']], y_test[:CONFIG['limit_test']]
    validation = CONFIG['validation']
    if validation['kind'] == 'split':
        order = np.arange(len(x_train)) if data_path else shuffled_indices(len(x_train), CONFIG['seed'])
        n_val = int(math.floor(len(order) * validation['fraction'] + 0.5))
        keep, held = order[:len(order) - n_val], order[len(order) - n_val:]
        x_val, y_val, x_train, y_train = x_train[held], y_train[held], x_train[keep], y_train[keep]
    elif data_path and len(x_test) == 0:
        raise SystemExit(f'{data_path} has no test split, but this run validated on one: pass --test PATH')
    else:
        x_val, y_val = x_test, y_test
    normaliser = fixed or fit_normaliser(x_train)
    return {split: (normalise(x, normaliser), y) for split, x, y in
            (('train', x_train, y_train), ('val', x_val, y_val), ('test', x_test, y_test))}


def to_model_input(x, input_shape):
    """The model's own input shape, e.g. (784,) for an MLP on 28x28 images (as Layerlab reshapes them)."""
    shape = tuple(input_shape)
    if int(np.prod(x.shape[1:])) != int(np.prod(shape)):
        raise SystemExit(f'the dataset gives samples of shape {tuple(x.shape[1:])} but the model takes {shape}; '
                         f'change the model input or the dataset')
    return x.reshape((len(x),) + shape)
`;
