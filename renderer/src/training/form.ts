import type { OwnDatasetConfig } from '../../../shared/data-preprocessing';
import { isClassificationLoss } from '../../../shared/losses';
import type { LossName, LrScheduleConfig, OptimizerName, TrainingConfigInput } from '../../../shared/training';

/** The dataset picker's value for "Your data...": the form's ownData then says which data. */
export const OWN_DATASET = '__own__';

/** The panel's form: the fields a workshop run changes; everything else keeps TrainingConfig's defaults. */
export interface TrainingForm {
  /** A catalog name, or OWN_DATASET. */
  dataset: string;
  /** The user's own data as datasets.inspect described it (source, preprocessing record, fingerprint). */
  ownData: OwnDatasetConfig | null;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  loss: LossName;
  batchSize: number;
  epochs: number;
  /** Training samples to use; null for the whole split. */
  limit: number | null;
  /** Validation samples (from the test split); null: one fifth of the subset, at least 100 (all without a subset). */
  validationLimit: number | null;
  augmentation: AugmentationForm;
  schedule: ScheduleForm;
  earlyStopping: EarlyStoppingForm;
  /** Regression metrics to log; classification losses always log accuracy instead. */
  metrics: RegressionMetricsForm;
}

/** The engine's augmentations (shared/training AugmentationSchema); all off by default. */
export interface AugmentationForm {
  /** Degrees either way. */
  rotation: number;
  /** Fraction of the width (Keras width_shift_range). */
  widthShift: number;
  /** Fraction of the height (Keras height_shift_range). */
  heightShift: number;
  /** Scale drawn from [1 - zoom, 1 + zoom]. */
  zoom: number;
  horizontalFlip: boolean;
  /** Standard deviation, in normalised units. */
  noise: number;
}

export type ScheduleKind = LrScheduleConfig['kind'];
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['none', 'step', 'exponential', 'cosine', 'reduce_on_plateau'];

/**
 * The chosen schedule kind plus the parameters of every kind, so that switching kinds back and forth keeps what
 * was typed. Field names are the config's (snake_case), which the panel's test ids reuse.
 */
export interface ScheduleForm {
  kind: ScheduleKind;
  step: { step_size: number; gamma: number };
  exponential: { decay_rate: number; decay_steps: number };
  cosine: { decay_steps: number; alpha: number };
  reduce_on_plateau: { monitor: string; factor: number; patience: number; min_delta: number; min_lr: number };
}

export type StopMode = 'auto' | 'min' | 'max';
export const STOP_MODES: readonly StopMode[] = ['auto', 'min', 'max'];

export interface EarlyStoppingForm {
  enabled: boolean;
  monitor: string;
  patience: number;
  min_delta: number;
  mode: StopMode;
  restore_best_weights: boolean;
}

export interface RegressionMetricsForm {
  mae: boolean;
  mse: boolean;
}

export { isClassificationLoss };

/** Keras' defaults (shared/training LrScheduleSchema), except reduce_on_plateau's patience: 10 outlasts a workshop run. */
export function defaultSchedule(): ScheduleForm {
  return {
    kind: 'none',
    step: { step_size: 10, gamma: 0.1 },
    exponential: { decay_rate: 0.96, decay_steps: 1 },
    cosine: { decay_steps: 10, alpha: 0 },
    reduce_on_plateau: { monitor: 'val_loss', factor: 0.1, patience: 3, min_delta: 1e-4, min_lr: 0 },
  };
}

export function defaultEarlyStopping(): EarlyStoppingForm {
  return { enabled: false, monitor: 'val_loss', patience: 3, min_delta: 0, mode: 'auto', restore_best_weights: false };
}

function formMetrics(form: TrainingForm): ('accuracy' | 'mae' | 'mse')[] {
  if (isClassificationLoss(form.loss)) return ['accuracy'];
  return (['mae', 'mse'] as const).filter((m) => form.metrics[m]);
}

/**
 * What a schedule or early stopping may watch with this form's loss and metrics (tfjs logs accuracy as 'acc'),
 * validation keys first because those are the ones worth watching.
 */
export function monitorOptions(form: TrainingForm): string[] {
  const train = ['loss', ...formMetrics(form).map((m) => (m === 'accuracy' ? 'acc' : m))];
  return [...train.map((k) => `val_${k}`), ...train];
}

