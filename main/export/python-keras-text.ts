/**
 * The catalog's imdb and reuters in both exported train.py scripts: the run's load_data options (config.dataset.text:
 * num_words, skip_top, maxlen, seed, start_char, oov_char, index_from; the catalog's and Keras' defaults for the
 * rest) written into the program as KERAS_TEXT, and Keras' load_data algorithm (keras/src/datasets/imdb.py,
 * reuters.py) run on the .npz with them, then pad_sequences or the multi-hot vectors, so an export trains on the very
 * ids the run trained on. No TensorFlow needed, and no np.load(allow_pickle=True): the object arrays are read by an
 * unpickler that builds only numpy arrays of int lists (what Keras' files hold), as Layerlab's own reader does.
 */
import { KERAS_LOAD_DEFAULTS, parseCatalogText } from '../../shared/text/catalog-text';
import { findCatalogEntry } from '../datasets/catalog';
import { pyLiteral } from './python-names';
import type { ExportTrainingConfig } from './types';

/** KERAS_TEXT = {...}: the run's text options in full (None for a run on other data). */
export function kerasTextLiteral(t: ExportTrainingConfig): string {
  const dataset = t.dataset as Record<string, unknown>;
  const entry = dataset['source'] === undefined ? findCatalogEntry(t.dataset.name) : undefined;
  if (entry?.layout.kind !== 'keras-text') return 'KERAS_TEXT = None  # the run did not train on imdb or reuters';
  const { layout } = entry;
  const { sequence_length, multi_hot, ...options } = parseCatalogText(dataset['text'] ?? {});
  const loadData = { num_words: layout.numWords, ...KERAS_LOAD_DEFAULTS, ...options };
  const call = Object.entries(loadData).map(([k, v]) => `${k}=${pyLiteral(v)}`).join(', ');
  return [
    `# The run's data: keras.datasets.${layout.loader}.load_data(${call}),`,
    `# then ${multi_hot ? `multi-hot vectors of num_words` : `pad_sequences(x, maxlen=${sequence_length ?? layout.sequenceLength})`} (config.dataset.text).`,
    `KERAS_TEXT = ${pyLiteral({
      load_data: loadData,
      sequence_length: sequence_length ?? layout.sequenceLength,
      multi_hot: multi_hot ?? false,
    })}`,
  ].join('\n');
}

/** The reader of the 'keras-text' layout (READERS in python-data.ts names it). */
export const PYTHON_KERAS_TEXT_CODE = String.raw`

class KerasTextUnpickler(pickle.Unpickler):
    """The pickles inside Keras' imdb.npz / reuters.npz: numpy object arrays of int lists. Any other class is
    refused, so a tampered file cannot run code (np.load(allow_pickle=True) would build whatever it names)."""
    ALLOWED = {('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
               ('numpy', 'ndarray'), ('numpy', 'dtype')}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise SystemExit(f"refusing {module}.{name} inside a text dataset's pickle: Keras' imdb.npz and "
                             f'reuters.npz hold only lists of word ids; is this file a copy of Keras\' own?')
        return super().find_class(module, name)


def read_text_npz(path):
    """The arrays of a Keras text .npz: object arrays through KerasTextUnpickler, the label arrays as they are."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith('.npy'):
                continue
            f = io.BytesIO(archive.read(member))
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read_header(f)
            if dtype.hasobject:
                arrays[member[:-4]] = KerasTextUnpickler(f).load()
            else:
                arrays[member[:-4]] = np.frombuffer(f.read(), dtype=dtype).reshape(shape, order='F' if fortran_order else 'C')
    return arrays


def keras_load_data(loader, arrays, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
                    index_from=3, test_split=0.2):
    """keras.datasets.imdb.load_data / reuters.load_data on the arrays of their .npz, step by step as Keras does it."""
    rng = np.random.RandomState(seed)

    def shuffle(x, y):
        indices = np.arange(len(x))
        rng.shuffle(indices)
        return x[indices], y[indices]

    def mark(xs):
        if start_char is not None:
            return [[start_char] + [w + index_from for w in x] for x in xs]
        return [[w + index_from for w in x] for x in xs]

    def keep_short(xs, ys):  # Keras' remove_long_seq: sequences strictly shorter than maxlen
        if not maxlen:
            return xs, ys
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        return [xs[i] for i in keep], ys[np.array(keep, dtype=np.int64)]

    def cut(xs):
        limit = num_words or max(max(x) for x in xs)
        if oov_char is not None:
            return [[w if skip_top <= w < limit else oov_char for w in x] for x in xs]
        return [[w for w in x if skip_top <= w < limit] for x in xs]

    if loader == 'imdb':
        x_train, y_train = shuffle(arrays['x_train'], arrays['y_train'])
        x_test, y_test = shuffle(arrays['x_test'], arrays['y_test'])
        x_train, y_train = keep_short(mark(x_train), y_train)
        x_test, y_test = keep_short(mark(x_test), y_test)
        if maxlen and (not x_train or not x_test):
            raise SystemExit(f'After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. '
                             f'Increase maxlen.')
        xs = cut(x_train + x_test)
        return (xs[:len(x_train)], y_train), (xs[len(x_train):], y_test)
    x, y = shuffle(arrays['x'], arrays['y'])
    xs, y = keep_short(mark(x), y)
    xs = cut(xs)
    split = int(len(xs) * (1 - test_split))
    return (xs[:split], y[:split]), (xs[split:], y[split:])


def pad_sequences(xs, length):
    """keras.utils.pad_sequences with its defaults: pad with 0 and truncate at the start ('pre')."""
    out = np.zeros((len(xs), length), dtype=np.int32)
    for row, seq in enumerate(xs):
        kept = seq[-length:]
        if kept:
            out[row, length - len(kept):] = kept
    return out


def multi_hot(xs, width):
    """Deep Learning with Python's vectorize_sequences: one 0/1 value per word id below width."""
    out = np.zeros((len(xs), width), dtype=np.float32)
    for row, seq in enumerate(xs):
        out[row, [w for w in seq if 0 <= w < width]] = 1
    return out


def read_keras_text(name, entry, data_dir, download):
    """imdb / reuters with the run's load_data options (KERAS_TEXT; the catalog's defaults for a run on other data)."""
    layout = entry['layout']
    text = KERAS_TEXT or {'load_data': {'num_words': layout['numWords']}, 'sequence_length': layout['sequenceLength'],
                          'multi_hot': False}
    arrays = read_text_npz(dataset_file(name, layout['npz'], data_dir, download))
    (x_train, y_train), (x_test, y_test) = keras_load_data(layout['loader'], arrays, **text['load_data'])
    if text['multi_hot']:
        width = text['load_data']['num_words']
        return (multi_hot(x_train, width), y_train.astype(np.int64)), (multi_hot(x_test, width), y_test.astype(np.int64))
    length = text['sequence_length']
    return ((pad_sequences(x_train, length), y_train.astype(np.int64)),
            (pad_sequences(x_test, length), y_test.astype(np.int64)))
`;
