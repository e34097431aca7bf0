/**
 * The training setup of one run: a versioned, validated document (zod 4 schema + inferred type).
 *
 * Pure: zod only (no Node, no tfjs), so the window validates a form with the same rules the backend enforces.
 * Field names follow Keras (snake_case: `learning_rate`, `beta_1`, `restore_best_weights`) so a config reads like
 * the Python the workshop teaches. Schedules count in epochs (`step_size`, `decay_steps`), because the engine sets
 * the learning rate once per epoch.
 */
import { z } from 'zod';
import { isClassificationLoss, LOSS_NAMES, type LossName } from './losses';

export const TRAINING_CONFIG_VERSION = 1;

const learningRate = (keras: number) =>
  z
    .number({ error: 'expected a number such as 0.001' })
    .positive({ error: 'must be > 0: use a small positive learning rate such as 0.001' })
    .max(10, { error: 'must be <= 10: learning rates above 10 always diverge; try 0.001 to 0.1' })
    .default(keras);

const unitInterval = (fallback: number, what: string) =>
  z
    .number({ error: `expected a number in [0, 1) (${what})` })
    .min(0, { error: `must be >= 0 (${what})` })
    .lt(1, { error: `must be < 1 (${what})` })
    .default(fallback);

const epsilon = z
  .number({ error: 'expected a small positive number such as 1e-7' })
  .positive({ error: 'must be > 0, e.g. 1e-7' })
  .default(1e-7);

/** Keras' optimizer defaults (keras.optimizers.*), not tfjs' where they differ (tfjs Adamax uses 0.002). */
export const OptimizerSchema = z.discriminatedUnion(
  'name',
  [
    z.strictObject({
      name: z.literal('sgd'),
      learning_rate: learningRate(0.01),
      momentum: unitInterval(0, 'momentum'),
      nesterov: z.boolean().default(false),
    }),
    z.strictObject({
      name: z.literal('adam'),
      learning_rate: learningRate(0.001),
      beta_1: unitInterval(0.9, 'beta_1'),
      beta_2: unitInterval(0.999, 'beta_2'),
      epsilon,
    }),
    z.strictObject({
      name: z.literal('rmsprop'),
      learning_rate: learningRate(0.001),
      rho: unitInterval(0.9, 'rho'),
      momentum: unitInterval(0, 'momentum'),
      epsilon,
      centered: z.boolean().default(false),
    }),
    z.strictObject({
      name: z.literal('adagrad'),
      learning_rate: learningRate(0.001),
      initial_accumulator_value: z.number().positive({ error: 'must be > 0, e.g. 0.1' }).default(0.1),
    }),
    z.strictObject({
      name: z.literal('adadelta'),
      learning_rate: learningRate(0.001),
      rho: unitInterval(0.95, 'rho'),
      epsilon,
    }),
    z.strictObject({
      name: z.literal('adamax'),
      learning_rate: learningRate(0.001),
      beta_1: unitInterval(0.9, 'beta_1'),
      beta_2: unitInterval(0.999, 'beta_2'),
      epsilon,
    }),
  ],
  { error: 'unknown optimizer: use one of sgd, adam, rmsprop, adagrad, adadelta, adamax' },
);
export type OptimizerConfig = z.output<typeof OptimizerSchema>;
export type OptimizerName = OptimizerConfig['name'];
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'];

export { LOSS_NAMES, type LossName };
export const LossSchema = z.enum(LOSS_NAMES, {
  error: `unknown loss: use one of ${LOSS_NAMES.join(', ')}`,
});

export const METRIC_NAMES = ['accuracy', 'mae', 'mse'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The key each metric has in tfjs' logs ('accuracy' is logged as 'acc'). */
export const METRIC_LOG_KEYS: Record<MetricName, string> = { accuracy: 'acc', mae: 'mae', mse: 'mse' };

const ValidationSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('test') }),
    z.strictObject({
      kind: z.literal('split'),
      fraction: z
        .number({ error: 'expected a fraction such as 0.1' })
        .gt(0, { error: 'must be > 0: hold out a fraction such as 0.1 of the training data' })
        .lt(1, { error: 'must be < 1: some data must remain for training; try 0.1 or 0.2' })
        .default(0.1),
    }),
  ],
  { error: "validation.kind must be 'test' (the dataset's test split) or 'split' (a fraction of the training data)" },
);

