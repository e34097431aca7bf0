/**
 * The training panel's settings: the run's config in shared/training's own type (TrainingConfig), whose fields the
 * panel's controls edit directly, plus what the user set in parts that are switched off now (another schedule
 * kind's parameters, early stopping while off, momentum while on Adam), kept so that switching back restores them.
 *
 * Every default is the config schema's. The panel starts elsewhere only where PANEL_DEFAULTS and SCHEDULE_DEFAULTS
 * say so, once each (test/components/training-defaults.test.ts fails if one of them repeats the schema's default).
 */
import type { OwnDatasetConfig } from '../../../shared/data-preprocessing';
import { isClassificationLoss } from '../../../shared/losses';
import {
  EarlyStoppingSchema,
  loggedMetricKeys,
  LrScheduleSchema,
  METRIC_NAMES,
  OptimizerSchema,
  TrainingConfigSchema,
  type EarlyStoppingConfig,
  type LossName,
  type LrScheduleConfig,
  type MetricName,
  type OptimizerName,
  type TrainingConfig,
  type TrainingConfigInput,
} from '../../../shared/training';
import { readLeniently } from './lenient';

/** The dataset picker's value for "Your data...": the draft's ownData then says which data. */
export const OWN_DATASET = '__own__';

export type ScheduleKind = LrScheduleConfig['kind'];
export const SCHEDULE_KINDS: readonly ScheduleKind[] = LrScheduleSchema.options.map((o) => o.shape.kind.value);

export type StopMode = EarlyStoppingConfig['mode'];
export const STOP_MODES: readonly StopMode[] = EarlyStoppingSchema.shape.mode.unwrap().options;

/** Where the panel starts away from the schema's defaults: a workshop's first run (SGD with momentum, one epoch on 2,000 samples) takes seconds. */
export const PANEL_DEFAULTS = {
  optimizer: { name: 'sgd', momentum: 0.9 },
  batch_size: 64,
  epochs: 1,
  limit_train: 2000,
} satisfies TrainingConfigInput;

/** Schedule parameters the panel offers away from Keras' defaults: reduce_on_plateau's patience of 10 outlasts a workshop run. */
export const SCHEDULE_DEFAULTS: { [K in ScheduleKind]?: Omit<Extract<TrainingConfigInput['lr_schedule'], { kind: K }>, 'kind'> } = {
  reduce_on_plateau: { patience: 3 },
};

/** What a regression loss logs until the user picks otherwise (a classification loss always logs accuracy). */
export const REGRESSION_METRICS: readonly MetricName[] = ['mae'];
const CLASSIFICATION_METRICS: readonly MetricName[] = ['accuracy'];

/** What the user set in parts of the panel that are switched off now. */
export interface KeptSettings {
  /** The parameters of schedule kinds other than the chosen one. */
  schedules: Partial<Record<ScheduleKind, LrScheduleConfig>>;
  /** Early stopping's settings while it is off. */
  earlyStopping: EarlyStoppingConfig;
  /** Every optimizer field last set (learning_rate, momentum...), carried to the next optimizer that has it. */
  optimizer: Record<string, unknown>;
  /** The regression metrics picked, while a classification loss logs accuracy. */
  regressionMetrics: MetricName[];
}

export interface TrainingDraft {
  /**
   * The run's settings as the panel edits them. Three fields read differently from the config a run gets
   * (runConfig): dataset.name is OWN_DATASET while "Your data..." is picked; limit_test null means auto (a fifth of
   * the training subset); a monitor the loss does not log stands for val_loss (kept for when it logs it again).
   */
  config: TrainingConfig;
  /** The user's own data as datasets.inspect described it (source, preprocessing record, fingerprint). */
  ownData: OwnDatasetConfig | null;
  kept: KeptSettings;
}

export { isClassificationLoss };

function defaultSchedule(kind: ScheduleKind): LrScheduleConfig {
  return LrScheduleSchema.parse({ kind, ...SCHEDULE_DEFAULTS[kind] });
}

export function defaultDraft(): TrainingDraft {
  return {
    config: TrainingConfigSchema.parse(PANEL_DEFAULTS),
    ownData: null,
    kept: { schedules: {}, earlyStopping: EarlyStoppingSchema.parse({}), optimizer: {}, regressionMetrics: [...REGRESSION_METRICS] },
  };
}

/** The schedule of `kind`: the one set before if the user switched away from it, else its defaults. */
export function chooseSchedule(draft: TrainingDraft, kind: ScheduleKind): void {
  const now = draft.config.lr_schedule;
  if (now.kind === kind) return;
  draft.kept.schedules = { ...draft.kept.schedules, [now.kind]: now };
  draft.config.lr_schedule = draft.kept.schedules[kind] ?? defaultSchedule(kind);
}

export function setEarlyStopping(draft: TrainingDraft, on: boolean): void {
  const now = draft.config.early_stopping;
  if (on && !now) draft.config.early_stopping = draft.kept.earlyStopping;
  if (!on && now) {
    draft.kept.earlyStopping = now;
    draft.config.early_stopping = null;
  }
}

