/**
 * The engine's one door to the dataset manager: loads the referenced dataset (train.ts then feeds it through
 * createFeeder).
 * A --data-dir is a mirror for the dataset manager: a folder with one sub-folder per dataset, or one holding the
 * dataset's files directly (e.g. ../shared/datasets/mnist); its files are verified like any other copy.
 */
import { existsSync } from 'node:fs';
import type { OwnDatasetConfig } from '../../shared/data-preprocessing';
import { loadDataset, openOwnData } from '../datasets/index';
import type { LoadedDataset, LoadedSplit } from '../datasets/types';
import type { TextLoadOptions } from '../datasets/keras-text-catalog';
import type { CatalogEntry } from '../datasets/catalog';

/** What a worker needs to load the data itself (a reference, not the pixels). */
export interface DataRef {
  /** Catalog name: 'mnist', 'fashion-mnist', ... (for the user's own data, its display name). */
  dataset: string;
  /** The user's own data: where it is and the preprocessing a run recorded (config.dataset). */
  own?: OwnDatasetConfig;
  /** A folder with the four IDX(.gz) files, or a mirror root with one sub-folder per dataset. */
  dataDir?: string;
  cacheDir?: string;
  /** Mirror roots for the dataset manager (used when dataDir is absent or holds no IDX files). */
  mirror?: string | string[];
  offline?: boolean;
  limitTrain?: number;
  limitTest?: number;
  /** imdb/reuters: Keras' load_data options and the padded length (config.dataset.text). */
  text?: TextLoadOptions;
  /** Stand-ins for catalog entries (DataSource.catalog). */
  catalog?: CatalogEntry[];
}

/** Loads the referenced dataset (limits applied). */
export async function loadData(ref: DataRef): Promise<LoadedDataset> {
  for (const [k, v] of [['limitTrain', ref.limitTrain], ['limitTest', ref.limitTest]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  if (ref.own) {
    const { dataset: d } = await openOwnData(ref.own.source, { stored: ref.own.preprocessing });
    return { ...d, train: limitSplit(d.train, ref.limitTrain), ...(d.test ? { test: limitSplit(d.test, ref.limitTest) } : {}) };
  }
  if (ref.dataDir && !existsSync(ref.dataDir)) throw new Error(`--data-dir ${ref.dataDir} does not exist`);
  return loadDataset(ref.dataset, {
    mirror: ref.dataDir ?? ref.mirror,
    cacheDir: ref.cacheDir,
    offline: ref.offline,
    limitTrain: ref.limitTrain,
    limitTest: ref.limitTest,
    ...(ref.text ? { text: ref.text } : {}),
    ...(ref.catalog ? { catalog: ref.catalog } : {}),
  });
}

/** The first n samples (a view, no copy). */
function limitSplit(split: LoadedSplit, n: number | undefined): LoadedSplit {
  if (n === undefined || n >= split.count) return split;
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  return { ...split, x: split.x.subarray(0, n * per), y: split.y.subarray(0, n), count: n };
}

