/**
 * Keras' text datasets as keras.datasets.imdb / reuters load_data return them: the .npz holds numpy object arrays
 * of word-rank lists (read by the strict pickle reader), shuffled with numpy's RandomState(seed), marked with
 * start_char, shifted by index_from, filtered by maxlen, cut to num_words with oov_char; then padded or truncated
 * like keras.utils.pad_sequences. Options and defaults are Keras' own.
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { DatasetError, FormatError } from './errors';
import { parseNpy, readNpyHeader } from './npy';
import { Mt19937 } from './numpy-random';
import { readObjectArrayPickle } from './pickle';

export interface KerasTextOptions {
  /** Keep the num_words most frequent words (ids >= num_words become oov_char). Default: all. */
  num_words?: number | null;
  skip_top?: number;
  /** Drop sequences of length >= maxlen (after start_char). Default: none dropped. */
  maxlen?: number | null;
  seed?: number;
  start_char?: number | null;
  oov_char?: number | null;
  index_from?: number;
  /** Reuters only: the fraction that becomes the test split. */
  test_split?: number;
}

export interface KerasTextSplits {
  x_train: number[][];
  y_train: number[];
  x_test: number[][];
  y_test: number[];
}

type NpzValue = { kind: 'lists'; items: number[][] } | { kind: 'ints'; values: number[] };

/** The arrays of a Keras text .npz: object arrays as int lists, label arrays (int64 in these files) as numbers. */
export function parseTextNpz(bytes: Uint8Array, file?: string): Map<string, NpzValue> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new FormatError(`not a readable .npz (zip) archive: ${(err as Error).message}.`, file);
  }
  const out = new Map<string, NpzValue>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    const where = file ? `${file}:${name}` : name;
    const { descr, shape, dataStart } = readNpyHeader(data, where);
    const key = name.slice(0, -4);
    if (descr === '|O') {
      out.set(key, { kind: 'lists', items: readObjectArrayPickle(data.subarray(dataStart), where).items });
    } else if (descr === '<i8') {
      const count = shape.reduce((a, b) => a * b, 1);
      const view = new DataView(data.buffer, data.byteOffset + dataStart, count * 8);
      out.set(key, { kind: 'ints', values: Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true))) });
    } else {
      out.set(key, { kind: 'ints', values: Array.from(parseNpy(data, where).data, Number) });
    }
  }
  return out;
}

function lists(arrays: Map<string, NpzValue>, key: string, file?: string): number[][] {
  const v = arrays.get(key);
  if (v?.kind !== 'lists') throw new FormatError(`has no object array '${key}' of word-id lists; is this Keras' file?`, file);
  return v.items;
}

function labels(arrays: Map<string, NpzValue>, key: string, n: number, file?: string): number[] {
  const v = arrays.get(key);
  if (v?.kind !== 'ints' || v.values.length !== n) throw new FormatError(`has no label array '${key}' of ${n} integers; is this Keras' file?`, file);
  return v.values;
}

function checkOptions(o: KerasTextOptions): Required<KerasTextOptions> {
  const r = { num_words: null, skip_top: 0, maxlen: null, seed: 113, start_char: 1, oov_char: 2, index_from: 3, test_split: 0.2, ...o };
  const positive = (name: string, v: number | null) => {
    if (v !== null && !(Number.isInteger(v) && v > 0)) throw new DatasetError(`${name} must be a positive integer or empty. Received: ${name}=${v}`);
  };
  positive('num_words', r.num_words);
  positive('maxlen', r.maxlen);
  if (!(Number.isInteger(r.skip_top) && r.skip_top >= 0)) throw new DatasetError(`skip_top must be an integer >= 0. Received: skip_top=${r.skip_top}`);
  if (!(r.test_split > 0 && r.test_split < 1)) throw new DatasetError(`test_split must be between 0 and 1. Received: test_split=${r.test_split}`);
  return r as Required<KerasTextOptions>;
}

function shuffled<T>(rng: Mt19937, xs: T[], ys: number[]): [T[], number[]] {
  const order = rng.permutation(xs.length);
  return [Array.from(order, (i) => xs[i]!), Array.from(order, (i) => ys[i]!)];
}

function mark(xs: number[][], o: Required<KerasTextOptions>): number[][] {
  if (o.start_char !== null) return xs.map((x) => [o.start_char!, ...x.map((w) => w + o.index_from)]);
  return xs.map((x) => x.map((w) => w + o.index_from));
}

