/**
 * The weights of a run's best epoch, kept during training so the run can store them beside its final weights
 * (issue #14). The monitor is the run's: early stopping's when set (with its mode), else val_loss when the run
 * validates, else loss; the mode is decided as early stopping decides it (resolveMode).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../../shared/training';
import { captureModelWeights } from '../stored-weights';
import type { StoredWeights } from '../../projects/types';
import type { CheckpointBest } from './checkpoint';
import { resolveMode } from './schedules';

/** What a run stores about its best epoch: the weights, and which epoch (0-based) by which metric. */
export interface BestWeights {
  epoch: number;
  monitor: string;
  value: number;
  /** null when the best epoch is the last one trained: the final weights are the best ones, nothing is copied. */
  weights: StoredWeights | null;
}

export class BestWeightsKeeper {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  bestValue: number;
  bestEpoch = -1;
  private readonly minDelta: number;
  private kept: tf.Tensor[] | null = null;

  constructor(config: TrainingConfig, validates: boolean) {
    this.monitor = config.early_stopping?.monitor ?? (validates ? 'val_loss' : 'loss');
    this.mode = resolveMode(config.early_stopping?.mode ?? 'auto', this.monitor);
    // Early stopping's min_delta too, so that with restore_best_weights both pick the same epoch.
    this.minDelta = config.early_stopping?.min_delta ?? 0;
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
  }

  /**
   * Continues a resumed run's count from its checkpoint (training/checkpoint.ts): its earlier sessions' best epoch
   * and weights compete with the new epochs, so the whole run's best wins. Takes ownership of `best.weights`.
   * A checkpoint of another monitor (not possible for a resume, which keeps the run's config) is ignored.
   */
  restore(best: CheckpointBest): void {
    if (best.monitor !== this.monitor || !Number.isFinite(best.value)) {
      tf.dispose(best.weights);
      return;
    }
    this.dispose();
    this.bestValue = best.value;
    this.bestEpoch = best.epoch;
    this.kept = best.weights.map((w) => tf.keep(w));
  }

  /** The best epoch so far for a checkpoint (the kept tensors themselves: read them, do not dispose them). */
  snapshot(): CheckpointBest | null {
    if (!this.kept || this.bestEpoch < 0) return null;
    return { epoch: this.bestEpoch, monitor: this.monitor, value: this.bestValue, weights: this.kept };
  }

  /** Feeds one complete epoch's metrics; copies the model's weights when the monitored value improved. */
  update(epoch: number, metrics: Record<string, number>, model: tf.LayersModel): void {
    const value = metrics[this.monitor];
    if (value === undefined || !Number.isFinite(value)) return;
    if (this.mode === 'min' ? value + this.minDelta >= this.bestValue : value - this.minDelta <= this.bestValue) return;
    this.bestValue = value;
    this.bestEpoch = epoch;
    this.dispose();
    // getWeights() returns the live variables; clone so later training does not change the copy.
    this.kept = model.getWeights().map((w) => tf.keep(w.clone()));
  }

  /**
   * The best epoch's weights as a project stores them, or null before any finite value. The model's own weights
   * are swapped out for the capture and put back: call it only once training is over. `finalEpoch` is the epoch
   * whose weights the model ended with (null when they are no epoch's end, e.g. stopped mid-epoch).
   */
  async capture(model: tf.LayersModel, finalEpoch: number | null): Promise<BestWeights | null> {
    if (!this.kept || this.bestEpoch < 0) return null;
    const base = { epoch: this.bestEpoch, monitor: this.monitor, value: this.bestValue };
    if (this.bestEpoch === finalEpoch) return { ...base, weights: null };
    const current = model.getWeights().map((w) => w.clone());
    try {
      model.setWeights(this.kept);
      return { ...base, weights: await captureModelWeights(model) };
    } finally {
      model.setWeights(current);
      tf.dispose(current);
    }
  }

  dispose(): void {
    if (this.kept) tf.dispose(this.kept);
    this.kept = null;
  }
}
