// The training form's schedule, early-stopping and metric settings: every choice makes a config the engine's
// schema accepts, survives a save and reload, and the panel shows and edits them.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { chooseLoss, chooseSchedule, defaultDraft, runConfig, SCHEDULE_KINDS, setEarlyStopping, setMetric, type ScheduleKind, type TrainingDraft } from '../../renderer/src/training/form';
import { draftFromConfig } from '../../renderer/src/training/read-draft';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { TrainingConfigSchema } from '../../shared/training';
import { chain, MNIST_CNN } from './fixtures';

/** Picks an option the way a user does: the option becomes selected, then the select fires change. */
async function choose(testId: string, value: string): Promise<void> {
  const select = screen.getByTestId(testId) as HTMLSelectElement;
  const option = [...select.options].find((o) => o.value === value);
  if (!option) throw new Error(`${testId} has no option '${value}'`);
  option.selected = true;
  await fireEvent.change(select);
  flushSync();
}

/** A draft with the chosen kind's parameters moved off their defaults, so a round trip that dropped them would show. */
function withSchedule(kind: ScheduleKind): TrainingDraft {
  const form = defaultDraft();
  chooseSchedule(form, kind);
  const s = form.config.lr_schedule;
  if (s.kind === 'step') Object.assign(s, { step_size: 4, gamma: 0.5 });
  if (s.kind === 'exponential') Object.assign(s, { decay_rate: 0.9, decay_steps: 2, staircase: true });
  if (s.kind === 'cosine') Object.assign(s, { decay_steps: 7, alpha: 0.05 });
  if (s.kind === 'reduce_on_plateau') Object.assign(s, { monitor: 'val_acc', factor: 0.5, patience: 2, min_delta: 0.01, min_lr: 1e-5, cooldown: 1 });
  return form;
}

/** Saved as a project stores it (JSON) and read back into a fresh panel: what the panel then edits. */
const roundTrip = (form: TrainingDraft) =>
  draftFromConfig(JSON.parse(JSON.stringify(runConfig(form))), { kind: 'builtin', id: form.config.dataset.name }, defaultDraft()).config;

