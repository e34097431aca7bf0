/**
 * Users' own data: NumPy archives (Keras layout), folders of images (one sub-folder per class) and "image row"
 * sheets (one flattened image per PNG row, as the ConvNetJS demos ship CIFAR-10). All of them end as the same
 * LoadedDataset the catalog produces.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import type { Task } from '../../shared/data-preprocessing';
import { DatasetError, FormatError } from './errors';
import { decodeBmp } from './bmp';
import { checkClassLabels, inferTask, numberedClassNames, summariseLabels } from './labels';
import { readNpy, readNpz, type NpyArray } from './npy';
import type { LoadedDataset, LoadedSplit } from './types';

function toX(a: NpyArray, file: string): { x: Uint8Array | Float32Array; sampleShape: number[] } {
  const [n, ...rest] = a.shape;
  if (n === undefined || rest.length === 0) throw new FormatError(`x has shape (${a.shape.join(', ')}): expected (samples, ...).`, file);
  const sampleShape = rest.length === 2 ? [...rest, 1] : rest;
  const x = a.data instanceof Uint8Array || a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
  return { x, sampleShape };
}

function toY(a: NpyArray, count: number, file: string, key: string): ArrayLike<number> {
  const n = a.shape[0];
  const per = a.shape.slice(1).reduce((p, q) => p * q, 1);
  if (n !== count || per !== 1) {
    throw new FormatError(`${key} has shape (${a.shape.join(', ')}) for ${count} samples: expected (${count},) or (${count}, 1).`, file);
  }
  return a.data;
}

/**
 * Labels in the form training takes: class indices (checked 0..K-1, K <= 10,000, in one pass before anything is
 * allocated by a label's value) or float regression targets.
 */
function labelsFor(y: ArrayLike<number>, task: Task, where: (i: number) => string, file: string): Int32Array | Float32Array {
  if (task === 'regression') return Float32Array.from(y);
  checkClassLabels(y, where, file);
  return y instanceof Int32Array ? y : Int32Array.from(y);
}

export interface NpzImportOptions {
  /** Array names; default Keras' x_train, y_train, x_test, y_test. */
  keys?: { xTrain?: string; yTrain?: string; xTest?: string; yTest?: string };
  classNames?: string[];
  name?: string;
  /** Default: inferred from y_train (integers with at most 100 distinct values: classification). */
  task?: Task;
}

/** Arrays in Keras layout (from an .npz, or from .npy files) as a dataset. */
export function arraysToDataset(arrays: Map<string, NpyArray>, file: string, opts: NpzImportOptions = {}): LoadedDataset {
  const k = { xTrain: 'x_train', yTrain: 'y_train', xTest: 'x_test', yTest: 'y_test', ...opts.keys };
  const raw = (xKey: string, yKey: string) => {
    const xa = arrays.get(xKey);
    const ya = arrays.get(yKey);
    if (!xa && !ya) return undefined;
    if (!xa || !ya) throw new FormatError(`has ${xa ? xKey : yKey} but not ${xa ? yKey : xKey}.`, file);
    return { ...toX(xa, file), y: toY(ya, xa.shape[0]!, file, yKey), count: xa.shape[0]!, yKey };
  };
  const train = raw(k.xTrain, k.yTrain);
  if (!train) {
    throw new FormatError(`holds arrays ${[...arrays.keys()].join(', ') || '(none)'} but no ${k.xTrain}/${k.yTrain}: save them under these names (np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)).`, file);
  }
  if (train.count === 0) throw new FormatError(`${k.xTrain} holds 0 samples.`, file);
  const test = raw(k.xTest, k.yTest);
  if (test && test.sampleShape.join('x') !== train.sampleShape.join('x')) {
    throw new FormatError(`${k.xTest} samples are (${test.sampleShape.join(', ')}) but ${k.xTrain} samples are (${train.sampleShape.join(', ')}).`, file);
  }
  const task = opts.task ?? inferTask(summariseLabels(train.y));
  const split = (s: NonNullable<typeof train>): LoadedSplit => ({
    x: s.x,
    y: labelsFor(s.y, task, (i) => `${s.yKey}[${i}]`, file),
    sampleShape: s.sampleShape,
    count: s.count,
  });
  const trainSplit = split(train);
  const testSplit = test && split(test);
  let classNames = opts.classNames;
  // Both splits are checked (bounded) above, so K is at most MAX_CLASSES here.
  if (task === 'classification' && !classNames) classNames = numberedClassNames(trainSplit.y, testSplit?.y);
  return {
    name: opts.name ?? basename(file, extname(file)),
    train: trainSplit,
    ...(testSplit ? { test: testSplit } : {}),
    ...(classNames && task === 'classification' ? { classNames } : {}),
    task,
  };
}

/** Loads an .npz in Keras layout (x_train/y_train and optionally x_test/y_test). */
export async function loadNpzDataset(path: string, opts: NpzImportOptions = {}): Promise<LoadedDataset> {
  return arraysToDataset(await readNpz(path), path, opts);
}