const positiveInt = (fallback: number, max: number, hint: string) =>
  z
    .number({ error: `expected an integer (${hint})` })
    .int({ error: `must be a whole number (${hint})` })
    .min(1, { error: `must be >= 1 (${hint})` })
    .max(max, { error: `must be <= ${max} (${hint})` })
    .default(fallback);

export const AugmentationSchema = z.strictObject({
  /** Fraction of the width to shift by at most, like Keras' ImageDataGenerator width_shift_range. */
  width_shift_range: z.number().min(0).max(1, { error: 'must be in [0, 1]: a fraction of the width' }).default(0),
  height_shift_range: z.number().min(0).max(1, { error: 'must be in [0, 1]: a fraction of the height' }).default(0),
  /** Degrees. */
  rotation_range: z.number().min(0).max(180, { error: 'must be in [0, 180] degrees' }).default(0),
  zoom_range: z.number().min(0).max(1, { error: 'must be in [0, 1], e.g. 0.1 for +-10%' }).default(0),
  horizontal_flip: z.boolean().default(false),
  vertical_flip: z.boolean().default(false),
  /** Standard deviation of added Gaussian noise, in normalised units. */
  gaussian_noise: z.number().min(0).max(1, { error: 'must be in [0, 1]: a standard deviation' }).default(0),
});
/** @public */
export type AugmentationConfig = z.output<typeof AugmentationSchema>;

const monitor = z
  .string({ error: "expected a logged metric name such as 'val_loss'" })
  .min(1, { error: "name a logged metric such as 'val_loss'" })
  .default('val_loss');
const modeSchema = z.enum(['auto', 'min', 'max'], { error: "use 'auto', 'min' or 'max'" }).default('auto');

export const LrScheduleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('none') }),
    /** lr = initial * gamma^floor(epoch / step_size) (PyTorch StepLR). */
    z.strictObject({
      kind: z.literal('step'),
      step_size: positiveInt(10, 1_000_000, 'epochs between decays'),
      gamma: z.number().gt(0).max(1, { error: 'must be in (0, 1]: the factor applied at each step, e.g. 0.1' }).default(0.1),
    }),
    /** lr = initial * decay_rate^(epoch / decay_steps) (Keras ExponentialDecay, counted in epochs). */
    z.strictObject({
      kind: z.literal('exponential'),
      decay_rate: z.number().gt(0).max(1, { error: 'must be in (0, 1], e.g. 0.96' }).default(0.96),
      decay_steps: positiveInt(1, 1_000_000, 'epochs per decay_rate factor'),
      staircase: z.boolean().default(false),
    }),
    /** lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(epoch, decay_steps) / decay_steps)) + alpha) (Keras CosineDecay). */
    z.strictObject({
      kind: z.literal('cosine'),
      decay_steps: positiveInt(10, 1_000_000, 'epochs to decay over'),
      alpha: z.number().min(0).max(1, { error: 'must be in [0, 1]: the final fraction of the initial rate' }).default(0),
    }),
    z.strictObject({
      kind: z.literal('reduce_on_plateau'),
      monitor,
      factor: z.number().gt(0).lt(1, { error: 'must be in (0, 1), e.g. 0.1' }).default(0.1),
      patience: z.number().int().min(0, { error: 'must be a whole number >= 0' }).default(10),
      min_delta: z.number().min(0, { error: 'must be >= 0' }).default(1e-4),
      cooldown: z.number().int().min(0).default(0),
      min_lr: z.number().min(0, { error: 'must be >= 0' }).default(0),
      mode: modeSchema,
    }),
  ],
  { error: "lr_schedule.kind must be one of 'none', 'step', 'exponential', 'cosine', 'reduce_on_plateau'" },
);
export type LrScheduleConfig = z.output<typeof LrScheduleSchema>;

