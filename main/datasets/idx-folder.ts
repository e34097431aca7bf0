/**
 * A folder of IDX files as MNIST ships them (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-...), gzipped
 * or not (gzip is told by its magic bytes). Files are paired by name: "images"/"idx3" with "labels"/"idx1", and
 * "t10k"/"test" marks the test pair.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Task } from '../../shared/data-preprocessing';
import { DatasetError, FormatError } from './errors';
import { parseIdx } from './idx';
import { checkClassLabels, inferTask, numberedClassNames, summariseLabels } from './labels';
import type { LoadedDataset, LoadedSplit } from './types';

const isTest = (name: string) => /t10k|test/i.test(name);
const isImages = (name: string) => /images|idx3/i.test(name);
const isLabels = (name: string) => /labels|idx1/i.test(name);

/** Whether a folder holds IDX files (so that it is read as IDX, not as a folder of class sub-folders). */
export async function holdsIdxFiles(dir: string): Promise<boolean> {
  const names = await readdir(dir);
  return names.some((n) => /idx\d-ubyte(\.gz)?$/i.test(n));
}

async function readPair(dir: string, images: string, labels: string, task: Task | undefined): Promise<LoadedSplit & { task: Task }> {
  const [xa, ya] = await Promise.all([images, labels].map((f) => readFile(join(dir, f))));
  const x = parseIdx(xa!, join(dir, images), { type: 'uint8' });
  const y = parseIdx(ya!, join(dir, labels), { ndim: 1 });
  if (x.dims.length < 2 || x.dims.length > 4) throw new FormatError(`has ${x.dims.length} dimensions: images need (N, rows, cols) or (N, rows, cols, channels).`, join(dir, images));
  if (x.dims[0] !== y.dims[0]) throw new FormatError(`${x.dims[0]} images but ${y.dims[0]} labels in ${labels}: the files do not belong together.`, join(dir, images));
  const [count, ...rest] = x.dims;
  const sampleShape = rest.length === 2 ? [...rest, 1] : rest;
  const t = task ?? inferTask(summariseLabels(y.data));
  const labelsOut = t === 'regression' ? Float32Array.from(y.data) : (checkClassLabels(y.data, (i) => `label ${i}`, join(dir, labels)), Int32Array.from(y.data));
  return { x: x.data as Uint8Array, y: labelsOut, sampleShape, count: count!, task: t };
}

export async function loadIdxFolder(dir: string, opts: { task?: Task } = {}): Promise<LoadedDataset> {
  const names = (await readdir(dir)).filter((n) => /ubyte|\.idx/i.test(n)).sort();
  const pick = (test: boolean, kind: (n: string) => boolean) => names.filter((n) => isTest(n) === test && kind(n));
  const pair = (test: boolean): [string, string] | undefined => {
    const im = pick(test, isImages);
    const lb = pick(test, isLabels);
    if (im.length === 0 && lb.length === 0) return undefined;
    if (im.length !== 1 || lb.length !== 1) {
      throw new DatasetError(
        `${dir}: expected one ${test ? 'test' : 'training'} images file and one labels file (e.g. ${test ? 't10k' : 'train'}-images-idx3-ubyte[.gz] and ${test ? 't10k' : 'train'}-labels-idx1-ubyte[.gz]), found images: ${im.join(', ') || 'none'}; labels: ${lb.join(', ') || 'none'}.`,
        dir,
      );
    }
    return [im[0]!, lb[0]!];
  };
  const trainPair = pair(false);
  if (!trainPair) throw new DatasetError(`${dir}: no training IDX files (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]).`, dir);
  const testPair = pair(true);
  const train = await readPair(dir, ...trainPair, opts.task);
  const test = testPair ? await readPair(dir, ...testPair, train.task) : undefined;
  const strip = ({ task: _task, ...s }: LoadedSplit & { task: Task }): LoadedSplit => s;
  const classNames = train.task === 'classification' ? numberedClassNames(train.y, test?.y) : undefined;
  return { name: basename(dir), train: strip(train), ...(test ? { test: strip(test) } : {}), ...(classNames ? { classNames } : {}), task: train.task };
}
