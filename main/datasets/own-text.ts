/**
 * Text as the user's own data (kind 'text'): how a path is recognised as text (a CSV whose non-label column holds
 * sentences, or class folders of .txt files), and loading it through the tokenizer with the vocabulary adapted on
 * the training rows only (the held-out last fraction or the test split never shape it). A run's stored tokenizer
 * is applied as it is, so a resumed run or a prediction maps words to the same ids.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import type { DataPreprocessing, DataSource } from '../../shared/data-preprocessing';
import type { TextVectorization } from '../../shared/text/vectorization';
import { DatasetError } from './errors';
import { gunzipIfNeeded } from './idx';
import { buildTextDataset, readClassFolders, readTextCsv, readTextFolder, type TextSplit } from './text-source';
import type { LoadedDataset } from './types';

/** Words per value, on average, from which a CSV column counts as text rather than a category. */
const TEXT_WORDS_PER_VALUE = 3;
const DETECT_ROWS = 200;

/** A CSV whose header names a column (other than the label) holding sentences: >= 3 words per value on average. */
export async function looksLikeTextCsv(path: string): Promise<boolean> {
  const text = new TextDecoder().decode(gunzipIfNeeded(new Uint8Array(await readFile(path)), path));
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, preview: DETECT_ROWS });
  const columns = parsed.meta.fields ?? [];
  const rows = parsed.data;
  if (rows.length === 0 || columns.length < 2) return false;
  const label = columns.includes('label') ? 'label' : columns[columns.length - 1];
  return columns.some((c) => {
    if (c === label) return false;
    const words = rows.reduce((sum, r) => sum + (Number.isFinite(Number(r[c])) ? 0 : (r[c] ?? '').trim().split(/\s+/).length), 0);
    return words / rows.length >= TEXT_WORDS_PER_VALUE;
  });
}

const IMAGE_FILE = /\.(png|jpe?g|bmp|gif)$/i;

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
}

/**
 * root/<class>/*.txt, or root/train/<class>/*.txt (aclImdb): class folders with .txt files and no images (a stray
 * notes.txt among images leaves an image folder an image folder).
 */
export async function holdsTextFolders(root: string): Promise<boolean> {
  const top = await subfolders(root);
  const train = top.find((d) => basename(d) === 'train');
  const classes = [...top, ...(train ? await subfolders(train) : [])];
  let texts = 0;
  for (const d of classes) {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (!e.isFile()) continue;
      if (IMAGE_FILE.test(e.name)) return false;
      if (e.name.endsWith('.txt')) texts++;
    }
  }
  return texts > 0;
}

export interface OwnText {
  dataset: LoadedDataset;
  vectorization: TextVectorization;
  /** The CSV's columns (absent for folders). */
  columns?: { text: string; label: string };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * Reads text data (CSV or folder) and vectorises it. Without a test split the LAST `fraction` of the rows validate,
 * and the vocabulary is adapted on the rows before them.
 */
export async function loadOwnText(
  path: string,
  testPath: string | undefined,
  source: Pick<DataSource, 'text_column' | 'label_column' | 'max_tokens' | 'sequence_length' | 'multi_hot'>,
  fraction: number,
  stored?: DataPreprocessing,
): Promise<OwnText> {
  const csv = await isFile(path);
  const readCsv = (p: string, columns?: { text: string; label: string }) =>
    readTextCsv(p, {
      ...(columns?.text ?? source.text_column ? { textColumn: columns?.text ?? source.text_column } : {}),
      ...(columns?.label ?? source.label_column ? { labelColumn: columns?.label ?? source.label_column } : {}),
    });
  let train: TextSplit;
  let test: TextSplit | undefined;
  if (csv) {
    train = await readCsv(path);
    // The test file is read with the training file's columns, so both splits mean the same thing.
    if (testPath) test = await readCsv(testPath, train.columns);
  } else {
    if (source.text_column) throw new DatasetError(`--text-column applies to a CSV; ${path} is a folder of .txt files (the folder names are the classes).`, path);
    const folder = await readTextFolder(path);
    train = folder.train;
    test = testPath ? (await isFile(testPath) ? await readCsv(testPath) : await readClassFolders(testPath)) : folder.test;
  }
  const adaptRows = test ? undefined : train.texts.length - Math.round(train.texts.length * fraction);
  const name = basename(path).replace(/\.csv(\.gz)?$/i, '');
  const built = buildTextDataset(name, train, test, {
    ...(source.max_tokens !== undefined ? { maxTokens: source.max_tokens } : {}),
    ...(source.sequence_length !== undefined ? { sequenceLength: source.sequence_length } : {}),
    outputMode: source.multi_hot ? 'multi_hot' : 'int',
    ...(adaptRows !== undefined ? { adaptRows } : {}),
    ...(stored?.text ? { vectorization: stored.text } : {}),
    ...(stored?.class_names ? { classNames: stored.class_names } : {}),
  });
  const { vectorization, ...dataset } = built;
  return { dataset, vectorization, ...(train.columns ? { columns: train.columns } : {}) };
}