export const EarlyStoppingSchema = z.strictObject({
  monitor,
  patience: z.number().int({ error: 'must be a whole number of epochs' }).min(0).default(3),
  min_delta: z.number().min(0, { error: 'must be >= 0: the smallest change that counts as an improvement' }).default(0),
  mode: modeSchema,
  restore_best_weights: z.boolean().default(false),
});
export type EarlyStoppingConfig = z.output<typeof EarlyStoppingSchema>;

export const TelemetryOptionsSchema = z.strictObject({
  histograms: z.boolean().default(true),
  histogram_bins: z.number().int().min(2).max(512, { error: 'must be in [2, 512]; TensorBoard uses 30' }).default(30),
  gradient_histograms: z.boolean().default(false),
  filters: z.boolean().default(true),
  activations: z.boolean().default(true),
  /** Index into the validation data of the probe image shown in the activation maps. */
  activation_probe_index: z.number().int().min(0).default(0),
  confusion_matrix: z.boolean().default(true),
  /** How many of the most confidently wrong validation examples to report. */
  confidently_wrong: z.number().int().min(0).max(100).default(10),
  health_checks: z.boolean().default(true),
  /** Heavy telemetry (histograms, filters, activations, confusion, gradients) every N epochs; metrics every epoch. */
  every_n_epochs: positiveInt(1, 10_000, 'epochs between telemetry snapshots'),
  /** Batch progress events per second at most. */
  progress_per_second: z.number().gt(0).max(60).default(4),
  /** Epochs in a row with falling loss and rising val_loss before an overfitting warning. */
  overfitting_patience: z.number().int().min(1).default(3),
});
/** @public */
export type TelemetryOptions = z.output<typeof TelemetryOptionsSchema>;

const limit = z
  .number({ error: 'expected a whole number of samples, or null for all' })
  .int({ error: 'must be a whole number of samples' })
  .min(1, { error: 'must be >= 1, or null to use the whole split' })
  .nullable()
  .default(null);

/**
 * The config's fields without the checks across fields (a monitor the config logs, class weights with a
 * classification loss): what a reader that takes a document apart field by field parses it with.
 */
export const TrainingConfigObject = z.strictObject({
  version: z
    .literal(TRAINING_CONFIG_VERSION, { error: `unsupported version: this build reads version ${TRAINING_CONFIG_VERSION}` })
    .default(TRAINING_CONFIG_VERSION),
  dataset: z
    .looseObject({ name: z.string({ error: "expected a dataset name such as 'mnist'" }).min(1, { error: 'name the dataset, e.g. mnist' }) })
    .prefault({ name: 'mnist' }),
  optimizer: OptimizerSchema.prefault({ name: 'adam' }),
  loss: LossSchema.default('sparse_categorical_crossentropy'),
  /** Only used by the 'huber' loss: where it turns from quadratic to linear. */
  huber_delta: z.number().positive({ error: 'must be > 0, e.g. 1.0' }).default(1),
  metrics: z.array(z.enum(METRIC_NAMES, { error: `unknown metric: use ${METRIC_NAMES.join(', ')}` })).default(['accuracy']),
  batch_size: positiveInt(32, 65_536, 'samples per batch, e.g. 32 or 128'),
  epochs: positiveInt(10, 100_000, 'passes over the training data'),
  validation: ValidationSchema.prefault({ kind: 'test' }),
  /** Seeds weight initialisation and shuffling, so that a run can be repeated. */
  seed: z.number().int({ error: 'must be a whole number' }).min(0).max(2 ** 31 - 1).default(42),
  shuffle: z.boolean().default(true),
  /** Class index (as a JSON key) to loss weight, e.g. {"0": 1, "1": 10} for a rare class 1. */
  class_weight: z
    .record(z.string().regex(/^\d+$/, { error: 'class_weight keys must be class indices such as "0"' }), z.number().positive({ error: 'class weights must be > 0' }))
    .nullable()
    .default(null),
  limit_train: limit,
  limit_test: limit,
  preprocessing: z
    .strictObject({ normalize: z.enum(['scale', 'standardize'], { error: "use 'scale' (to [0, 1]) or 'standardize' (zero mean, unit variance)" }).default('scale') })
    .prefault({}),
  augmentation: AugmentationSchema.prefault({}),
  lr_schedule: LrScheduleSchema.prefault({ kind: 'none' }),
  early_stopping: EarlyStoppingSchema.nullable().default(null),
  telemetry: TelemetryOptionsSchema.prefault({}),
});

