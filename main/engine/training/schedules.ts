/**
 * Learning-rate schedules, applied once per epoch (the engine sets the optimizer's rate at each epoch's start),
 * and ReduceLROnPlateau, which reacts to a monitored metric at each epoch's end.
 */
import type { LrScheduleConfig } from '../../../shared/training';

type EpochSchedule = Exclude<LrScheduleConfig, { kind: 'reduce_on_plateau' }>;

/** The learning rate for a 0-based epoch under a fixed schedule; 'none' keeps the initial rate. */
export function scheduledLearningRate(schedule: EpochSchedule, initialLr: number, epoch: number): number {
  switch (schedule.kind) {
    case 'none':
      return initialLr;
    case 'step':
      return initialLr * schedule.gamma ** Math.floor(epoch / schedule.step_size);
    case 'exponential': {
      const p = epoch / schedule.decay_steps;
      return initialLr * schedule.decay_rate ** (schedule.staircase ? Math.floor(p) : p);
    }
    case 'cosine': {
      const progress = Math.min(epoch, schedule.decay_steps) / schedule.decay_steps;
      const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
      return initialLr * ((1 - schedule.alpha) * cosine + schedule.alpha);
    }
  }
}

export type MonitorMode = 'auto' | 'min' | 'max';

/** Keras' rule for mode 'auto': metrics named like accuracy are maximised, everything else minimised. */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}

export interface PlateauState {
  /** null before the first finite value (JSON has no Infinity). */
  best: number | null;
  wait: number;
  cooldownLeft: number;
  lr: number;
}

type PlateauConfig = Extract<LrScheduleConfig, { kind: 'reduce_on_plateau' }>;

/** Keras' ReduceLROnPlateau: after `patience` epochs without improvement, lr *= factor (not below min_lr). */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  private best: number;
  private wait = 0;
  private cooldownLeft = 0;
  lr: number;

  constructor(
    readonly config: PlateauConfig,
    initialLr: number,
  ) {
    this.mode = resolveMode(config.mode, config.monitor);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lr = initialLr;
  }

  private improved(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.config.min_delta : value > this.best + this.config.min_delta;
  }

  /** Feeds one epoch's monitored value; returns the new rate when it was reduced, else null. */
  update(value: number): number | null {
    if (!Number.isFinite(value)) return null;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    if (this.improved(value)) {
      this.best = value;
      this.wait = 0;
      return null;
    }
    if (this.cooldownLeft > 0) return null;
    this.wait++;
    if (this.wait < this.config.patience || this.lr <= this.config.min_lr) return null;
    this.lr = Math.max(this.lr * this.config.factor, this.config.min_lr);
    this.cooldownLeft = this.config.cooldown;
    this.wait = 0;
    return this.lr;
  }

  /** What a checkpoint keeps so a resumed run reduces on the same schedule. */
  state(): PlateauState {
    return { best: Number.isFinite(this.best) ? this.best : null, wait: this.wait, cooldownLeft: this.cooldownLeft, lr: this.lr };
  }

  restore(state: PlateauState): void {
    this.best = state.best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.wait = state.wait;
    this.cooldownLeft = state.cooldownLeft;
    this.lr = state.lr;
  }
}
