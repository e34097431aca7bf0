/**
 * Keras' load_data for datasets shipped as one array of all rows (boston_housing.npz: x (506, 13), y (506,)):
 * np.random.RandomState(seed).shuffle(indices), then the first int(n * (1 - test_split)) rows train, the rest test.
 * numpyPermutation reproduces numpy's shuffle exactly, so the splits are Keras' own.
 */
import type { CatalogLayout } from './catalog';
import { FormatError } from './errors';
import type { NpyArray } from './npy';
import { numpyPermutation } from './numpy-random';
import type { LoadedSplit } from './types';

type ShuffledLayout = Extract<CatalogLayout, { kind: 'keras-shuffled-npz' }>;

function take(x: NpyArray, y: NpyArray, rows: Uint32Array, per: number): LoadedSplit {
  const xs = new Float32Array(rows.length * per);
  const ys = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < per; j++) xs[i * per + j] = x.data[r * per + j]!;
    ys[i] = y.data[r]!;
  });
  return { x: xs, y: ys, sampleShape: x.shape.slice(1), count: rows.length };
}

export function kerasShuffledSplit(arrays: Map<string, NpyArray>, layout: ShuffledLayout, file: string): [LoadedSplit, LoadedSplit] {
  const x = arrays.get('x');
  const y = arrays.get('y');
  if (!x || !y) throw new FormatError(`holds ${[...arrays.keys()].join(', ')}, not the arrays x and y Keras' load_data reads.`, file);
  const n = x.shape[0]!;
  if (y.shape[0] !== n) throw new FormatError(`x has ${n} rows but y has ${y.shape[0]}.`, file);
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const order = numpyPermutation(n, layout.seed);
  // Python's int() truncates: int(506 * 0.8) = 404.
  const nTrain = Math.trunc(n * (1 - layout.testSplit));
  return [take(x, y, order.subarray(0, nTrain), per), take(x, y, order.subarray(nTrain), per)];
}
