import { describe, expect, it } from 'vitest';
import { formatSpread, quantile, spread, verdict } from '../../../bench/slice-stats';

describe('bench:train slice statistics', () => {
  it('takes quantiles by linear interpolation, as numpy does', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10, 20], 0.75)).toBe(17.5);
    expect(() => quantile([], 0.5)).toThrow(/BENCH_SLICES/);
  });

  it('concludes only when the whole interquartile range is on one side of 1.0x', () => {
    expect(verdict(spread([1.1, 1.2, 1.3, 1.25, 1.15]))).toMatch(/^tfjs faster/);
    expect(verdict(spread([0.7, 0.8, 0.75, 0.72]))).toMatch(/^PyTorch faster/);
    expect(verdict(spread([0.9, 1.1, 0.95, 1.05]))).toMatch(/^cannot tell/);
  });

  it('says when the spread is too wide to conclude', () => {
    const wide = spread([0.3, 0.5, 1.5, 2.5, 0.4, 1.8]);
    expect(verdict(wide)).toMatch(/spread too wide to conclude/);
    expect(verdict(spread([1.1, 1.2, 1.3]))).not.toMatch(/too wide/);
    expect(formatSpread(spread([1, 2, 3]))).toBe('2.00x (IQR 1.50-2.50)');
  });
});