/**
 * .npy files in Keras layout: a folder holding x_train.npy and y_train.npy (x_test.npy, y_test.npy optional), or
 * one x file whose labels sit beside it (x_train.npy -> y_train.npy, x.npy / X.npy -> y.npy).
 */
export async function loadNpyDataset(path: string, opts: NpzImportOptions = {}): Promise<LoadedDataset> {
  const arrays = new Map<string, NpyArray>();
  if (await isDir(path)) {
    for (const key of ['x_train', 'y_train', 'x_test', 'y_test']) {
      const f = join(path, `${key}.npy`);
      if (existsSync(f)) arrays.set(key, await readNpy(f));
    }
    return arraysToDataset(arrays, path, { name: basename(path), ...opts });
  }
  const dir = dirname(path);
  const base = basename(path);
  const yName = /^x_/i.test(base) ? base.replace(/^x_/i, 'y_') : /^x\.npy$/i.test(base) ? 'y.npy' : undefined;
  if (!yName || !existsSync(join(dir, yName))) {
    throw new DatasetError(`${path}: where are the labels? Put them beside it as ${yName ?? 'y_train.npy (for x_train.npy)'}, or pass the folder holding x_train.npy and y_train.npy.`, path);
  }
  arrays.set('x_train', await readNpy(path));
  arrays.set('y_train', await readNpy(join(dir, yName)));
  return arraysToDataset(arrays, path, opts);
}

