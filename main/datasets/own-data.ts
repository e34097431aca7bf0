/**
 * The user's own data as a run uses it: reads any supported format (image folder, CSV, .npz, .npy, IDX folder),
 * decides the validation rows (the data's test split, or Keras' validation_split: the LAST fraction in file order),
 * fits the table standardisation on the training rows only, and describes all of it in one DataPreprocessing
 * record, stored with the run (shared/data-preprocessing.ts) and applied again by the training worker, predictions
 * and exports.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import {
  DataPreprocessingSchema,
  type DataFingerprint,
  type DataKind,
  type DataPreprocessing,
  type DataSource,
  type FeatureColumn,
  type OwnDatasetConfig,
} from '../../shared/data-preprocessing';
import { encodeCsv, encodedNames, featureRecords, planCsv, readCsvTable } from './csv';
import { loadImageFolder, loadNpyDataset, loadNpzDataset } from './custom';
import { DatasetError } from './errors';
import { holdsIdxFiles, loadIdxFolder } from './idx-folder';
import { holdsTextFolders, loadOwnText, looksLikeTextCsv } from './own-text';
import type { TextVectorization } from '../../shared/text/vectorization';
import type { LoadedDataset } from './types';

/** Keras' default validation_split here (the issue's default), when the data has no test split. */
export const DEFAULT_VALIDATION_SPLIT = 0.2;

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** Tells the format from the path: a folder (IDX files, .npy files or class sub-folders) or a file's extension. */
export async function detectKind(path: string): Promise<DataKind> {
  const s = await statOrNull(path);
  if (!s) throw new DatasetError(`'${path}' is neither a catalog dataset (see layerlab datasets list) nor an existing file or folder.`, path);
  if (s.isDirectory()) {
    if (await holdsIdxFiles(path)) return 'idx';
    if ((await statOrNull(join(path, 'x_train.npy')))?.isFile()) return 'npy';
    if (await holdsTextFolders(path)) return 'text';
    return 'image-folder';
  }
  const name = basename(path).toLowerCase();
  if (name.endsWith('.npz')) return 'npz';
  if (name.endsWith('.npy')) return 'npy';
  if (name.endsWith('.csv') || name.endsWith('.csv.gz')) return (await looksLikeTextCsv(path)) ? 'text' : 'csv';
  if (/idx\d-ubyte(\.gz)?$/.test(name)) throw new DatasetError(`${path} is one IDX file: pass the folder that holds the images and labels files.`, path);
  throw new DatasetError(
    `cannot tell the format of ${path} (${extname(path) || 'no extension'}): use a folder of class sub-folders of images, a .csv/.csv.gz table, a Keras-layout .npz, .npy files, or a folder of IDX files.`,
    path,
  );
}

export interface OwnData {
  dataset: LoadedDataset;
  /** What config.dataset holds for this data (absolute paths). */
  config: OwnDatasetConfig;
  warnings: string[];
}

function checkFraction(f: number): number {
  if (!(f > 0 && f < 1)) throw new DatasetError(`--validation-split must be between 0 and 1 (exclusive), e.g. 0.2. Received: ${f}`);
  return f;
}

/** Normaliser of a table from its feature records: (x - mean) / std for numeric inputs, one-hot inputs unchanged. */
export function tableNormaliser(features: FeatureColumn[]): { offset: Float32Array; scale: Float32Array } {
  const offset: number[] = [];
  const scale: number[] = [];
  for (const f of features) {
    if (f.type === 'numeric') (offset.push(f.mean), scale.push(1 / f.std));
    else for (let i = 0; i < f.categories.length; i++) (offset.push(0), scale.push(1));
  }
  return { offset: Float32Array.from(offset), scale: Float32Array.from(scale) };
}

interface Loaded {
  dataset: LoadedDataset;
  features?: FeatureColumn[];
  labelColumn?: string;
  textColumn?: string;
  text?: TextVectorization;
}

async function loadByKind(kind: DataKind, path: string, testPath: string | undefined, source: Omit<DataSource, 'kind'>, fraction: number, stored?: DataPreprocessing): Promise<Loaded> {
  switch (kind) {
    case 'text': {
      const t = await loadOwnText(path, testPath, source, fraction, stored);
      return { dataset: t.dataset, text: t.vectorization, ...(t.columns ? { labelColumn: t.columns.label, textColumn: t.columns.text } : {}) };
    }
    case 'csv': {
      const table = await readCsvTable(path);
      const plan = planCsv(table, { ...(source.label_column ? { labelColumn: source.label_column } : {}), ...(source.task ? { task: source.task } : {}) });
      const train = encodeCsv(table, plan);
      const test = testPath ? encodeCsv(await readCsvTable(testPath), plan) : undefined;
      const trainRows = test ? train.count : train.count - Math.round(train.count * fraction);
      if (trainRows < 1) throw new DatasetError(`${path}: ${train.count} rows leave none for training after holding out ${fraction} for validation; add rows or pass --test.`, path);
      const features = featureRecords(plan, train, trainRows);
      return {
        dataset: {
          name: basename(path).replace(/\.csv(\.gz)?$/i, ''),
          train,
          ...(test ? { test } : {}),
          ...(plan.classNames ? { classNames: plan.classNames } : {}),
          task: plan.task,
          featureNames: encodedNames(plan),
        },
        features,
        labelColumn: plan.labelColumn,
      };
    }
    case 'image-folder': {
      const image = {
        ...(source.image_size ? { size: source.image_size } : {}),
        ...(source.color ? { channels: source.color === 'grayscale' ? (1 as const) : (3 as const) } : {}),
        ...(source.strict ? { strict: true } : {}),
      };
      return { dataset: await loadImageFolder(path, image, testPath) };
    }
    case 'npz':
    case 'npy': {
      const load = (p: string) => (kind === 'npz' ? loadNpzDataset(p, source.task ? { task: source.task } : {}) : loadNpyDataset(p, source.task ? { task: source.task } : {}));
      const d = await load(path);
      if (!testPath) return { dataset: d };
      const t = await load(testPath);
      return { dataset: { ...d, test: t.test ?? t.train, ...(d.classNames && t.classNames && t.classNames.length > d.classNames.length ? { classNames: t.classNames } : {}) } };
    }
    case 'idx': {
      const d = await loadIdxFolder(path, source.task ? { task: source.task } : {});
      if (!testPath) return { dataset: d };
      const t = await loadIdxFolder(testPath, { task: d.task! });
      return { dataset: { ...d, test: t.test ?? t.train } };
    }
  }
}

