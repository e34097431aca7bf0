/**
 * Early stopping with Keras' semantics (monitor, patience, min_delta, mode) plus restore_best_weights, which
 * tfjs' own EarlyStopping callback lacks: we keep a copy of the weights of the best epoch and put them back.
 */
import * as tf from '@tensorflow/tfjs';
import type { EarlyStoppingConfig } from '../../../shared/training';
import { resolveMode } from './schedules';

/** What a checkpoint keeps so a resumed run stops at the same epoch (the best weights themselves are not kept). */
export interface EarlyStoppingState {
  /** null before the first finite value (JSON has no Infinity). */
  bestValue: number | null;
  bestEpoch: number;
  wait: number;
}

export class EarlyStopper {
  readonly mode: 'min' | 'max';
  bestValue: number;
  /** 0-based epoch of the best value so far, -1 before the first epoch. */
  bestEpoch = -1;
  /** Epoch at which stopping was decided, -1 while running. */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(readonly config: EarlyStoppingConfig) {
    this.mode = resolveMode(config.mode, config.monitor);
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
  }

  private improved(value: number): boolean {
    return this.mode === 'min' ? value + this.config.min_delta < this.bestValue : value - this.config.min_delta > this.bestValue;
  }

  /**
   * Feeds one epoch's logs; returns true when training should stop. Throws when the monitored metric is not
   * logged, since silently never stopping would hide a misconfiguration.
   */
  update(epoch: number, logs: Record<string, number>, model: tf.LayersModel): boolean {
    const value = logs[this.config.monitor];
    if (value === undefined) {
      throw new Error(
        `early stopping monitors '${this.config.monitor}', which this run does not log (logged: ${Object.keys(logs).join(', ')}): ` +
          'set early_stopping.monitor to one of those',
      );
    }
    if (Number.isFinite(value) && this.improved(value)) {
      this.bestValue = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.config.restore_best_weights) this.keepWeights(model);
      return false;
    }
    this.wait++;
    // Keras: stop after `patience` epochs in a row without improvement.
    if (this.wait >= Math.max(1, this.config.patience)) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }

  state(): EarlyStoppingState {
    return { bestValue: Number.isFinite(this.bestValue) ? this.bestValue : null, bestEpoch: this.bestEpoch, wait: this.wait };
  }

  restoreState(state: EarlyStoppingState): void {
    this.bestValue = state.bestValue ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestEpoch = state.bestEpoch;
    this.wait = state.wait;
  }

  private keepWeights(model: tf.LayersModel): void {
    this.disposeWeights();
    // getWeights() returns the live variables; clone so later training does not change the copy.
    this.bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
  }

  /** Puts the best epoch's weights back; returns false when there is nothing to restore. */
  restore(model: tf.LayersModel): boolean {
    if (!this.config.restore_best_weights || !this.bestWeights) return false;
    model.setWeights(this.bestWeights);
    return true;
  }

  private disposeWeights(): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }

  dispose(): void {
    this.disposeWeights();
  }
}
