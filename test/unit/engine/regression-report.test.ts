import { describe, expect, it } from 'vitest';
import { regressionReport } from '../../../main/engine/training/telemetry/regression';

describe('regression report (the dashboard instead of a confusion matrix)', () => {
  it('MAE, RMSE, residual histogram and the worst samples, worst first', () => {
    const actual = [10, 20, 30, 40];
    const predicted = [11, 18, 30, 48];
    const r = regressionReport({ actual, predicted, epoch: 2, worst: 2 });
    expect(r).toMatchObject({ type: 'regression', epoch: 2, samples: 4, mae: (1 + 2 + 0 + 8) / 4 });
    expect(r.rmse).toBeCloseTo(Math.sqrt((1 + 4 + 0 + 64) / 4), 10);
    expect(r.points).toEqual([[10, 11], [20, 18], [30, 30], [40, 48]]);
    expect(r.residuals.min).toBe(-2);
    expect(r.residuals.max).toBe(8);
    expect(r.residuals.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(r.residuals.counts[0]).toBe(1);
    expect(r.residuals.counts[19]).toBe(1);
    expect(r.worst).toEqual([
      { index: 3, actual: 40, predicted: 48, residual: 8 },
      { index: 1, actual: 20, predicted: 18, residual: -2 },
    ]);
  });

  it('samples at most 1,000 points evenly; refuses a model with several outputs', () => {
    const n = 2500;
    const actual = Array.from({ length: n }, (_, i) => i);
    const r = regressionReport({ actual, predicted: actual, epoch: 0, worst: 10 });
    expect(r.points).toHaveLength(1000);
    expect(r.points[999]![0]).toBe(Math.floor(999 * 2.5));
    expect(r.mae).toBe(0);
    expect(() => regressionReport({ actual: [1, 2], predicted: [1, 2, 3, 4], epoch: 0, worst: 1 })).toThrowError(/2 targets; the model needs one output/);
  });
});
