/**
 * bench:train's text data for --model imdb-lstm: the imdb-lstm template's shape (ids of a 10,000-word vocabulary,
 * 200 per sample, one sigmoid output) filled with real text: debian-package-sections descriptions tokenized with a
 * vocabulary adapted on train.csv (post-padded, as TextVectorization pads), labelled 1 for the 'games' section and 0
 * for the other seven (a binary task, as IMDB's). Written as raw little-endian files for the PyTorch side.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildTextDataset, readTextCsv } from '../main/datasets/text-source';
import type { LoadedSplit } from '../main/datasets/types';

export const TEXT_LENGTH = 200;
export const TEXT_VOCABULARY = 10000;
export const POSITIVE = 'games';

export interface TextBench {
  train: LoadedSplit;
  test: LoadedSplit;
  /** Folder with x_train.f32, y_train.f32, x_test.f32, y_test.f32 (row-major, [n, 200] and [n]). */
  dir: string;
}

function binary(split: LoadedSplit, positive: number, limit: number): LoadedSplit {
  const count = Math.min(limit, split.count);
  const per = split.sampleShape[0]!;
  return { x: split.x.subarray(0, count * per), y: Float32Array.from(split.y.subarray(0, count), (c) => (c === positive ? 1 : 0)), sampleShape: split.sampleShape, count };
}

export async function debianTextBench(datasets: string, tmp: string, samples: number, testCount: number): Promise<TextBench> {
  const root = resolve(datasets, 'debian-package-sections');
  const d = buildTextDataset('debian', await readTextCsv(join(root, 'train.csv')), await readTextCsv(join(root, 'test.csv')), {
    maxTokens: TEXT_VOCABULARY,
    sequenceLength: TEXT_LENGTH,
  });
  const positive = d.classNames!.indexOf(POSITIVE);
  const train = binary(d.train, positive, samples);
  const test = binary(d.test!, positive, testCount);
  const write = (name: string, a: Float32Array | Uint8Array | Int32Array) => writeFileSync(join(tmp, name), Buffer.from(Float32Array.from(a).buffer));
  write('x_train.f32', train.x);
  write('y_train.f32', train.y);
  write('x_test.f32', test.x);
  write('y_test.f32', test.y);
  return { train, test, dir: tmp };
}
