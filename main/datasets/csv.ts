/**
 * CSV tables (plain or .gz) with a header row. The label column is named (--label-column), or is the one column
 * called label/target/class/y: never guessed from its position. Numeric columns stay numbers (standardised later
 * with the training split's statistics, see own-data.ts); text columns with few distinct values are one-hot
 * encoded; a missing or non-numeric cell in a numeric column is an error naming its row and column.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import type { FeatureColumn, Task } from '../../shared/data-preprocessing';
import { FormatError } from './errors';
import { gunzipIfNeeded } from './idx';
import { checkClassLabels, inferTask, summariseLabels } from './labels';
import type { LoadedDataset, LoadedSplit } from './types';

export interface CsvImportOptions {
  /** The label column's name (case-insensitive match when no column has exactly this name). */
  labelColumn?: string;
  task?: Task;
  name?: string;
}

/** Column names the label is found under when --label-column is not given (compared case-insensitively). */
export const LABEL_COLUMN_NAMES = ['label', 'target', 'class', 'y'];

/** A text column with at most this many distinct values is one-hot encoded; more is an error. */
export const MAX_ONE_HOT_CATEGORIES = 20;

export interface CsvTable {
  file: string;
  names: string[];
  /** Data rows (the header excluded), each with names.length cells. */
  rows: string[][];
}

type ColumnPlan = { index: number; name: string; type: 'numeric' } | { index: number; name: string; type: 'one-hot'; categories: string[] };

/** How a table becomes samples: decided on the training file, applied unchanged to a test file. */
export interface CsvPlan {
  labelColumn: string;
  task: Task;
  classNames?: string[];
  columns: ColumnPlan[];
}

/** Row r (0-based, header excluded) as a user finds it in an editor. */
const rowName = (r: number) => `row ${r + 1} (line ${r + 2})`;
const isNumber = (cell: string) => cell.trim() !== '' && Number.isFinite(Number(cell));

export function parseCsvTable(text: string, file = 'CSV'): CsvTable {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true, dynamicTyping: false });
  // A file with one column has no delimiter to detect: Papa's 'Delimiter' note is no error.
  const errors = parsed.errors.filter((e) => e.type !== 'Delimiter');
  if (errors.length) {
    const e = errors[0]!;
    throw new FormatError(`line ${(e.row ?? 0) + 1}: ${e.message}.`, file);
  }
  const [head, ...rows] = parsed.data;
  if (!head) throw new FormatError('is empty: a CSV needs a header row naming the columns, then one row per sample.', file);
  if (head.every(isNumber)) {
    throw new FormatError(
      `the first line (${head.slice(0, 4).join(',')}${head.length > 4 ? ',...' : ''}) holds only numbers, so it is not a header: ` +
        `add a first line naming the columns (e.g. f1,f2,...,label) and name the label column with --label-column if it is not called label/target/class/y.`,
      file,
    );
  }
  const names = head.map((s) => s.trim());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new FormatError(`two columns are named '${dup}': give each column its own name.`, file);
  if (rows.length === 0) throw new FormatError('has a header but no data rows: add at least one row per sample.', file);
  rows.forEach((row, r) => {
    if (row.length !== names.length) throw new FormatError(`${rowName(r)} has ${row.length} cells, the header has ${names.length}.`, file);
  });
  return { file, names, rows };
}

function findLabelColumn(names: string[], wanted: string | undefined, file: string): number {
  const list = `columns are: ${names.join(', ')}`;
  if (wanted !== undefined) {
    let i = names.indexOf(wanted);
    if (i < 0) i = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
    if (i < 0) throw new FormatError(`no column named '${wanted}' (--label-column); the ${list}.`, file);
    return i;
  }
  const hits = names.map((n, i) => [n, i] as const).filter(([n]) => LABEL_COLUMN_NAMES.includes(n.toLowerCase()));
  if (hits.length === 1) return hits[0]![1];
  if (hits.length > 1) throw new FormatError(`columns ${hits.map(([n]) => `'${n}'`).join(' and ')} could each be the label: choose one with --label-column. The ${list}.`, file);
  throw new FormatError(
    `which column is the label? None is named ${LABEL_COLUMN_NAMES.join('/')}: pass --label-column NAME. The ${list}.`,
    file,
  );
}

