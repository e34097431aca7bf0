/**
 * CSV tables (plain or .gz): one label column, the other columns numeric features. Classification labels may be
 * integers or strings (mapped to sorted class names); regression keeps float targets.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { FormatError } from './errors';
import { gunzipIfNeeded } from './idx';
import { shuffledIndices } from '../../shared/random';
import type { LoadedDataset, LoadedSplit } from './types';

export interface CsvImportOptions {
  /** Column name (with a header row) or index; negative counts from the end. Default: the last column. */
  labelColumn?: string | number;
  /** Whether the first row names the columns. Default: detected (a header row has non-numeric feature cells). */
  header?: boolean;
  task?: 'classification' | 'regression';
  /** Hold out this fraction as the test split (seeded shuffle first). Default: none. */
  testFraction?: number;
  seed?: number;
  name?: string;
}

export interface CsvDataset extends LoadedDataset {
  featureNames: string[];
  task: 'classification' | 'regression';
}

export function parseCsvDataset(text: string, opts: CsvImportOptions = {}, file = 'CSV'): CsvDataset {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true, dynamicTyping: false });
  if (parsed.errors.length) {
    const e = parsed.errors[0];
    throw new FormatError(`row ${(e.row ?? 0) + 1}: ${e.message}.`, file);
  }
  const rows = parsed.data;
  if (rows.length === 0) throw new FormatError('has no rows.', file);
  const width = rows[0].length;
  const header = opts.header ?? rows[0].some((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell)));
  const names = header ? rows[0].map((s) => s.trim()) : rows[0].map((_, i) => `col${i}`);
  const body = header ? rows.slice(1) : rows;
  let labelIdx: number;
  if (typeof opts.labelColumn === 'string') {
    labelIdx = names.indexOf(opts.labelColumn);
    if (labelIdx < 0) throw new FormatError(`no column named '${opts.labelColumn}'; columns are ${names.join(', ')}.`, file);
  } else {
    const c = opts.labelColumn ?? -1;
    labelIdx = c < 0 ? width + c : c;
    if (labelIdx < 0 || labelIdx >= width) throw new FormatError(`label column ${c} is outside the ${width} columns.`, file);
  }
  const featureIdx = names.map((_, i) => i).filter((i) => i !== labelIdx);
  const n = body.length;
  const f = featureIdx.length;
  const x = new Float32Array(n * f);
  const rawLabels: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row = body[r];
    if (row.length !== width) throw new FormatError(`row ${r + 1 + (header ? 1 : 0)} has ${row.length} cells, the first row has ${width}.`, file);
    for (let j = 0; j < f; j++) {
      const cell = row[featureIdx[j]];
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v)) {
        throw new FormatError(`row ${r + 1 + (header ? 1 : 0)}, column '${names[featureIdx[j]]}': '${cell}' is not a number. Fill or drop missing values first.`, file);
      }
      x[r * f + j] = v;
    }
    rawLabels[r] = row[labelIdx].trim();
  }
  const numeric = rawLabels.every((s) => s !== '' && Number.isFinite(Number(s)));
  const integral = numeric && rawLabels.every((s) => Number.isInteger(Number(s)) && Number(s) >= 0);
  const task = opts.task ?? (integral ? 'classification' : numeric ? 'regression' : 'classification');
  let y: LoadedSplit['y'];
  let classNames: string[] | undefined;
  if (task === 'regression') {
    if (!numeric) throw new FormatError(`regression needs numeric targets in column '${names[labelIdx]}'.`, file);
    y = Float32Array.from(rawLabels, Number);
  } else if (integral) {
    y = Int32Array.from(rawLabels, Number);
    const max = y.reduce((m, v) => Math.max(m, v), 0);
    classNames = Array.from({ length: max + 1 }, (_, i) => String(i));
  } else {
    classNames = [...new Set(rawLabels)].sort();
    const index = new Map(classNames.map((c, i) => [c, i]));
    y = Int32Array.from(rawLabels, (s) => index.get(s)!);
  }
  const all: LoadedSplit = { x, y, sampleShape: [f], count: n };
  const base = { name: opts.name ?? 'csv', classNames, featureNames: featureIdx.map((i) => names[i]), task } as const;
  if (!opts.testFraction) return { ...base, train: all };
  const order = shuffledIndices(n, opts.seed ?? 0);
  const nTest = Math.round(n * opts.testFraction);
  return { ...base, train: take(all, order.subarray(nTest)), test: take(all, order.subarray(0, nTest)) };
}

function take(split: LoadedSplit, rows: Uint32Array): LoadedSplit {
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(rows.length * per);
  const y = new (split.y.constructor as new (n: number) => LoadedSplit['y'])(rows.length);
  rows.forEach((r, i) => {
    x.set(split.x.subarray(r * per, (r + 1) * per), i * per);
    y[i] = split.y[r];
  });
  return { x, y, sampleShape: split.sampleShape, count: rows.length };
}

export async function loadCsvDataset(path: string, opts: CsvImportOptions = {}): Promise<CsvDataset> {
  const bytes = gunzipIfNeeded(await readFile(path), path);
  const text = new TextDecoder().decode(bytes);
  return parseCsvDataset(text, { name: basename(path).replace(/\.csv(\.gz)?$/i, ''), ...opts }, path);
}