/** keras' remove_long_seq: keeps sequences strictly shorter than maxlen. */
function keepShort(maxlen: number | null, xs: number[][], ys: number[]): [number[][], number[]] {
  if (!maxlen) return [xs, ys];
  const keep = xs.map((x) => x.length < maxlen);
  return [xs.filter((_, i) => keep[i]), ys.filter((_, i) => keep[i])];
}

function cut(xs: number[][], o: Required<KerasTextOptions>): number[][] {
  let num = o.num_words;
  if (!num) num = xs.reduce((m, x) => x.reduce((a, w) => Math.max(a, w), m), 0);
  const n = num;
  if (o.oov_char !== null) return xs.map((x) => x.map((w) => (o.skip_top <= w && w < n ? w : o.oov_char!)));
  return xs.map((x) => x.filter((w) => o.skip_top <= w && w < n));
}

/** keras.datasets.imdb.load_data on the arrays of imdb.npz. */
export function imdbLoadData(arrays: Map<string, NpzValue>, options: KerasTextOptions = {}, file?: string): KerasTextSplits {
  const o = checkOptions(options);
  const rng = new Mt19937(o.seed);
  const xTrain0 = lists(arrays, 'x_train', file);
  const xTest0 = lists(arrays, 'x_test', file);
  let [xTrain, yTrain] = shuffled(rng, xTrain0, labels(arrays, 'y_train', xTrain0.length, file));
  let [xTest, yTest] = shuffled(rng, xTest0, labels(arrays, 'y_test', xTest0.length, file));
  [xTrain, yTrain] = keepShort(o.maxlen, mark(xTrain, o), yTrain);
  [xTest, yTest] = keepShort(o.maxlen, mark(xTest, o), yTest);
  if (o.maxlen && (xTrain.length === 0 || xTest.length === 0)) {
    throw new DatasetError(`After filtering for sequences shorter than maxlen=${o.maxlen}, no sequence was kept. Increase maxlen.`, file);
  }
  const xs = cut([...xTrain, ...xTest], o);
  return { x_train: xs.slice(0, xTrain.length), y_train: yTrain, x_test: xs.slice(xTrain.length), y_test: yTest };
}

/** keras.datasets.reuters.load_data on the arrays of reuters.npz (one array, split by test_split after shuffling). */
export function reutersLoadData(arrays: Map<string, NpzValue>, options: KerasTextOptions = {}, file?: string): KerasTextSplits {
  const o = checkOptions(options);
  const rng = new Mt19937(o.seed);
  const x0 = lists(arrays, 'x', file);
  let [xs, ys] = shuffled(rng, x0, labels(arrays, 'y', x0.length, file));
  [xs, ys] = keepShort(o.maxlen, mark(xs, o), ys);
  xs = cut(xs, o);
  const idx = Math.floor(xs.length * (1 - o.test_split));
  return { x_train: xs.slice(0, idx), y_train: ys.slice(0, idx), x_test: xs.slice(idx), y_test: ys.slice(idx) };
}

export async function loadKerasText(
  name: 'imdb' | 'reuters',
  path: string,
  options: KerasTextOptions = {},
): Promise<KerasTextSplits> {
  const arrays = parseTextNpz(await readFile(path), path);
  return name === 'imdb' ? imdbLoadData(arrays, options, path) : reutersLoadData(arrays, options, path);
}

/**
 * keras.utils.pad_sequences: every sequence made `length` long, row-major in one Int32Array. Defaults are Keras':
 * pad and truncate at the start ('pre'), pad with 0. `length` defaults to the longest sequence.
 */
export function padSequences(
  sequences: readonly (readonly number[])[],
  length?: number,
  options: { padding?: 'pre' | 'post'; truncating?: 'pre' | 'post'; value?: number } = {},
): { data: Int32Array; length: number } {
  const maxlen = length ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  if (!(Number.isInteger(maxlen) && maxlen > 0)) throw new DatasetError(`sequence length must be a positive integer. Received: ${maxlen}`);
  const { padding = 'pre', truncating = 'pre', value = 0 } = options;
  const data = new Int32Array(sequences.length * maxlen).fill(value);
  sequences.forEach((s, row) => {
    const kept = s.length <= maxlen ? s : truncating === 'pre' ? s.slice(s.length - maxlen) : s.slice(0, maxlen);
    const start = row * maxlen + (padding === 'pre' ? maxlen - kept.length : 0);
    data.set(kept, start);
  });
  return { data, length: maxlen };
}