function planColumn(table: CsvTable, index: number): ColumnPlan {
  const name = table.names[index]!;
  let numeric = 0;
  let text = 0;
  for (const row of table.rows) {
    const cell = row[index]!;
    if (cell.trim() === '') continue;
    if (isNumber(cell)) numeric++;
    else text++;
  }
  // A column of mostly numbers is numeric: its stray text or blank cells are errors, not categories.
  if (numeric >= text) {
    const r = table.rows.findIndex((row) => !isNumber(row[index]!));
    if (r >= 0) {
      const cell = table.rows[r]![index]!;
      throw new FormatError(
        `${rowName(r)}, column '${name}': ${cell.trim() === '' ? 'the value is missing' : `'${cell}' is not a number`}. Fill in or drop missing values first.`,
        table.file,
      );
    }
    return { index, name, type: 'numeric' };
  }
  const r = table.rows.findIndex((row) => row[index]!.trim() === '');
  if (r >= 0) throw new FormatError(`${rowName(r)}, column '${name}': the value is missing. Fill in or drop missing values first.`, table.file);
  const categories = [...new Set(table.rows.map((row) => row[index]!.trim()))].sort();
  if (categories.length > MAX_ONE_HOT_CATEGORIES) {
    throw new FormatError(
      `column '${name}' holds text with ${categories.length} distinct values (e.g. '${categories[0]}'); at most ${MAX_ONE_HOT_CATEGORIES} are one-hot encoded. ` +
        `Drop the column, or turn it into numbers first.`,
      table.file,
    );
  }
  return { index, name, type: 'one-hot', categories };
}

/** Decides the label column, the task, the classes and each feature column's encoding from the training table. */
export function planCsv(table: CsvTable, opts: CsvImportOptions = {}): CsvPlan {
  const labelIndex = findLabelColumn(table.names, opts.labelColumn, table.file);
  const labelColumn = table.names[labelIndex]!;
  const cells = table.rows.map((row) => row[labelIndex]!.trim());
  const missing = cells.findIndex((c) => c === '');
  if (missing >= 0) throw new FormatError(`${rowName(missing)}, column '${labelColumn}': the label is missing. Fill it in or drop the row.`, table.file);
  const columns = table.names.map((_, i) => i).filter((i) => i !== labelIndex).map((i) => planColumn(table, i));
  if (columns.length === 0) throw new FormatError(`has only the label column '${labelColumn}': add feature columns.`, table.file);
  const numericLabels = cells.every(isNumber);
  if (!numericLabels) {
    if (opts.task === 'regression') {
      const r = cells.findIndex((c) => !isNumber(c));
      throw new FormatError(`${rowName(r)}, column '${labelColumn}': '${cells[r]}' is not a number, and regression needs numeric targets.`, table.file);
    }
    const classNames = [...new Set(cells)].sort();
    return { labelColumn, task: 'classification', classNames, columns };
  }
  const values = cells.map(Number);
  const task = opts.task ?? inferTask(summariseLabels(values));
  if (task === 'regression') return { labelColumn, task, columns };
  const k = checkClassLabels(values, rowName, table.file);
  return { labelColumn, task, classNames: Array.from({ length: k }, (_, i) => String(i)), columns };
}

/** Width of one encoded sample. */
export function encodedWidth(plan: CsvPlan): number {
  return plan.columns.reduce((w, c) => w + (c.type === 'numeric' ? 1 : c.categories.length), 0);
}

/** Input names after one-hot expansion ('city=Paris'), in sample order. */
export function encodedNames(plan: CsvPlan): string[] {
  return plan.columns.flatMap((c) => (c.type === 'numeric' ? [c.name] : c.categories.map((v) => `${c.name}=${v}`)));
}

/**
 * Encodes a table with a plan (made on this table, or on the training table for a test file: columns are matched
 * by name, an unseen category encodes as all zeros, an unseen class is an error).
 */