describe('training form: schedule, early stopping, metrics', () => {
  for (const kind of SCHEDULE_KINDS) {
    for (const stopping of [false, true]) {
      it(`${kind} schedule, early stopping ${stopping ? 'on' : 'off'}: parses and round-trips`, () => {
        const form = withSchedule(kind);
        if (stopping) form.config.early_stopping = { monitor: 'val_acc', patience: 5, min_delta: 0.002, mode: 'max', restore_best_weights: true };
        const config = TrainingConfigSchema.parse(runConfig(form));
        expect(config.lr_schedule.kind).toBe(kind);
        if (kind === 'step') expect(config.lr_schedule).toMatchObject({ step_size: 4, gamma: 0.5 });
        if (kind === 'exponential') expect(config.lr_schedule).toMatchObject({ decay_rate: 0.9, decay_steps: 2, staircase: true });
        if (kind === 'reduce_on_plateau') expect(config.lr_schedule).toMatchObject({ monitor: 'val_acc', factor: 0.5, patience: 2, min_lr: 1e-5, cooldown: 1 });
        expect(config.early_stopping).toEqual(
          stopping ? { monitor: 'val_acc', patience: 5, min_delta: 0.002, mode: 'max', restore_best_weights: true } : null,
        );
        expect(config.metrics).toEqual(['accuracy']);
        expect(roundTrip(form)).toEqual(form.config);
      });
    }
  }

  it('regression losses log the chosen mae/mse, and a monitor they do not log falls back to val_loss', () => {
    const form = withSchedule('reduce_on_plateau');
    chooseLoss(form, 'mse');
    expect(form.config.metrics).toEqual(['mae']);
    setMetric(form, 'mae', false);
    setMetric(form, 'mse', true);
    setEarlyStopping(form, true);
    form.config.early_stopping!.monitor = 'val_mse';
    const config = TrainingConfigSchema.parse(runConfig(form));
    expect(config.metrics).toEqual(['mse']);
    expect(config.early_stopping?.monitor).toBe('val_mse');
    // val_acc was chosen under a classification loss; mse does not log accuracy, which the schema would refuse.
    expect(config.lr_schedule).toMatchObject({ kind: 'reduce_on_plateau', monitor: 'val_loss' });
    Object.assign(form.config.lr_schedule, { monitor: 'val_loss' });
    expect(roundTrip(form)).toEqual(form.config);
    setMetric(form, 'mse', false);
    expect(TrainingConfigSchema.parse(runConfig(form)).metrics).toEqual([]);
    expect(TrainingConfigSchema.parse(runConfig(form)).early_stopping?.monitor).toBe('val_loss');
    // Back to a classification loss: accuracy, and the monitor chosen under it counts again.
    chooseLoss(form, 'sparse_categorical_crossentropy');
    expect(runConfig(form)).toMatchObject({ metrics: ['accuracy'], lr_schedule: { monitor: 'val_loss' } });
  });

  it('switching away and back keeps what was set: another schedule kind, early stopping off, another loss', () => {
    const form = withSchedule('step');
    chooseSchedule(form, 'cosine');
    chooseSchedule(form, 'step');
    expect(form.config.lr_schedule).toEqual({ kind: 'step', step_size: 4, gamma: 0.5 });
    setEarlyStopping(form, true);
    form.config.early_stopping!.patience = 7;
    setEarlyStopping(form, false);
    expect(runConfig(form).early_stopping).toBeNull();
    setEarlyStopping(form, true);
    expect(form.config.early_stopping?.patience).toBe(7);
    chooseLoss(form, 'mse');
    setMetric(form, 'mse', true);
    chooseLoss(form, 'sparse_categorical_crossentropy');
    chooseLoss(form, 'mae');
    expect(form.config.metrics).toEqual(['mae', 'mse']);
  });

  it('a stored config without schedule or early stopping reads as off', () => {
    const form = draftFromConfig({ loss: 'sparse_categorical_crossentropy' }, null, defaultDraft()).config;
    expect(form.lr_schedule.kind).toBe('none');
    expect(form.early_stopping).toBeNull();
    const stored = draftFromConfig({ early_stopping: {}, lr_schedule: { kind: 'cosine' } }, null, defaultDraft()).config;
    expect(stored.early_stopping).toEqual({ monitor: 'val_loss', patience: 3, min_delta: 0, mode: 'auto', restore_best_weights: false });
    expect(stored.lr_schedule).toEqual({ kind: 'cosine', decay_steps: 10, alpha: 0 });
  });

  it('reads a stored config field by field: an unreadable field keeps the panel value, fields the panel does not show survive a save', () => {
    const panel = defaultDraft();
    const stored = { optimizer: { name: 'sgd', learning_rate: -1, momentum: 0.5 }, epochs: 'many', seed: 7, augmentation: { rotation_range: 500, zoom_range: 0.2 } };
    // A hand-written file holds what its type forbids: read as plain JSON, as a project file is.
    const read = draftFromConfig(JSON.parse(JSON.stringify(stored)), null, panel).config;
    expect(read.optimizer).toEqual({ name: 'sgd', learning_rate: panel.config.optimizer.learning_rate, momentum: 0.5, nesterov: false });
    expect(read.epochs).toBe(panel.config.epochs);
    expect(read.augmentation).toMatchObject({ rotation_range: 0, zoom_range: 0.2 });
    expect(runConfig({ ...panel, config: read }).seed).toBe(7);
  });
});