/** Another optimizer, with the learning rate (and momentum, ...) carried over where it has them; its own defaults otherwise. */
export function chooseOptimizer(draft: TrainingDraft, name: OptimizerName): void {
  const memory = { ...draft.kept.optimizer, ...draft.config.optimizer };
  draft.kept.optimizer = memory;
  const fresh = OptimizerSchema.parse({ name });
  const next = OptimizerSchema.safeParse(readLeniently(OptimizerSchema, { ...memory, name }, fresh));
  draft.config.optimizer = next.success ? next.data : fresh;
}

/** Another loss: a classification loss logs accuracy; a regression loss the regression metrics picked before. */
export function chooseLoss(draft: TrainingDraft, loss: LossName): void {
  const c = draft.config;
  const was = isClassificationLoss(c.loss);
  const will = isClassificationLoss(loss);
  if (was && !will) c.metrics = [...draft.kept.regressionMetrics];
  if (!was && will) {
    draft.kept.regressionMetrics = c.metrics;
    c.metrics = [...CLASSIFICATION_METRICS];
  }
  c.loss = loss;
}

/** Ticks or unticks a regression metric; the list keeps the schema's order. */
export function setMetric(draft: TrainingDraft, metric: MetricName, on: boolean): void {
  const now = draft.config.metrics;
  draft.config.metrics = METRIC_NAMES.filter((m) => (m === metric ? on : now.includes(m)));
}

/** What a run with this loss logs besides the loss: accuracy for classification, else the metrics picked. */
function runMetrics(c: Pick<TrainingConfig, 'loss' | 'metrics'>): MetricName[] {
  return isClassificationLoss(c.loss) ? [...CLASSIFICATION_METRICS] : c.metrics.filter((m) => !CLASSIFICATION_METRICS.includes(m));
}

/** What a schedule or early stopping may watch with this loss and these metrics, validation keys first (the ones worth watching). */
export function monitorOptions(c: Pick<TrainingConfig, 'loss' | 'metrics'>): string[] {
  const keys = loggedMetricKeys({ metrics: runMetrics(c) });
  return [...keys.filter((k) => k.startsWith('val_')), ...keys.filter((k) => !k.startsWith('val_'))];
}

/** The monitor if this run logs it, else val_loss (which every run logs): e.g. after switching to an mse loss. */
export function effectiveMonitor(c: Pick<TrainingConfig, 'loss' | 'metrics'>, monitor: string): string {
  return monitorOptions(c).includes(monitor) ? monitor : 'val_loss';
}

/** Validation on a matching slice of the test split keeps a quick run quick: a fifth of the subset, at least 100. */
export function autoValidationLimit(limitTrain: number | null): number | null {
  return limitTrain === null ? null : Math.max(100, Math.round(limitTrain / 5));
}

/** The test-split samples a run validates on (null: all of them). */
export function validationLimit(c: Pick<TrainingConfig, 'limit_train' | 'limit_test'>): number | null {
  return c.limit_test ?? autoValidationLimit(c.limit_train);
}

/** What the panel says before training: how many samples the run will validate on, given the split's size. */
export function validationText(c: Pick<TrainingConfig, 'limit_train' | 'limit_test'>, testSplit: number | undefined): string {
  const asked = validationLimit(c);
  const from = testSplit === undefined ? 'the test split' : `the ${testSplit.toLocaleString('en-US')}-sample test split`;
  if (asked === null) return `all of ${from}`;
  return `${(testSplit === undefined ? asked : Math.min(asked, testSplit)).toLocaleString('en-US')} of ${from}`;
}

/** The own data a run of this draft trains on; null for a catalog dataset (or "Your data..." with none read yet). */
export function chosenOwnData(draft: TrainingDraft): OwnDatasetConfig | null {
  return draft.config.dataset.name === OWN_DATASET ? draft.ownData : null;
}

/** The config a run of this draft gets (and a project stores): the draft's, with the three readings it documents resolved. */
export function runConfig(draft: TrainingDraft): TrainingConfig {
  const c = draft.config;
  const own = chosenOwnData(draft);
  const watched = (monitor: string) => effectiveMonitor(c, monitor);
  return {
    ...c,
    dataset: own ?? c.dataset,
    // Own data validates on its own test split or Keras' validation_split (the last rows), as its card described.
    validation: !own ? c.validation : own.preprocessing.validation.kind === 'test-split' ? { kind: 'test' } : { kind: 'split', fraction: own.preprocessing.validation.fraction },
    limit_test: own ? null : validationLimit(c),
    metrics: runMetrics(c),
    lr_schedule: c.lr_schedule.kind === 'reduce_on_plateau' ? { ...c.lr_schedule, monitor: watched(c.lr_schedule.monitor) } : c.lr_schedule,
    early_stopping: c.early_stopping && { ...c.early_stopping, monitor: watched(c.early_stopping.monitor) },
  };
}
