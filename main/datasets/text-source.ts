/**
 * Labelled text from the user, for the tokenizer (shared/text/vectorization.ts): a CSV with a text column and a
 * label column, or a folder of .txt files per class in the aclImdb layout (root/train/<class>/*.txt and
 * root/test/<class>/*.txt, or root/<class>/*.txt for one split). The vocabulary is adapted on the training split
 * only, then both splits are vectorised with it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import { adaptVectorization, vectorize, type TextVectorization } from '../../shared/text/vectorization';
import { DatasetError, FormatError } from './errors';
import { gunzipIfNeeded } from './idx';
import type { LoadedDataset, LoadedSplit } from './types';

export interface TextSplit {
  texts: string[];
  /** Class names per sample, mapped to indices by the loader (sorted names, as Keras' text_dataset_from_directory). */
  labels: string[];
  /** CSV: the columns the texts and labels came from. */
  columns?: { text: string; label: string };
}

export interface TextCsvOptions {
  /** Column with the text. Default: the string column (other than the label) with the longest values on average. */
  textColumn?: string;
  /** Column with the class. Default: 'label' when present, else the last column. */
  labelColumn?: string;
}

export async function readTextCsv(path: string, opts: TextCsvOptions = {}): Promise<TextSplit> {
  const text = new TextDecoder().decode(gunzipIfNeeded(new Uint8Array(await readFile(path)), path));
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new FormatError(`row ${(parsed.errors[0]!.row ?? 0) + 2}: ${parsed.errors[0]!.message}.`, path);
  const columns = parsed.meta.fields ?? [];
  const rows = parsed.data;
  if (rows.length === 0) throw new FormatError('has no rows below the header.', path);
  const labelColumn = opts.labelColumn ?? (columns.includes('label') ? 'label' : columns[columns.length - 1]!);
  if (!columns.includes(labelColumn)) {
    throw new DatasetError(`has no column '${labelColumn}' for the labels; its columns are ${columns.join(', ')}. Pass --label-column.`, path);
  }
  const meanLength = (c: string) => rows.reduce((s, r) => s + (r[c]?.length ?? 0), 0) / rows.length;
  const textual = columns.filter((c) => c !== labelColumn && rows.some((r) => r[c] !== undefined && r[c] !== '' && !Number.isFinite(Number(r[c]))));
  const textColumn = opts.textColumn ?? textual.sort((a, b) => meanLength(b) - meanLength(a))[0];
  if (!textColumn || !columns.includes(textColumn)) {
    throw new DatasetError(
      `has no text column${opts.textColumn ? ` '${opts.textColumn}'` : ''}; its columns are ${columns.join(', ')}. Pass --text-column NAME.`,
      path,
    );
  }
  return {
    texts: rows.map((r) => r[textColumn] ?? ''),
    labels: rows.map((r) => String(r[labelColumn] ?? '').trim()),
    columns: { text: textColumn, label: labelColumn },
  };
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/**
 * root/<class>/*.txt; aclImdb's train/unsup (unlabelled reviews) is not a class and is skipped. Classes and files are
 * read in code-unit order (not the locale's), so the rows, and with them the held-out last fraction, are the same on
 * every machine and in the exported train.py.
 */
export async function readClassFolders(root: string): Promise<TextSplit> {
  const classes = [];
  for (const e of (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.isDirectory() && e.name !== 'unsup') classes.push(e.name);
  }
  const out: TextSplit = { texts: [], labels: [] };
  for (const c of classes) {
    const files = (await readdir(join(root, c))).filter((f) => f.endsWith('.txt')).sort();
    for (const f of files) {
      out.texts.push(await readFile(join(root, c, f), 'utf8'));
      out.labels.push(c);
    }
  }
  if (out.texts.length === 0) {
    throw new DatasetError(`holds no .txt files in class folders (expected ${basename(root)}/<class>/*.txt, e.g. aclImdb/train/pos/0_9.txt).`, root);
  }
  return out;
}

/** A text folder: {train, test} when it has train/ and test/ sub-folders (aclImdb), else one split. */
export async function readTextFolder(root: string): Promise<{ train: TextSplit; test?: TextSplit }> {
  if ((await isDir(join(root, 'train'))) && (await isDir(join(root, 'test')))) {
    return { train: await readClassFolders(join(root, 'train')), test: await readClassFolders(join(root, 'test')) };
  }
  return { train: await readClassFolders(root) };
}

export interface TextDatasetOptions {
  maxTokens?: number | null;
  sequenceLength?: number;
  outputMode?: 'int' | 'multi_hot';
  /** A run's stored tokenizer: used as it is instead of adapting one (resume, predictions). */
  vectorization?: TextVectorization;
  /** Adapt on the first N training texts only (the rest validate: Keras' last-fraction validation_split). */
  adaptRows?: number;
  /** Class names in label order (a run's stored ones); default: the training split's sorted names. */
  classNames?: string[];
}

export interface TextDataset extends LoadedDataset {
  vectorization: TextVectorization;
}

/**
 * Adapts the vocabulary on `train`, vectorises both splits, and maps class names to indices (sorted names). Labels
 * of the test split that the training split lacks are an error: the model has no output for them.
 */
export function buildTextDataset(name: string, train: TextSplit, test: TextSplit | undefined, opts: TextDatasetOptions = {}): TextDataset {
  const vectorization =
    opts.vectorization ??
    adaptVectorization(opts.adaptRows === undefined ? train.texts : train.texts.slice(0, opts.adaptRows), {
      maxTokens: opts.maxTokens === undefined ? 10000 : opts.maxTokens,
      sequenceLength: opts.sequenceLength ?? 200,
      outputMode: opts.outputMode ?? 'int',
    });
  const classNames = opts.classNames ?? [...new Set(train.labels)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  const split = (s: TextSplit, which: string): LoadedSplit => {
    const y = Int32Array.from(s.labels, (l) => {
      const i = index.get(l);
      if (i === undefined) throw new DatasetError(`the ${which} split has label '${l}', which the training split lacks (its classes: ${classNames.join(', ')}).`);
      return i;
    });
    const { data, sampleShape } = vectorize(vectorization, s.texts);
    return { x: data, y, sampleShape, count: s.texts.length };
  };
  return {
    name,
    train: split(train, 'training'),
    ...(test ? { test: split(test, 'test') } : {}),
    classNames,
    task: 'classification',
    raw: true,
    vectorization,
  };
}