/** The form's monitor if this run logs it, else val_loss (which every run logs): e.g. after switching to an mse loss. */
export function effectiveMonitor(form: TrainingForm, monitor: string): string {
  return monitorOptions(form).includes(monitor) ? monitor : 'val_loss';
}

function scheduleConfig(form: TrainingForm): NonNullable<TrainingConfigInput['lr_schedule']> {
  const s = form.schedule;
  switch (s.kind) {
    case 'none':
      return { kind: 'none' };
    case 'step':
      return { kind: 'step', ...s.step };
    case 'exponential':
      return { kind: 'exponential', ...s.exponential };
    case 'cosine':
      return { kind: 'cosine', ...s.cosine };
    case 'reduce_on_plateau':
      return { kind: 'reduce_on_plateau', ...s.reduce_on_plateau, monitor: effectiveMonitor(form, s.reduce_on_plateau.monitor) };
  }
}

export function noAugmentation(): AugmentationForm {
  return { rotation: 0, widthShift: 0, heightShift: 0, zoom: 0, horizontalFlip: false, noise: 0 };
}

export function defaultForm(): TrainingForm {
  return {
    dataset: 'mnist',
    ownData: null,
    optimizer: 'sgd',
    learningRate: 0.01,
    momentum: 0.9,
    loss: 'sparse_categorical_crossentropy',
    batchSize: 64,
    epochs: 1,
    limit: 2000,
    validationLimit: null,
    augmentation: noAugmentation(),
    schedule: defaultSchedule(),
    earlyStopping: defaultEarlyStopping(),
    metrics: { mae: true, mse: false },
  };
}

/** The test-split samples a run validates on (null: all of them). */
export function validationLimit(form: Pick<TrainingForm, 'limit' | 'validationLimit'>): number | null {
  if (form.validationLimit !== null) return form.validationLimit;
  // Validation on a matching slice of the test split keeps a quick run quick.
  return form.limit === null ? null : Math.max(100, Math.round(form.limit / 5));
}

/** What the panel says before training: how many samples the run will validate on, given the split's size. */
export function validationText(form: Pick<TrainingForm, 'limit' | 'validationLimit'>, testSplit: number | undefined): string {
  const asked = validationLimit(form);
  const from = testSplit === undefined ? 'the test split' : `the ${testSplit.toLocaleString('en-US')}-sample test split`;
  if (asked === null) return `all of ${from}`;
  return `${(testSplit === undefined ? asked : Math.min(asked, testSplit)).toLocaleString('en-US')} of ${from}`;
}

export function toConfig(form: TrainingForm): TrainingConfigInput {
  const optimizer =
    form.optimizer === 'sgd' || form.optimizer === 'rmsprop'
      ? { name: form.optimizer, learning_rate: form.learningRate, momentum: form.momentum }
      : { name: form.optimizer, learning_rate: form.learningRate };
  const own = form.dataset === OWN_DATASET ? form.ownData : null;
  return {
    dataset: own ?? { name: form.dataset },
    ...(own
      ? {
          // The data's own test split, or Keras' validation_split (the last rows), as the card described.
          validation: own.preprocessing.validation.kind === 'test-split' ? { kind: 'test' as const } : { kind: 'split' as const, fraction: own.preprocessing.validation.fraction },
        }
      : {}),
    optimizer: optimizer as TrainingConfigInput['optimizer'],
    loss: form.loss,
    metrics: formMetrics(form),
    batch_size: form.batchSize,
    epochs: form.epochs,
    limit_train: form.limit,
    // Own data validates on its own split (the card says which); a built-in dataset on the size the panel shows.
    limit_test: own ? null : validationLimit(form),
    augmentation: {
      rotation_range: form.augmentation.rotation,
      width_shift_range: form.augmentation.widthShift,
      height_shift_range: form.augmentation.heightShift,
      zoom_range: form.augmentation.zoom,
      horizontal_flip: form.augmentation.horizontalFlip,
      gaussian_noise: form.augmentation.noise,
    },
    lr_schedule: scheduleConfig(form),
    early_stopping: form.earlyStopping.enabled
      ? {
          monitor: effectiveMonitor(form, form.earlyStopping.monitor),
          patience: form.earlyStopping.patience,
          min_delta: form.earlyStopping.min_delta,
          mode: form.earlyStopping.mode,
          restore_best_weights: form.earlyStopping.restore_best_weights,
        }
      : null,
  };
}