/** The keys a run with this config logs each epoch: loss, metrics, and their val_ twins. */
export function loggedMetricKeys(config: Pick<TrainingConfig, 'metrics'>): string[] {
  const train = ['loss', ...config.metrics.map((m) => METRIC_LOG_KEYS[m])];
  return [...train, ...train.map((k) => `val_${k}`)];
}

function checkMonitor(value: string, config: TrainingConfig, path: (string | number)[], ctx: z.RefinementCtx): void {
  const keys = loggedMetricKeys(config);
  if (keys.includes(value)) return;
  const alias = value.replace(/accuracy$/, 'acc');
  const hint = keys.includes(alias) ? `use '${alias}' (tfjs logs accuracy as 'acc')` : `use one of ${keys.join(', ')}`;
  ctx.addIssue({ code: 'custom', path, message: `'${value}' is not logged by this config: ${hint}` });
}

export const TrainingConfigSchema = TrainingConfigObject.superRefine((config, ctx) => {
  if (config.class_weight && !isClassificationLoss(config.loss)) {
    ctx.addIssue({
      code: 'custom',
      path: ['class_weight'],
      message: `class weights need a classification loss, not '${config.loss}': set class_weight to null or use a cross-entropy loss`,
    });
  }
  if (config.early_stopping) checkMonitor(config.early_stopping.monitor, config, ['early_stopping', 'monitor'], ctx);
  if (config.lr_schedule.kind === 'reduce_on_plateau') checkMonitor(config.lr_schedule.monitor, config, ['lr_schedule', 'monitor'], ctx);
  if (new Set(config.metrics).size !== config.metrics.length) {
    ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'lists a metric twice: keep each metric once' });
  }
});

export type TrainingConfig = z.output<typeof TrainingConfigObject>;
/** What a user may write: every field with a default may be left out. */
export type TrainingConfigInput = z.input<typeof TrainingConfigObject>;

export function defaultTrainingConfig(): TrainingConfig {
  return TrainingConfigSchema.parse({});
}

export interface TrainingConfigIssue {
  /** Dotted path of the offending field, e.g. 'optimizer.learning_rate'; '' for the whole document. */
  path: string;
  message: string;
}

export type ParseTrainingConfigResult =
  | { ok: true; config: TrainingConfig }
  | { ok: false; issues: TrainingConfigIssue[]; /** One line per issue: "path: problem (received: value)". */ message: string };

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Validates a config given as a JSON string or an already parsed value. Missing fields take their defaults;
 * unknown fields are errors (a typo like `lerning_rate` must not be silently ignored).
 */
export function parseTrainingConfig(json: string | unknown): ParseTrainingConfigResult {
  let input: unknown = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json);
    } catch (e) {
      const issue = { path: '', message: `not valid JSON (${(e as Error).message}): fix the syntax of the config file` };
      return { ok: false, issues: [issue], message: issue.message };
    }
  }
  const result = TrainingConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'invalid_key') {
      message = `${issue.issues[0]?.message ?? 'invalid key'} (received: ${JSON.stringify(issue.path.at(-1))})`;
    } else if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove them or fix the spelling`;
    } else if (issue.code !== 'custom') {
      const received = valueAt(input, issue.path);
      if (received !== undefined) message += ` (received: ${JSON.stringify(received)})`;
    }
    return { path, message };
  });
  return { ok: false, issues, message: issues.map((i) => `${i.path || '(config)'}: ${i.message}`).join('\n') };
}
