/**
 * The points of the within-epoch curves: each kept batch's loss or metric at its fractional epoch (batch b of n in
 * epoch e ends at e + (b + 1) / n; epoch e's metrics sit at e + 1, its end). Pure, so the chart only draws what this
 * returns.
 */
import type { BatchProgress } from '../../../shared/run-events';

/**
 * `key`'s per-batch points: 'loss', or a training metric as the epoch metrics name it ('acc', 'mae', ...). Batches
 * without it (a run stored when batch points held only the loss) give none.
 */
export function batchPoints(batches: readonly BatchProgress[], key: string): [number, number][] {
  return batches.flatMap((b): [number, number][] => {
    const value = key === 'loss' ? b.loss : b.metrics?.[key];
    return value === undefined || b.batches === 0 ? [] : [[b.epoch + (b.batch + 1) / b.batches, value]];
  });
}
