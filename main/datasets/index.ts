/**
 * The dataset manager's entry point: load a catalog dataset (verified, from cache, mirror or the internet) as
 * uint8 arrays with class labels, or the user's own data (openDataset). Preprocessing lives in preprocess.ts,
 * training feeds in feed.ts; everything public is re-exported here.
 */
import { findCatalogEntry, getCatalogEntry, type CatalogEntry, type CatalogName } from './catalog';
import type { DataKind, DataSource } from '../../shared/data-preprocessing';
import { openOwnData } from './own-data';
import { cifarSplit, readTarGzMembers } from './cifar';
import { FormatError } from './errors';
import { gunzipIfNeededAsync, parseIdx } from './idx';
import { kerasShuffledSplit } from './keras-split';
import { parseNpz } from './npy';
import { obtainFile, type SourceOptions } from './store';
import type { LoadedDataset, LoadedSplit } from './types';
import { loadKerasTextSplits, type TextLoadOptions } from './keras-text-catalog';

export interface LoadOptions extends SourceOptions {
  /** Keep only the first N training / test samples (views into the loaded arrays, no copy). */
  limitTrain?: number;
  limitTest?: number;
  /** Text datasets (imdb, reuters): Keras' load_data options and the padded length (default: the catalog's). */
  text?: TextLoadOptions;
  /**
   * Catalog entries that stand in for the built-in ones of the same name: tests give imdb/reuters entries for
   * generated files in Keras' layout with their own checksums (the official files cannot be downloaded there).
   */
  catalog?: CatalogEntry[];
}

/** The catalog entry of that name: one of `catalog` (LoadOptions.catalog) first, else the built-in one. */
export function catalogEntryFor(name: string, catalog?: readonly CatalogEntry[]): CatalogEntry {
  return catalog?.find((e) => e.name === name) ?? getCatalogEntry(name);
}

function limit(split: LoadedSplit, n: number | undefined): LoadedSplit {
  if (n === undefined || n >= split.count) return split;
  if (!Number.isInteger(n) || n < 0) throw new Error(`limit must be a non-negative integer. Received: ${n}`);
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  return { ...split, x: split.x.subarray(0, n * per), y: split.y.subarray(0, n), count: n };
}

async function loadIdxSplit(entry: CatalogEntry, images: string, labels: string, opts: SourceOptions): Promise<LoadedSplit> {
  const fileOf = (name: string) => {
    const f = entry.files.find((x) => x.name === name);
    if (!f) throw new Error(`catalog entry ${entry.name} lists no file ${name}`);
    return f;
  };
  const [img, lab] = await Promise.all([
    obtainFile(entry, fileOf(images), { ...opts, wantBytes: true }),
    obtainFile(entry, fileOf(labels), { ...opts, wantBytes: true }),
  ]);
  const [xRaw, yRaw] = await Promise.all([gunzipIfNeededAsync(img.bytes!, img.path), gunzipIfNeededAsync(lab.bytes!, lab.path)]);
  const x = parseIdx(xRaw, img.path, { type: 'uint8', ndim: 3 });
  const y = parseIdx(yRaw, lab.path, { type: 'uint8', ndim: 1 });
  if (x.dims[0] !== y.dims[0]) {
    throw new FormatError(`${x.dims[0]} images but ${y.dims[0]} labels in ${labels}: the files do not belong together.`, img.path);
  }
  const [, rows, cols] = x.dims;
  const [eh, ew] = entry.sampleShape;
  if (rows !== eh || cols !== ew) throw new FormatError(`images are ${rows}x${cols}, ${entry.name} has ${eh}x${ew}.`, img.path);
  return { x: x.data as Uint8Array, y: y.data as Uint8Array, sampleShape: [rows, cols, 1], count: x.dims[0] };
}

/** Loads a catalog dataset by name ('mnist', 'fashion-mnist', 'cifar-10', 'cifar-100'). */
export async function loadDataset(name: CatalogName | string, opts: LoadOptions = {}): Promise<LoadedDataset> {
  return loadCatalogEntry(catalogEntryFor(name, opts.catalog), opts);
}

