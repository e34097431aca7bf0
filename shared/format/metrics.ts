import type { EpochMetrics } from './schema';

/** Losses and errors improve downwards; accuracy-like metrics (acc, auc, precision...) upwards. */
export function lowerIsBetter(metric: string): boolean {
  return /loss|error|mse|mae|mape|msle|hinge|crossentropy/i.test(metric);
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
