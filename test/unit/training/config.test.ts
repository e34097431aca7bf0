import { describe, expect, it } from 'vitest';
import { defaultTrainingConfig, loggedMetricKeys, parseTrainingConfig, TrainingConfigSchema } from '../../../shared/training';

function issues(input: unknown): { path: string; message: string }[] {
  const r = parseTrainingConfig(input);
  if (r.ok) throw new Error('expected the config to be refused');
  return r.issues;
}

describe('TrainingConfig', () => {
  it('defaults: version 1, Adam with Keras parameters, everything optional off', () => {
    const c = defaultTrainingConfig();
    expect(c.version).toBe(1);
    expect(c.optimizer).toEqual({ name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    expect(c.loss).toBe('sparse_categorical_crossentropy');
    expect(c.validation).toEqual({ kind: 'test' });
    expect(c.lr_schedule).toEqual({ kind: 'none' });
    expect(c.early_stopping).toBeNull();
    expect(Object.values(c.augmentation).every((v) => v === 0 || v === false)).toBe(true);
    expect(c.telemetry.histogram_bins).toBe(30);
  });

  it.each([
    [{ name: 'sgd' }, { learning_rate: 0.01, momentum: 0, nesterov: false }],
    [{ name: 'rmsprop' }, { learning_rate: 0.001, rho: 0.9, momentum: 0, centered: false }],
    [{ name: 'adagrad' }, { learning_rate: 0.001, initial_accumulator_value: 0.1 }],
    [{ name: 'adadelta' }, { learning_rate: 0.001, rho: 0.95 }],
    [{ name: 'adamax' }, { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999 }],
  ])('optimizer %j fills Keras defaults', (optimizer, expected) => {
    const r = parseTrainingConfig({ optimizer });
    expect(r.ok && r.config.optimizer).toMatchObject({ ...optimizer, ...expected });
  });

  it('round-trips through JSON unchanged', () => {
    const c = parseTrainingConfig({
      optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true },
      lr_schedule: { kind: 'cosine', decay_steps: 20 }, early_stopping: { monitor: 'val_acc', restore_best_weights: true },
      validation: { kind: 'split', fraction: 0.2 }, class_weight: { '0': 1, '3': 4 }, limit_train: 1000,
    });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const again = parseTrainingConfig(JSON.stringify(c.config));
    expect(again.ok && again.config).toEqual(c.config);
  });

  it('names the path and the fix for bad values', () => {
    expect(issues({ optimizer: { name: 'adam', learning_rate: -1 } })).toEqual([
      { path: 'optimizer.learning_rate', message: expect.stringMatching(/must be > 0.*\(received: -1\)/) },
    ]);
    expect(issues({ batch_size: 0 })[0]).toMatchObject({ path: 'batch_size', message: expect.stringMatching(/>= 1/) });
    expect(issues({ optimizer: { name: 'lamb' } })[0]).toMatchObject({ path: 'optimizer.name', message: expect.stringMatching(/use one of sgd, adam/) });
    expect(issues({ loss: 'hinge' })[0]!.message).toMatch(/use one of sparse_categorical_crossentropy/);
    expect(issues({ validation: { kind: 'split', fraction: 1 } })[0]).toMatchObject({ path: 'validation.fraction' });
    expect(issues({ lr_schedule: { kind: 'step', gamma: 2 } })[0]).toMatchObject({ path: 'lr_schedule.gamma' });
    expect(issues({ version: 2 })[0]).toMatchObject({ path: 'version', message: expect.stringMatching(/reads version 1/) });
  });

  it('refuses unknown fields instead of ignoring a typo', () => {
    expect(issues({ optimizer: { name: 'sgd', lerning_rate: 0.1 } })[0]).toEqual({
      path: 'optimizer', message: "unknown field(s) 'lerning_rate': remove them or fix the spelling",
    });
    expect(issues({ epoch: 3 })[0]!.path).toBe('');
  });

  it('checks that monitors name a logged metric, and suggests the tfjs name', () => {
    expect(issues({ early_stopping: { monitor: 'val_accuracy' } })[0]).toEqual({
      path: 'early_stopping.monitor', message: "'val_accuracy' is not logged by this config: use 'val_acc' (tfjs logs accuracy as 'acc')",
    });
    expect(issues({ metrics: ['mae'], lr_schedule: { kind: 'reduce_on_plateau', monitor: 'val_acc' } })[0]!.message).toMatch(/use one of loss, mae, val_loss, val_mae/);
    expect(loggedMetricKeys({ metrics: ['accuracy', 'mse'] })).toEqual(['loss', 'acc', 'mse', 'val_loss', 'val_acc', 'val_mse']);
  });

  it('class weights need a classification loss', () => {
    expect(issues({ loss: 'mse', class_weight: { '1': 5 } })[0]).toMatchObject({ path: 'class_weight' });
    expect(issues({ class_weight: { one: 5 } })[0]!.message).toMatch(/class indices/);
  });

  it('reports invalid JSON text as a config error', () => {
    expect(issues('{"epochs": 3,,}')[0]!.message).toMatch(/not valid JSON/);
  });

  it('exports a schema other modules can compose', () => {
    expect(TrainingConfigSchema.safeParse({ epochs: 5 }).success).toBe(true);
  });
});