function targetRange(y: ArrayLike<number>, rows: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    if (y[i]! < min) min = y[i]!;
    if (y[i]! > max) max = y[i]!;
  }
  return { min, max };
}

const TEXT_FLAGS = { text_column: '--text-column', max_tokens: '--max-tokens', sequence_length: '--sequence-length', multi_hot: '--multi-hot' } as const;

/** The text flags make a CSV text (the user said so); on other kinds they are a mistake worth naming. */
function textAsked(source: Omit<DataSource, 'kind'>, kind: DataKind): DataKind {
  const given = (Object.keys(TEXT_FLAGS) as (keyof typeof TEXT_FLAGS)[]).filter((k) => source[k] !== undefined);
  if (given.length === 0 || kind === 'text') return kind;
  if (kind === 'csv') return 'text';
  throw new DatasetError(
    `${given.map((k) => TEXT_FLAGS[k]).join(', ')} apply to text (a CSV with a text column, or class folders of .txt files); ${source.path} reads as ${kind} data.`,
    source.path,
  );
}

/**
 * Opens the data a DataSource names. Relative paths are resolved against `baseDir` (a project's folder; default the
 * working directory). `stored`, a run's earlier record, is applied as it is (standardisation included) instead of
 * being fitted again, so a resumed run or a prediction sees exactly what training saw.
 */
export async function openOwnData(source: Omit<DataSource, 'kind'> & { kind?: DataKind }, opts: { baseDir?: string; stored?: DataPreprocessing } = {}): Promise<OwnData> {
  const path = resolve(opts.baseDir ?? '.', source.path);
  const testPath = source.test_path ? resolve(opts.baseDir ?? '.', source.test_path) : undefined;
  if (!(await statOrNull(path))) {
    throw new DatasetError(`'${source.path}' is neither a catalog dataset (see layerlab datasets list) nor an existing file or folder.`, path);
  }
  if (testPath && !(await statOrNull(testPath))) throw new DatasetError(`--test ${source.test_path}: no such file or folder.`, testPath);
  const kind = textAsked(source, source.kind ?? (await detectKind(path)));
  const fraction = checkFraction(source.validation_split ?? DEFAULT_VALIDATION_SPLIT);
  const { dataset, features, labelColumn, textColumn, text } = await loadByKind(kind, path, testPath, source, fraction, opts.stored);
  const task = dataset.task ?? 'classification';
  const hasTest = dataset.test !== undefined;
  const trainRows = hasTest ? dataset.train.count : dataset.train.count - Math.round(dataset.train.count * fraction);
  if (trainRows < 1) throw new DatasetError(`${path}: ${dataset.train.count} samples leave none for training after holding out ${fraction}; add data or pass --test.`, path);
  const shape = dataset.train.sampleShape;
  const fitted: DataPreprocessing = DataPreprocessingSchema.parse({
    kind,
    task,
    sample_shape: shape,
    validation: hasTest ? { kind: 'test-split' } : { kind: 'last-fraction', fraction },
    ...(task === 'classification' && dataset.classNames ? { class_names: dataset.classNames } : {}),
    ...(kind === 'csv' ? { label_column: labelColumn, features } : {}),
    ...(kind === 'text' ? { ...(labelColumn ? { label_column: labelColumn, text_column: textColumn } : {}), text } : {}),
    ...(kind === 'image-folder' || (kind === 'idx' && shape.length === 3)
      ? { image: { height: shape[0]!, width: shape[1]!, color: shape[2] === 1 ? 'grayscale' : 'rgb' } }
      : {}),
    ...(task === 'regression' ? { target: targetRange(dataset.train.y, trainRows) } : {}),
  });
  const record = opts.stored ?? fitted;
  const normaliser = record.features ? tableNormaliser(record.features) : undefined;
  const own: LoadedDataset['own'] = { validation: 'last', ...(normaliser ? { normaliser } : {}) };
  const fingerprint = await fingerprintOf([path, ...(testPath ? [testPath] : [])]);
  return {
    dataset: { ...dataset, own },
    config: {
      name: dataset.name,
      source: { ...source, kind, path, ...(testPath ? { test_path: testPath } : {}), validation_split: fraction },
      preprocessing: record,
      fingerprint,
    },
    warnings: dataset.warnings ?? [],
  };
}

async function hashFile(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(root);
  return out;
}

/** Size and sha256 of the data: each file's path (relative to its root) and bytes, in sorted order. */
export async function fingerprintOf(roots: string[]): Promise<DataFingerprint> {
  const hash = createHash('sha256');
  let bytes = 0;
  let files = 0;
  for (const root of roots) {
    const s = await stat(root);
    const list = s.isDirectory() ? await listFiles(root) : [root];
    for (const f of list) {
      hash.update(`${s.isDirectory() ? relative(root, f) : basename(f)}\0`);
      await hashFile(f, hash);
      bytes += (await stat(f)).size;
      files++;
    }
  }
  return { bytes, files, sha256: hash.digest('hex') };
}
