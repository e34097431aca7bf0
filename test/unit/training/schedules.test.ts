import { describe, expect, it } from 'vitest';
import { ReduceLROnPlateau, resolveMode, scheduledLearningRate } from '../../../main/engine/training/schedules';
import { LrScheduleSchema } from '../../../shared/training';

/** The learning rates of epochs 0..epochs-1 under a fixed schedule. */
const learningRateSequence = (schedule: Parameters<typeof scheduledLearningRate>[0], initialLr: number, epochs: number) =>
  Array.from({ length: epochs }, (_, e) => scheduledLearningRate(schedule, initialLr, e));

const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));

describe('learning-rate schedules', () => {
  it('step: gamma every step_size epochs (StepLR)', () => {
    close(learningRateSequence({ kind: 'step', step_size: 2, gamma: 0.1 }, 1, 6), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('exponential: smooth and staircase', () => {
    close(learningRateSequence({ kind: 'exponential', decay_rate: 0.5, decay_steps: 2, staircase: false }, 0.8, 4), [0.8, 0.8 * Math.SQRT1_2, 0.4, 0.4 * Math.SQRT1_2]);
    close(learningRateSequence({ kind: 'exponential', decay_rate: 0.5, decay_steps: 2, staircase: true }, 0.8, 4), [0.8, 0.8, 0.4, 0.4]);
  });

  it('cosine: from the initial rate down to alpha * initial, then flat', () => {
    const s = learningRateSequence({ kind: 'cosine', decay_steps: 4, alpha: 0.1 }, 1, 6);
    close(s, [1, 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), 0.55, 0.1 + 0.9 * 0.5 * (1 + Math.cos((3 * Math.PI) / 4)), 0.1, 0.1]);
  });

  it('none keeps the rate', () => {
    expect(learningRateSequence({ kind: 'none' }, 0.3, 3)).toEqual([0.3, 0.3, 0.3]);
  });

  it('ReduceLROnPlateau: patience, min_delta, cooldown and min_lr as in Keras', () => {
    const cfg = LrScheduleSchema.parse({ kind: 'reduce_on_plateau', monitor: 'val_loss', patience: 2, factor: 0.5, min_delta: 0.01, cooldown: 1, min_lr: 0.2 });
    if (cfg.kind !== 'reduce_on_plateau') throw new Error('parsed the wrong kind');
    const p = new ReduceLROnPlateau(cfg, 1);
    // 1.0 is the first best; changes under min_delta do not count. Two flat epochs -> halve; the cooldown epoch
    // resets the wait, so the next reduction comes two epochs later; min_lr caps the third (0.125 -> 0.2).
    const out = [1.0, 0.995, 0.999, 0.998, 0.997, 0.996, 0.996, 0.996, 0.996, 0.996].map((v) => p.update(v));
    expect(out).toEqual([null, null, 0.5, null, 0.25, null, 0.2, null, null, null]);
    expect(p.lr).toBe(0.2);
    expect(p.update(0.5)).toBeNull(); // improvement
  });

  it('ReduceLROnPlateau state survives JSON, so a resumed run reduces on the same epochs', () => {
    const cfg = LrScheduleSchema.parse({ kind: 'reduce_on_plateau', monitor: 'loss', patience: 2, factor: 0.5, min_delta: 0 });
    if (cfg.kind !== 'reduce_on_plateau') throw new Error('parsed the wrong kind');
    const a = new ReduceLROnPlateau(cfg, 1);
    expect(JSON.parse(JSON.stringify(new ReduceLROnPlateau(cfg, 1).state()))).toEqual({ best: null, wait: 0, cooldownLeft: 0, lr: 1 });
    [1, 1].forEach((v) => a.update(v));
    const b = new ReduceLROnPlateau(cfg, 1);
    b.restore(JSON.parse(JSON.stringify(a.state())));
    expect(b.update(1)).toBe(0.5);
    expect(a.update(1)).toBe(0.5);
  });

  it("mode 'auto' maximises accuracy-like metrics", () => {
    expect(resolveMode('auto', 'val_acc')).toBe('max');
    expect(resolveMode('auto', 'val_loss')).toBe('min');
    expect(resolveMode('min', 'val_acc')).toBe('min');
  });
});
