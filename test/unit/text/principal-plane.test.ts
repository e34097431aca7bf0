import { describe, expect, it } from 'vitest';
import { principalPlane } from '../../../shared/text/principal-plane';

// Rows in 4-D spread 5 along u, 2 along w and 0.1 along a third direction: PCA finds u then w.
const u = [0.5, 0.5, 0.5, 0.5];
const w = [0.5, -0.5, 0.5, -0.5];
const t = [0.5, 0.5, -0.5, -0.5];
// Centred and uncorrelated columns, so u, w and t are exactly the principal axes.
const coords = [[-5, 2, 0.1], [5, 2, 0.1], [-2, -2, 0.1], [2, -2, 0.1], [0, 1, -0.2], [0, -1, -0.2]] as const;
const offset = [3, -1, 2, 0.5];
const rowsOf = (cs: readonly (readonly number[])[]) => Float32Array.from(cs.flatMap(([a, b, c]) => u.map((_, k) => offset[k]! + a! * u[k]! + b! * w[k]! + c! * t[k]!)));

describe('principalPlane', () => {
  it('projects the centred rows on the axes of largest and second largest variance', () => {
    const { points, explained } = principalPlane(rowsOf(coords), 4, [0, 1, 2, 3, 4, 5]);
    // An axis' sign is a convention: compare up to one sign per axis.
    const sign = [Math.sign(points[0]![0] * coords[0][0]), Math.sign(points[0]![1] * coords[0][1])] as const;
    coords.forEach(([a, b], i) => {
      expect(Math.abs(points[i]![0] - sign[0] * a)).toBeLessThan(1e-5);
      expect(Math.abs(points[i]![1] - sign[1] * b)).toBeLessThan(1e-5);
    });
    const variance = (k: 0 | 1 | 2) => coords.reduce((s, c) => s + c[k] ** 2, 0);
    const total = variance(0) + variance(1) + variance(2);
    expect(explained[0]).toBeCloseTo(variance(0) / total, 6);
    expect(explained[1]).toBeCloseTo(variance(1) / total, 6);
  });

  it('uses only the rows asked for, in their order', () => {
    const matrix = rowsOf([[9, 9, 9], ...coords]);
    const { points } = principalPlane(matrix, 4, [6, 5, 4, 3, 2, 1]);
    const s = Math.sign(points[5]![0]);
    expect(points.map((p) => Math.round(s * p[0]) + 0)).toEqual([0, 0, -2, 2, -5, 5]);
  });

  it('gives zeros, not NaN, for identical rows', () => {
    const { points, explained } = principalPlane(rowsOf([[1, 1, 1], [1, 1, 1]]), 4, [0, 1]);
    expect(points).toEqual([[0, 0], [0, 0]]);
    expect(explained).toEqual([0, 0]);
  });
});
