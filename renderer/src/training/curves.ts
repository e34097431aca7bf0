/**
 * The points of the within-epoch curves: each kept batch's loss at its fractional epoch (batch b of n in epoch e
 * ends at e + (b + 1) / n; epoch e's metrics sit at e + 1, its end). Pure, so the chart only draws what this returns.
 */
import type { BatchProgress } from '../../../shared/run-events';

export function batchLossPoints(batches: readonly BatchProgress[]): [number, number][] {
  return batches.flatMap((b): [number, number][] => (b.loss === undefined || b.batches === 0 ? [] : [[b.epoch + (b.batch + 1) / b.batches, b.loss]]));
}
