/**
 * Users' own data: NumPy archives (Keras layout), folders of images (one sub-folder per class) and "image row"
 * sheets (one flattened image per PNG row, as the ConvNetJS demos ship CIFAR-10). All of them end as the same
 * LoadedDataset the catalog produces.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { DatasetError, FormatError } from './errors';
import { readNpz, type NpyArray } from './npy';
import type { LoadedDataset, LoadedSplit } from './types';

function toX(a: NpyArray, file: string): { x: Uint8Array | Float32Array; sampleShape: number[] } {
  const [n, ...rest] = a.shape;
  if (n === undefined || rest.length === 0) throw new FormatError(`x has shape (${a.shape.join(', ')}): expected (samples, ...).`, file);
  const sampleShape = rest.length === 2 ? [...rest, 1] : rest;
  const x = a.data instanceof Uint8Array || a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
  return { x, sampleShape };
}

function toY(a: NpyArray, count: number, file: string): Uint8Array | Int32Array | Float32Array {
  const n = a.shape[0];
  const per = a.shape.slice(1).reduce((p, q) => p * q, 1);
  if (n !== count || per !== 1) {
    throw new FormatError(`labels have shape (${a.shape.join(', ')}) for ${count} samples: expected (${count},) or (${count}, 1).`, file);
  }
  if (a.data instanceof Uint8Array || a.data instanceof Int32Array || a.data instanceof Float32Array) return a.data;
  if (a.data instanceof Float64Array) return Float32Array.from(a.data);
  return Int32Array.from(a.data);
}

export interface NpzImportOptions {
  /** Array names; default Keras' x_train, y_train, x_test, y_test. */
  keys?: { xTrain?: string; yTrain?: string; xTest?: string; yTest?: string };
  classNames?: string[];
  name?: string;
}

function classNamesFor(y: LoadedSplit['y'], given?: string[]): string[] | undefined {
  if (given) return given;
  if (y instanceof Float32Array) return undefined;
  let max = 0;
  for (let i = 0; i < y.length; i++) if (y[i] > max) max = y[i];
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/** Loads an .npz in Keras layout (x_train/y_train and optionally x_test/y_test). */
export async function loadNpzDataset(path: string, opts: NpzImportOptions = {}): Promise<LoadedDataset> {
  const arrays = await readNpz(path);
  const k = { xTrain: 'x_train', yTrain: 'y_train', xTest: 'x_test', yTest: 'y_test', ...opts.keys };
  const split = (xKey: string, yKey: string): LoadedSplit | undefined => {
    const xa = arrays.get(xKey);
    const ya = arrays.get(yKey);
    if (!xa && !ya) return undefined;
    if (!xa || !ya) throw new FormatError(`has ${xa ? xKey : yKey} but not ${xa ? yKey : xKey}.`, path);
    const { x, sampleShape } = toX(xa, path);
    return { x, y: toY(ya, xa.shape[0], path), sampleShape, count: xa.shape[0] };
  };
  const train = split(k.xTrain, k.yTrain);
  if (!train) {
    throw new FormatError(`holds arrays ${[...arrays.keys()].join(', ')} but no ${k.xTrain}/${k.yTrain}; pass keys to name the arrays.`, path);
  }
  const test = split(k.xTest, k.yTest);
  return { name: opts.name ?? basename(path, extname(path)), train, test, classNames: classNamesFor(train.y, opts.classNames) };
}

export interface ImageImportOptions {
  /** Output size [height, width]; every image is resized to it (sharp, fit: fill). */
  size: [number, number];
  channels: 1 | 3;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

async function decodeImage(path: string, opts: ImageImportOptions): Promise<Uint8Array> {
  const [h, w] = opts.size;
  let img = sharp(path).removeAlpha().resize(w, h, { fit: 'fill' });
  img = opts.channels === 1 ? img.greyscale() : img.toColourspace('srgb');
  try {
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== opts.channels || info.width !== w || info.height !== h) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
    }
    return data;
  } catch (err) {
    throw new FormatError(`cannot decode image (${(err as Error).message}). Remove it or replace it with a valid PNG/JPEG.`, path);
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function loadClassFolders(dir: string, classNames: string[], opts: ImageImportOptions): Promise<LoadedSplit> {
  const files: { path: string; label: number }[] = [];
  for (const [label, cls] of classNames.entries()) {
    const sub = join(dir, cls);
    if (!(await isDir(sub))) continue;
    const names = (await readdir(sub)).filter((f) => IMAGE_EXT.has(extname(f).toLowerCase())).sort();
    for (const f of names) files.push({ path: join(sub, f), label });
  }
  const [h, w] = opts.size;
  const per = h * w * opts.channels;
  const x = new Uint8Array(files.length * per);
  const y = new Uint8Array(files.length);
  // A few decodes in flight keep sharp's thread pool busy without opening thousands of files at once.
  const width = 8;
  for (let i = 0; i < files.length; i += width) {
    const chunk = files.slice(i, i + width);
    const decoded = await Promise.all(chunk.map((f) => decodeImage(f.path, opts)));
    decoded.forEach((d, j) => {
      x.set(d, (i + j) * per);
      y[i + j] = chunk[j].label;
    });
  }
  return { x, y, sampleShape: [h, w, opts.channels], count: files.length };
}

/**
 * A folder with one sub-folder of PNG/JPEG images per class (class names = sub-folder names, sorted). If the folder
 * instead holds train/ and test/ (each with the class sub-folders) those become the two splits.
 */
export async function loadImageFolder(dir: string, opts: ImageImportOptions): Promise<LoadedDataset> {
  const hasSplits = (await isDir(join(dir, 'train'))) && (await isDir(join(dir, 'test')));
  const trainDir = hasSplits ? join(dir, 'train') : dir;
  const entries = await readdir(trainDir, { withFileTypes: true });
  const classNames = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classNames.length < 1) throw new DatasetError(`${trainDir} has no class sub-folders: put each class's images in its own folder (e.g. cats/, dogs/).`, trainDir);
  if (classNames.length > 256) throw new DatasetError(`${trainDir} has ${classNames.length} class folders; at most 256 are supported.`, trainDir);
  const train = await loadClassFolders(trainDir, classNames, opts);
  if (train.count === 0) throw new DatasetError(`no .png/.jpg/.jpeg images found under ${trainDir}/<class>/.`, trainDir);
  const test = hasSplits ? await loadClassFolders(join(dir, 'test'), classNames, opts) : undefined;
  return { name: basename(dir), train, test, classNames };
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
