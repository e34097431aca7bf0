// The training panel's number ranges come from the config's schemas: each end it lets a user type is a value a
// run accepts, and past an end is a value a run refuses.
import { describe, expect, it } from 'vitest';
import { FORM_BOUNDS } from '../../../renderer/src/training/bounds';
import { parseTrainingConfig } from '../../../shared/training';

/** Where each form field lands in a TrainingConfig. */
const place: Record<keyof typeof FORM_BOUNDS, (v: number) => Record<string, unknown>> = {
  rotation: (v) => ({ augmentation: { rotation_range: v } }),
  widthShift: (v) => ({ augmentation: { width_shift_range: v } }),
  heightShift: (v) => ({ augmentation: { height_shift_range: v } }),
  zoom: (v) => ({ augmentation: { zoom_range: v } }),
  noise: (v) => ({ augmentation: { gaussian_noise: v } }),
  stepSize: (v) => ({ lr_schedule: { kind: 'step', step_size: v } }),
  gamma: (v) => ({ lr_schedule: { kind: 'step', gamma: v } }),
  decaySteps: (v) => ({ lr_schedule: { kind: 'exponential', decay_steps: v } }),
  cosineSteps: (v) => ({ lr_schedule: { kind: 'cosine', decay_steps: v } }),
  plateauPatience: (v) => ({ lr_schedule: { kind: 'reduce_on_plateau', patience: v } }),
  decayRate: (v) => ({ lr_schedule: { kind: 'exponential', decay_rate: v } }),
  alpha: (v) => ({ lr_schedule: { kind: 'cosine', alpha: v } }),
  factor: (v) => ({ lr_schedule: { kind: 'reduce_on_plateau', factor: v } }),
  plateauMinDelta: (v) => ({ lr_schedule: { kind: 'reduce_on_plateau', min_delta: v } }),
  minLr: (v) => ({ lr_schedule: { kind: 'reduce_on_plateau', min_lr: v } }),
  stopMinDelta: (v) => ({ early_stopping: { min_delta: v } }),
  stopPatience: (v) => ({ early_stopping: { patience: v } }),
};

describe('training panel bounds', () => {
  it.each(Object.keys(place) as (keyof typeof FORM_BOUNDS)[])('%s: both ends are accepted, outside is refused', (field) => {
    const { min, max } = FORM_BOUNDS[field];
    expect(parseTrainingConfig(place[field](min)).ok, `min ${min}`).toBe(true);
    expect(parseTrainingConfig(place[field](min - 0.5)).ok, `below ${min}`).toBe(false);
    if (Number.isFinite(max)) {
      expect(parseTrainingConfig(place[field](max)).ok, `max ${max}`).toBe(true);
      expect(parseTrainingConfig(place[field](max + 0.5)).ok, `above ${max}`).toBe(false);
    }
  });

  it('reads what the schema says (rotation in degrees, plateau factor strictly inside (0, 1))', () => {
    expect(FORM_BOUNDS.rotation).toEqual({ min: 0, max: 180 });
    expect(FORM_BOUNDS.widthShift).toEqual({ min: 0, max: 1 });
    // Exclusive ends: the schema refuses 0 and 1 themselves, so the panel stops just inside.
    expect(parseTrainingConfig(place.factor(0)).ok || parseTrainingConfig(place.factor(1)).ok).toBe(false);
    expect(FORM_BOUNDS.factor).toEqual({ min: 0.01, max: 0.99 });
  });
});
