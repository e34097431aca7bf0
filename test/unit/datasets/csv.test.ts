import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeCsv, featureRecords, parseCsvDataset, parseCsvTable, planCsv } from '../../../main/datasets/csv';

const shared = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets');
// The first 20 rows of the real sklearn digits table (no header; the last column is the digit).
const rows = gunzipSync(readFileSync(resolve(shared, 'sklearn-digits/digits.csv.gz'))).toString('utf8').trim().split('\n').slice(0, 20);
const pixelHeader = Array.from({ length: 64 }, (_, i) => `p${i}`).join(',');
// The real Boston Housing table (header, 506 rows, target MEDV).
const housing = readFileSync(resolve(shared, 'boston-housing/housing.csv'), 'utf8');
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

describe('CSV tables: the label column', () => {
  it('is the column --label-column names (MEDV), never the last one by guess', () => {
    // MEDV moved to the front: still found by name, and the last column (LSTAT) stays a feature.
    const lines = housing.trim().split('\n').map((l) => {
      const c = l.split(',');
      return [c[13], ...c.slice(0, 13)].join(',');
    });
    const d = parseCsvDataset(lines.join('\n'), { labelColumn: 'MEDV' }, 'housing.csv');
    expect(d.task).toBe('regression');
    expect(d.featureNames).toEqual(['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT']);
    expect(d.train.y[0]).toBeCloseTo(24, 5);
    expect(d.train.y[1]).toBeCloseTo(21.6, 5);
    expect(Array.from(d.train.x.subarray(0, 3))).toEqual([Math.fround(0.00632), 18, Math.fround(2.31)]);
  });

  it('is otherwise the one column named label/target/class/y, case-insensitive, wherever it is', () => {
    const table = [`Digit_Label_no,Class,${pixelHeader}`, ...rows.map((r) => { const c = r.split(','); return [7, c[64], ...c.slice(0, 64)].join(','); })];
    const d = parseCsvDataset(table.join('\n'));
    expect(d.plan.labelColumn).toBe('Class');
    expect(Array.from(d.train.y.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(d.featureNames[0]).toBe('Digit_Label_no');
  });

  it('without one, the error lists the columns and names the fix; two candidates are an error too', () => {
    expect(() => parseCsvDataset('a,b,last\n1,2,3', {}, 't.csv')).toThrowError(
      "t.csv: which column is the label? None is named label/target/class/y: pass --label-column NAME. The columns are: a, b, last.",
    );
    expect(() => parseCsvDataset('y,label\n1,2', {}, 't.csv')).toThrowError("t.csv: columns 'y' and 'label' could each be the label: choose one with --label-column. The columns are: y, label.");
    expect(() => parseCsvDataset('a,b\n1,2', { labelColumn: 'c' }, 't.csv')).toThrowError("t.csv: no column named 'c' (--label-column); the columns are: a, b.");
  });

  it('a string label column becomes sorted class names', () => {
    const named = rows.map((r) => { const c = r.split(','); c[64] = WORDS[Number(c[64])]!; return c.join(','); });
    const d = parseCsvDataset([`${pixelHeader},digit`, ...named].join('\n'), { labelColumn: 'digit' });
    expect(d.classNames).toEqual([...new Set(named.map((r) => r.split(',')[64]))].sort());
    expect(d.classNames![d.train.y[0]!]).toBe('zero');
    expect(d.task).toBe('classification');
  });
});

describe('CSV tables: refusals name the problem, the row and the column', () => {
  it('a file without a header row', () => {
    expect(() => parseCsvDataset(rows.join('\n'), {}, 'digits.csv')).toThrowError(/^digits\.csv: the first line \(0,0,5,13,\.\.\.\) holds only numbers, so it is not a header: add a first line naming the columns/);
  });

  it('a header and no rows: not a 0-sample dataset', () => {
    expect(() => parseCsvDataset('x1,x2,label\n', {}, 'h.csv')).toThrowError('h.csv: has a header but no data rows: add at least one row per sample.');
  });

  it('a missing or non-numeric value in a numeric column', () => {
    const table = [`${pixelHeader},label`, ...rows];
    const missing = [...table];
    missing[4] = missing[4]!.replace(/^0,0,/, '0,,');
    expect(() => parseCsvDataset(missing.join('\n'), {}, 'digits.csv')).toThrowError("digits.csv: row 4 (line 5), column 'p1': the value is missing. Fill in or drop missing values first.");
    const text = [...table];
    text[7] = text[7]!.replace(/^0,0,/, '0,n/a,');
    expect(() => parseCsvDataset(text.join('\n'), {}, 'digits.csv')).toThrowError("digits.csv: row 7 (line 8), column 'p1': 'n/a' is not a number. Fill in or drop missing values first.");
  });

  it('a row with the wrong number of cells, a missing label, a text column with too many values, duplicate names', () => {
    expect(() => parseCsvDataset('a,label\n1,2\n3', {}, 'r.csv')).toThrowError(/r\.csv: row 2 \(line 3\) has 1 cells, the header has 2\./);
    expect(() => parseCsvDataset('a,label\n1,2\n3,', {}, 'r.csv')).toThrowError("r.csv: row 2 (line 3), column 'label': the label is missing. Fill it in or drop the row.");
    const many = ['name,label', ...Array.from({ length: 30 }, (_, i) => `n${i},${i % 2}`)];
    expect(() => parseCsvDataset(many.join('\n'), {}, 'r.csv')).toThrowError(/r\.csv: column 'name' holds text with 30 distinct values \(e\.g\. 'n0'\); at most 20 are one-hot encoded/);
    expect(() => parseCsvDataset('a,a,label\n1,2,3', {}, 'r.csv')).toThrowError("r.csv: two columns are named 'a': give each column its own name.");
  });

  it('regression asked for text labels, classification labels that are not 0..K-1', () => {
    expect(() => parseCsvDataset('a,label\n1,cat\n2,dog', { task: 'regression' }, 'r.csv')).toThrowError("r.csv: row 1 (line 2), column 'label': 'cat' is not a number, and regression needs numeric targets.");
    expect(() => parseCsvDataset('a,label\n1,0\n2,-3', {}, 'r.csv')).toThrowError(/r\.csv: label -3 at row 2 \(line 3\) is negative: classification labels must be the class numbers 0\.\.K-1/);
    expect(() => parseCsvDataset('a,label\n1,0\n2,2147483647', { task: 'classification' }, 'r.csv')).toThrowError(/label 2147483647 at row 2 \(line 3\) is too large \(at most 10000 classes/);
  });
});

describe('CSV tables: encoding', () => {
  it('text columns with few values are one-hot encoded; a test table is encoded with the training plan', () => {
    const train = parseCsvTable('size,city,label\n1.5,Paris,0\n2,Lyon,1\n3,Paris,1', 'train.csv');
    const plan = planCsv(train);
    expect(plan.columns).toEqual([
      { index: 0, name: 'size', type: 'numeric' },
      { index: 1, name: 'city', type: 'one-hot', categories: ['Lyon', 'Paris'] },
    ]);
    const split = encodeCsv(train, plan);
    expect(split.sampleShape).toEqual([3]);
    expect(Array.from(split.x)).toEqual([1.5, 0, 1, 2, 1, 0, 3, 0, 1]);
    // Columns matched by name in any order; an unseen category is all zeros.
    const test = encodeCsv(parseCsvTable('label,city,size\n1,Nice,4', 'test.csv'), plan);
    expect(Array.from(test.x)).toEqual([4, 0, 0]);
    expect(() => encodeCsv(parseCsvTable('label,size\n1,4', 'test.csv'), plan)).toThrowError("test.csv: has no column 'city', which the training data has; the columns are: label, size.");
  });

  it('standardisation statistics come from the training rows only (population std; 1 for a constant column)', () => {
    const table = parseCsvTable('a,k,label\n1,5,0\n3,5,1\n100,5,0', 't.csv');
    const plan = planCsv(table);
    const f = featureRecords(plan, encodeCsv(table, plan), 2);
    expect(f).toEqual([
      { name: 'a', type: 'numeric', mean: 2, std: 1 },
      { name: 'k', type: 'numeric', mean: 5, std: 1 },
    ]);
  });

  it('task inference: integers with <= 100 distinct values classify, more (or fractions) are regression', () => {
    const ints = ['a,y', ...Array.from({ length: 150 }, (_, i) => `${i},${i % 100}`)].join('\n');
    expect(parseCsvDataset(ints).task).toBe('classification');
    const many = ['a,y', ...Array.from({ length: 150 }, (_, i) => `${i},${i}`)].join('\n');
    expect(parseCsvDataset(many).task).toBe('regression');
    expect(parseCsvDataset(many, { task: 'classification' }).classNames).toHaveLength(150);
    expect(parseCsvDataset('a,y\n1,0.5\n2,1').task).toBe('regression');
  });
});