export function encodeCsv(table: CsvTable, plan: CsvPlan): LoadedSplit {
  const indexOf = (name: string) => {
    const i = table.names.indexOf(name);
    if (i < 0) throw new FormatError(`has no column '${name}', which the training data has; the columns are: ${table.names.join(', ')}.`, table.file);
    return i;
  };
  const labelIndex = indexOf(plan.labelColumn);
  const cols = plan.columns.map((c) => ({ ...c, at: indexOf(c.name) }));
  const width = encodedWidth(plan);
  const n = table.rows.length;
  const x = new Float32Array(n * width);
  const classIndex = plan.classNames && new Map(plan.classNames.map((c, i) => [c, i]));
  const y = plan.task === 'regression' ? new Float32Array(n) : new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const row = table.rows[r]!;
    let j = r * width;
    for (const c of cols) {
      const cell = row[c.at]!.trim();
      if (c.type === 'numeric') {
        if (!isNumber(cell)) {
          throw new FormatError(`${rowName(r)}, column '${c.name}': ${cell === '' ? 'the value is missing' : `'${cell}' is not a number`}. Fill in or drop missing values first.`, table.file);
        }
        x[j++] = Number(cell);
      } else {
        const k = c.categories.indexOf(cell);
        if (k >= 0) x[j + k] = 1;
        j += c.categories.length;
      }
    }
    const label = row[labelIndex]!.trim();
    if (classIndex) {
      const k = classIndex.get(label) ?? classIndex.get(String(Number(label)));
      if (k === undefined) {
        throw new FormatError(`${rowName(r)}, column '${plan.labelColumn}': class '${label}' is not among the training data's classes (${plan.classNames!.slice(0, 10).join(', ')}${plan.classNames!.length > 10 ? ', ...' : ''}).`, table.file);
      }
      y[r] = k;
    } else {
      if (!isNumber(label)) throw new FormatError(`${rowName(r)}, column '${plan.labelColumn}': '${label}' is not a number, and regression needs numeric targets.`, table.file);
      y[r] = Number(label);
    }
  }
  return { x, y, sampleShape: [width], count: n };
}

/**
 * The feature records of a plan with the statistics of the first `trainRows` rows of `split` (the training part):
 * numeric columns get their mean and std (population std, as sklearn's StandardScaler; 1 for a constant column).
 */
export function featureRecords(plan: CsvPlan, split: LoadedSplit, trainRows: number): FeatureColumn[] {
  const width = split.sampleShape[0]!;
  let offset = 0;
  return plan.columns.map((c) => {
    const at = offset;
    if (c.type === 'one-hot') {
      offset += c.categories.length;
      return { name: c.name, type: 'one-hot', categories: c.categories };
    }
    offset += 1;
    let sum = 0;
    for (let r = 0; r < trainRows; r++) sum += split.x[r * width + at]!;
    const mean = sum / trainRows;
    let sq = 0;
    for (let r = 0; r < trainRows; r++) sq += (split.x[r * width + at]! - mean) ** 2;
    const std = Math.sqrt(sq / trainRows);
    return { name: c.name, type: 'numeric', mean, std: std > 1e-12 ? std : 1 };
  });
}

export interface CsvDataset extends LoadedDataset {
  featureNames: string[];
  task: Task;
  plan: CsvPlan;
}

export function parseCsvDataset(text: string, opts: CsvImportOptions = {}, file = 'CSV'): CsvDataset {
  const table = parseCsvTable(text, file);
  const plan = planCsv(table, opts);
  const train = encodeCsv(table, plan);
  return {
    name: opts.name ?? 'csv',
    train,
    ...(plan.classNames ? { classNames: plan.classNames } : {}),
    featureNames: encodedNames(plan),
    task: plan.task,
    plan,
  };
}

export async function readCsvTable(path: string): Promise<CsvTable> {
  const bytes = gunzipIfNeeded(await readFile(path), path);
  return parseCsvTable(new TextDecoder().decode(bytes), path);
}

export async function loadCsvDataset(path: string, opts: CsvImportOptions = {}): Promise<CsvDataset> {
  const bytes = gunzipIfNeeded(await readFile(path), path);
  return parseCsvDataset(new TextDecoder().decode(bytes), { name: basename(path).replace(/\.csv(\.gz)?$/i, ''), ...opts }, path);
}
