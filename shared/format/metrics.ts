import type { EpochMetrics } from './schema';

/** Losses and errors improve downwards; accuracy-like metrics (acc, auc, precision...) upwards. */
export function lowerIsBetter(metric: string): boolean {
  return /loss|error|mse|mae|mape|msle|hinge|crossentropy/i.test(metric);
}

/** A metric as the CLI and the window print it: 4 decimals, exponents for the very large and the very small. */
export function formatMetric(value: number | null): string {
  if (value === null) return 'n/a';
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toFixed(4);
}

/** The best value each metric reached over a run's history (null values are skipped). */
export function bestMetrics(history: readonly EpochMetrics[]): Record<string, number> {
  const best: Record<string, number> = {};
  for (const { metrics } of history) {
    for (const [name, value] of Object.entries(metrics)) {
      if (value === null || !Number.isFinite(value)) continue;
      const current = best[name];
      if (current === undefined || (lowerIsBetter(name) ? value < current : value > current)) best[name] = value;
    }
  }
  return best;
}
