/**
 * A regression run's validation report (shared/telemetry RegressionReport): predicted vs true pairs for the
 * scatter, a residual histogram, the worst-predicted samples, MAE and RMSE. Plain arrays in, no tfjs.
 */
import type { RegressionReport } from '../../../../shared/telemetry';

const MAX_POINTS = 1000;
const BINS = 20;

export function regressionReport(opts: { predicted: ArrayLike<number>; actual: ArrayLike<number>; epoch: number; worst: number }): RegressionReport {
  const n = opts.actual.length;
  if (opts.predicted.length !== n) throw new Error(`regressionReport: ${opts.predicted.length} predictions for ${n} targets; the model needs one output (Dense(1))`);
  let abs = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = opts.predicted[i]! - opts.actual[i]!;
    residual[i] = r;
    abs += Math.abs(r);
    sq += r * r;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const counts = new Array<number>(BINS).fill(0);
  const width = (max - min) / BINS || 1;
  for (let i = 0; i < n; i++) counts[Math.min(BINS - 1, Math.floor((residual[i]! - min) / width))]!++;
  const step = Math.max(1, n / MAX_POINTS);
  const points: [number, number][] = [];
  for (let k = 0; k < Math.min(n, MAX_POINTS); k++) {
    const i = Math.floor(k * step);
    points.push([opts.actual[i]!, opts.predicted[i]!]);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(residual[b]!) - Math.abs(residual[a]!));
  return {
    type: 'regression',
    epoch: opts.epoch,
    samples: n,
    mae: n ? abs / n : 0,
    rmse: n ? Math.sqrt(sq / n) : 0,
    points,
    residuals: { min: n ? min : 0, max: n ? max : 0, counts },
    worst: order.slice(0, opts.worst).map((i) => ({ index: i, actual: opts.actual[i]!, predicted: opts.predicted[i]!, residual: residual[i]! })),
  };
}