/** Loads the dataset a catalog entry describes (the catalog's own, or one built the same way, e.g. in tests). */
export async function loadCatalogEntry(entry: CatalogEntry, opts: LoadOptions = {}): Promise<LoadedDataset> {
  const layout = entry.layout;
  let train: LoadedSplit;
  let test: LoadedSplit;
  if (layout.kind === 'keras-text') {
    [train, test] = await loadKerasTextSplits(entry, layout, opts);
  } else if (layout.kind === 'idx') {
    [train, test] = await Promise.all([
      loadIdxSplit(entry, layout.train.images, layout.train.labels, opts),
      loadIdxSplit(entry, layout.test.images, layout.test.labels, opts),
    ]);
  } else if (layout.kind === 'keras-shuffled-npz') {
    const file = entry.files.find((f) => f.name === layout.archive)!;
    const archive = await obtainFile(entry, file, { ...opts, wantBytes: true });
    [train, test] = kerasShuffledSplit(parseNpz(archive.bytes!, archive.path), layout, archive.path);
  } else {
    const file = entry.files.find((f) => f.name === layout.archive)!;
    const archive = await obtainFile(entry, file, opts);
    const members = await readTarGzMembers(archive.path, [...layout.trainMembers, ...layout.testMembers]);
    const tr = cifarSplit(members, layout.trainMembers, layout.labelBytes, layout.labelIndex);
    const te = cifarSplit(members, layout.testMembers, layout.labelBytes, layout.labelIndex);
    train = { x: tr.x, y: tr.y, sampleShape: [...entry.sampleShape], count: tr.count };
    test = { x: te.x, y: te.y, sampleShape: [...entry.sampleShape], count: te.count };
  }
  return {
    name: entry.name,
    train: limit(train, opts.limitTrain),
    test: limit(test, opts.limitTest),
    ...(entry.task === 'regression' ? { task: 'regression' as const } : { classNames: [...entry.classNames] }),
    ...(layout.kind === 'keras-text' ? { raw: true } : {}),
  };
}

export interface OpenOptions extends LoadOptions {
  /** How to read the user's own data (label column, task, image size, ...); the path is openDataset's spec. */
  own?: Omit<DataSource, 'path' | 'kind'> & { kind?: DataKind };
}

/**
 * A catalog name, or a path to the user's own data (see own-data.ts for the formats). The one entry point for
 * `layerlab datasets info|preview`; training goes through openOwnData to keep the record it makes.
 */
export async function openDataset(spec: string, opts: OpenOptions = {}): Promise<LoadedDataset> {
  if (findCatalogEntry(spec)) return loadDataset(spec, opts);
  const { dataset: d } = await openOwnData({ ...opts.own, path: spec });
  return { ...d, train: limit(d.train, opts.limitTrain), test: d.test && limit(d.test, opts.limitTest) };
}

export { catalog, findCatalogEntry, getCatalogEntry } from './catalog';
export type { CatalogEntry, CatalogFile, CatalogName } from './catalog';
export { ChecksumError, DatasetError, FormatError } from './errors';
export { parseIdx, readIdxFile } from './idx';
export type { IdxArray } from './idx';
export { resolveCacheDir, resolveMirrors } from './paths';
export { cachedFilePath, cacheStatus, fetchDataset, obtainFile } from './store';
export type { CacheState, SourceOptions, VerifiedFile } from './store';
export type { DownloadProgress } from './download';
export { loadCsvDataset, parseCsvDataset } from './csv';
export type { CsvDataset, CsvImportOptions } from './csv';
export { loadImageFolder, loadImageRows, loadNpyDataset, loadNpzDataset } from './custom';
export { detectKind, fingerprintOf, openOwnData } from './own-data';
export type { OwnData } from './own-data';
export type { ImageImportOptions, ImageRowsOptions, NpzImportOptions } from './custom';
export { parseNpy, parseNpz, readNpy, readNpz } from './npy';
export type { NpyArray } from './npy';
export { parseCifarRecords, readTarGzMembers } from './cifar';
export { imdbLoadData, loadKerasText, padSequences, parseTextNpz, reutersLoadData } from './keras-text';
export type { KerasTextOptions, KerasTextSplits } from './keras-text';
export type { TextLoadOptions } from './keras-text-catalog';
export {
  applyNormaliser, batches, batchShapeFor, fitNormaliser, normaliseSplit, oneHot, validationSplit,
} from './preprocess';
export type { Batch, BatchOptions, Normalisation, Normaliser, ValidationSplit } from './preprocess';
export { batchToTensors, createFeeder } from './feed';
export type { Feeder, FeedOptions } from './feed';
export { createAugmenter } from './augment';
export type { AugmentConfig } from './augment';
export { renderPreview } from './preview';
export type { PreviewOptions } from './preview';
export { createRng, shuffledIndices } from '../../shared/random';
export type { LoadedDataset, LoadedSplit } from './types';