describe('training panel: schedule and early stopping controls', () => {
  function mount() {
    const training = new TrainingStore();
    render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore(chain(MNIST_CNN))) });
    return training;
  }

  it('choosing a schedule shows its fields, and editing them changes the config', async () => {
    const training = mount();
    expect(screen.queryByTestId('train-schedule-step_size')).toBeNull();
    await choose('train-schedule', 'step');
    expect(runConfig(training.form).lr_schedule).toEqual({ kind: 'step', step_size: 10, gamma: 0.1 });
    await fireEvent.input(screen.getByTestId('train-schedule-step_size'), { target: { value: '3' } });
    await fireEvent.input(screen.getByTestId('train-schedule-gamma'), { target: { value: '0.5' } });
    expect(runConfig(training.form).lr_schedule).toEqual({ kind: 'step', step_size: 3, gamma: 0.5 });

    await choose('train-schedule', 'cosine');
    expect(screen.queryByTestId('train-schedule-step_size')).toBeNull();
    await fireEvent.input(screen.getByTestId('train-schedule-decay_steps'), { target: { value: '20' } });
    expect(runConfig(training.form).lr_schedule).toEqual({ kind: 'cosine', decay_steps: 20, alpha: 0 });

    await choose('train-schedule', 'reduce_on_plateau');
    // The plateau fields show Keras' defaults (patience 3 outlasts no workshop run).
    const shown = Object.fromEntries(['monitor', 'factor', 'patience', 'min_delta', 'min_lr'].map((f) => [f, (screen.getByTestId(`train-schedule-${f}`) as HTMLInputElement).value]));
    expect(shown).toEqual({ monitor: 'val_loss', factor: '0.1', patience: '3', min_delta: '0.0001', min_lr: '0' });
    // An out-of-range value is clamped so that the config stays valid.
    await fireEvent.input(screen.getByTestId('train-schedule-factor'), { target: { value: '3' } });
    expect(TrainingConfigSchema.parse(runConfig(training.form)).lr_schedule).toMatchObject({ kind: 'reduce_on_plateau', factor: 0.99 });
  });

  it('early stopping: the checkbox reveals its settings, which reach the config', async () => {
    const training = mount();
    expect(screen.queryByTestId('train-es-monitor')).toBeNull();
    expect(runConfig(training.form).early_stopping).toBeNull();
    await fireEvent.click(screen.getByTestId('train-early-stopping'));
    flushSync();
    const monitor = screen.getByTestId('train-es-monitor') as HTMLSelectElement;
    expect([...monitor.options].map((o) => o.value)).toEqual(['val_loss', 'val_acc', 'loss', 'acc']);
    await fireEvent.change(monitor, { target: { value: 'val_acc' } });
    await fireEvent.input(screen.getByTestId('train-es-patience'), { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('train-es-restore'));
    expect(TrainingConfigSchema.parse(runConfig(training.form)).early_stopping).toMatchObject({ monitor: 'val_acc', patience: 6, restore_best_weights: true });
  });

  it('augmentation: width and height shift are set apart and reach the config as Keras names them', async () => {
    const training = mount();
    await fireEvent.input(screen.getByTestId('train-aug-width-shift'), { target: { value: '0.2' } });
    await fireEvent.input(screen.getByTestId('train-aug-height-shift'), { target: { value: '0.05' } });
    const augmentation = TrainingConfigSchema.parse(runConfig(training.form)).augmentation;
    expect(augmentation).toMatchObject({ width_shift_range: 0.2, height_shift_range: 0.05 });
    expect(roundTrip(training.form).augmentation).toMatchObject({ width_shift_range: 0.2, height_shift_range: 0.05 });
  });

  it('metrics: accuracy for classification, mae/mse checkboxes for regression', async () => {
    const training = mount();
    expect((screen.getByTestId('train-metric-accuracy') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('train-metric-mae')).toBeNull();
    await choose('train-loss', 'mae');
    expect(screen.queryByTestId('train-metric-accuracy')).toBeNull();
    await fireEvent.click(screen.getByTestId('train-metric-mse'));
    expect(TrainingConfigSchema.parse(runConfig(training.form)).metrics).toEqual(['mae', 'mse']);
  });
});
