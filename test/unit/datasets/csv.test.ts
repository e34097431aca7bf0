import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsvDataset } from '../../../main/datasets/csv';

const shared = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets');
// The first 20 rows of the real sklearn digits table.
const rows = gunzipSync(readFileSync(resolve(shared, 'sklearn-digits/digits.csv.gz'))).toString('utf8').trim().split('\n').slice(0, 20);
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

describe('CSV tables', () => {
  it('a header row is detected; a named string label column becomes sorted class names', () => {
    const header = [...Array.from({ length: 64 }, (_, i) => `p${i}`), 'digit'].join(',');
    const named = rows.map((r) => {
      const cells = r.split(',');
      cells[64] = WORDS[Number(cells[64])];
      return cells.join(',');
    });
    const d = parseCsvDataset([header, ...named].join('\n'), { labelColumn: 'digit' });
    expect(d.train.count).toBe(20);
    expect(d.featureNames[63]).toBe('p63');
    expect(d.classNames).toEqual([...new Set(named.map((r) => r.split(',')[64]))].sort());
    const first = d.classNames![d.train.y[0]];
    expect(first).toBe('zero');
    expect(d.task).toBe('classification');
  });

  it('a missing value names the row and column; unknown label column lists the columns', () => {
    const broken = [...rows];
    broken[3] = broken[3].replace(/^0,0,/, '0,,');
    expect(() => parseCsvDataset(broken.join('\n'), {}, 'digits.csv')).toThrowError(/digits\.csv: row 4, column 'col1': '' is not a number/);
    expect(() => parseCsvDataset(`a,b\n1,2`, { labelColumn: 'c' })).toThrowError(/no column named 'c'; columns are a, b/);
  });

  it('a float target column is regression with Float32 targets', () => {
    // Target: each real digit's mean ink (a float), in place of the class label.
    const table = rows.map((r) => {
      const px = r.split(',').slice(0, 64).map(Number);
      return [...px, (px.reduce((a, b) => a + b, 0) / 64).toFixed(4)].join(',');
    });
    const d = parseCsvDataset(table.join('\n'));
    expect(d.task).toBe('regression');
    expect(d.train.y).toBeInstanceOf(Float32Array);
    expect(d.train.y[0]).toBeCloseTo(Number(table[0].split(',')[64]), 5);
    expect(d.classNames).toBeUndefined();
    expect(d.train.sampleShape).toEqual([64]);
  });
});