export interface ImageImportOptions {
  /** Output size [height, width]; every image is resized to it (sharp, fit: fill). Default: the first image's size. */
  size?: [number, number];
  /** Default: 1 when the first image is greyscale, else 3. */
  channels?: 1 | 3;
  /** Refuse files that are not images instead of skipping them with one warning. */
  strict?: boolean;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.gif']);

/** sharp reads PNG, JPEG and GIF itself; BMP goes through our decoder first. */
async function openImage(path: string): Promise<sharp.Sharp> {
  if (extname(path).toLowerCase() !== '.bmp') return sharp(path, { pages: 1 });
  const bmp = decodeBmp(await readFile(path), path);
  return sharp(Buffer.from(bmp.data.buffer, bmp.data.byteOffset, bmp.data.length), { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
}

async function decodeImage(path: string, size: [number, number], channels: 1 | 3): Promise<Uint8Array> {
  const [h, w] = size;
  try {
    let img = (await openImage(path)).removeAlpha().resize(w, h, { fit: 'fill' });
    img = channels === 1 ? img.greyscale() : img.toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== w || info.height !== h) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
    }
    return data;
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError(`cannot decode image (${(err as Error).message}). Remove it or replace it with a valid PNG/JPEG/BMP/GIF.`, path);
  }
}

/** The first image's size and whether it is greyscale: the defaults when --image-size / --color are not given. */
async function firstImageShape(path: string): Promise<{ size: [number, number]; channels: 1 | 3 }> {
  try {
    if (extname(path).toLowerCase() === '.bmp') {
      const bmp = decodeBmp(await readFile(path), path);
      return { size: [bmp.height, bmp.width], channels: 3 };
    }
    const m = await sharp(path).metadata();
    return { size: [m.height!, m.width!], channels: (m.channels ?? 3) <= 2 ? 1 : 3 };
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError(`cannot decode image (${(err as Error).message}). Remove it or replace it with a valid PNG/JPEG/BMP/GIF.`, path);
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

interface ImageFile {
  path: string;
  label: number;
}

/** The images of each class folder, and the files there that are not images. Hidden files are ignored. */
async function listClassFolders(dir: string, classNames: string[]): Promise<{ files: ImageFile[]; others: string[] }> {
  const files: ImageFile[] = [];
  const others: string[] = [];
  for (const [label, cls] of classNames.entries()) {
    const sub = join(dir, cls);
    if (!(await isDir(sub))) continue;
    const names = (await readdir(sub)).filter((f) => !f.startsWith('.')).sort();
    for (const f of names) (IMAGE_EXT.has(extname(f).toLowerCase()) ? files.push({ path: join(sub, f), label }) : others.push(join(sub, f)));
  }
  return { files, others };
}

async function decodeAll(files: ImageFile[], size: [number, number], channels: 1 | 3): Promise<LoadedSplit> {
  const [h, w] = size;
  const per = h * w * channels;
  const x = new Uint8Array(files.length * per);
  const y = new Int32Array(files.length);
  // A few decodes in flight keep sharp's thread pool busy without opening thousands of files at once.
  const width = 8;
  for (let i = 0; i < files.length; i += width) {
    const chunk = files.slice(i, i + width);
    const decoded = await Promise.all(chunk.map((f) => decodeImage(f.path, size, channels)));
    decoded.forEach((d, j) => {
      x.set(d, (i + j) * per);
      y[i + j] = chunk[j]!.label;
    });
  }
  return { x, y, sampleShape: [h, w, channels], count: files.length };
}

function describeOthers(others: string[]): string {
  const what = others.length === 1 ? '1 file that is not an image' : `${others.length} files that are not images`;
  return `${what} (.png/.jpg/.jpeg/.bmp/.gif): ${others.slice(0, 5).join(', ')}${others.length > 5 ? `, and ${others.length - 5} more` : ''}`;
}

/**
 * A folder with one sub-folder of images per class (class names = sub-folder names, sorted). If the folder instead
 * holds train/ and test/ (each with the class sub-folders) those become the two splits. `testDir` names a separate
 * test folder with the same class sub-folders.
 */
export async function loadImageFolder(dir: string, opts: ImageImportOptions = {}, testDir?: string): Promise<LoadedDataset> {
  const hasSplits = !testDir && (await isDir(join(dir, 'train'))) && (await isDir(join(dir, 'test')));
  const trainDir = hasSplits ? join(dir, 'train') : dir;
  const entries = await readdir(trainDir, { withFileTypes: true });
  const classNames = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classNames.length < 1) throw new DatasetError(`${trainDir} has no class sub-folders: put each class's images in its own folder (e.g. cats/, dogs/).`, trainDir);
  if (classNames.length > 10_000) throw new DatasetError(`${trainDir} has ${classNames.length} class folders; at most 10,000 are supported.`, trainDir);
  const loose = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(trainDir, e.name));
  const train = await listClassFolders(trainDir, classNames);
  if (train.files.length === 0) throw new DatasetError(`no .png/.jpg/.jpeg/.bmp/.gif images found under ${trainDir}/<class>/.`, trainDir);
  const testFrom = testDir ?? (hasSplits ? join(dir, 'test') : undefined);
  if (testFrom) {
    const testClasses = (await readdir(testFrom, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    const extra = testClasses.filter((c) => !classNames.includes(c)).sort();
    if (extra.length) {
      throw new DatasetError(`${testFrom} has class folders the training folder lacks: ${extra.join(', ')}. Add training images of these classes, or remove them from the test folder.`, testFrom);
    }
  }
  const test = testFrom ? await listClassFolders(testFrom, classNames) : undefined;
  const others = [...loose, ...train.others, ...(test?.others ?? [])];
  const warnings: string[] = [];
  if (others.length > 0) {
    if (opts.strict) throw new DatasetError(`found ${describeOthers(others)}. Remove ${others.length === 1 ? 'it' : 'them'}, or leave out --strict to skip ${others.length === 1 ? 'it' : 'them'}.`, others[0]);
    warnings.push(`skipped ${describeOthers(others)}`);
  }
  const first = await firstImageShape(train.files[0]!.path);
  const size = opts.size ?? first.size;
  const channels = opts.channels ?? first.channels;
  const testSplit = test && test.files.length > 0 ? await decodeAll(test.files, size, channels) : undefined;
  if (testFrom && !testSplit) throw new DatasetError(`no images found under ${testFrom}/<class>/ for the test split.`, testFrom);
  return {
    name: basename(dir),
    train: await decodeAll(train.files, size, channels),
    ...(testSplit ? { test: testSplit } : {}),
    classNames,
    task: 'classification',
    ...(warnings.length ? { warnings } : {}),
  };
}

export interface ImageRowsOptions {
  /** Shape of one image, channels last, e.g. [32, 32, 3]; each PNG row holds exactly one image flattened. */
  sampleShape: [number, number, number];
  /** Labels for the rows of all sheets in order (e.g. from a labels JSON). */
  labels: ArrayLike<number>;
  classNames?: string[];
  name?: string;
}

/** Sheets of images stored one per row (ConvNetJS layout), concatenated in the order given. */
export async function loadImageRows(sheets: string[], opts: ImageRowsOptions): Promise<LoadedSplit & { classNames?: string[] }> {
  const [h, w, c] = opts.sampleShape;
  const per = h * w * c;
  const parts: Uint8Array[] = [];
  for (const path of sheets) {
    const img = sharp(await readFile(path)).removeAlpha();
    const { data, info } = await (c === 1 ? img.greyscale() : img.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
    if (info.width * info.channels !== per) {
      throw new FormatError(`rows hold ${info.width}x${info.channels} values but one ${h}x${w}x${c} image needs ${per}.`, path);
    }
    parts.push(data);
  }
  const count = parts.reduce((n, p) => n + p.length / per, 0);
  if (opts.labels.length < count) throw new DatasetError(`${count} images but only ${opts.labels.length} labels.`);
  const x = new Uint8Array(count * per);
  let off = 0;
  for (const p of parts) {
    x.set(p, off);
    off += p.length;
  }
  const y = Uint8Array.from({ length: count }, (_, i) => opts.labels[i]);
  return { x, y, sampleShape: [h, w, c], count, classNames: opts.classNames };
}
