/**
 * The window's document <-> project.json (shared/format, current version). Pure: the ProjectStore does the I/O.
 * Fields the window does not edit (created, notes, sweeps...) are carried over from the document that was opened,
 * so that a save from the window never drops what another tool wrote.
 */
import { CURRENT_FORMAT_VERSION, migrateProject, type ProjectJson, type Viewport } from '../../../../shared/format';
import type { Graph } from '../../../../shared/graph/types';
import { LOSS_NAMES, OPTIMIZER_NAMES, type LossName, type OptimizerName, type TrainingConfigInput } from '../../../../shared/training';
import { OwnDatasetConfigSchema } from '../../../../shared/data-preprocessing';
import {
  OWN_DATASET,
  SCHEDULE_KINDS,
  STOP_MODES,
  toConfig,
  validationLimit,
  type AugmentationForm,
  type EarlyStoppingForm,
  type RegressionMetricsForm,
  type ScheduleForm,
  type ScheduleKind,
  type StopMode,
  type TrainingForm,
} from '../../training/form';

export interface WindowDocument {
  name: string;
  graph: Graph;
  viewport: Viewport;
  form: TrainingForm;
}

/** What the renderer writes as appVersion when it creates a file itself (the backend's own files carry theirs). */
const RENDERER_APP_VERSION = '0.1.0';

export function toProjectJson(doc: WindowDocument, base: ProjectJson | null, now: Date = new Date()): ProjectJson {
  const stamp = now.toISOString();
  return {
    ...(base ?? {}),
    formatVersion: CURRENT_FORMAT_VERSION,
    appVersion: base?.appVersion ?? RENDERER_APP_VERSION,
    name: doc.name,
    created: base?.created ?? stamp,
    modified: stamp,
    graph: doc.graph,
    viewport: doc.viewport,
    training: toConfig(doc.form),
    dataset:
      doc.form.dataset === OWN_DATASET && doc.form.ownData
        ? { kind: 'file', path: doc.form.ownData.source.path, format: doc.form.ownData.source.kind }
        : { kind: 'builtin', id: doc.form.dataset },
    notes: base?.notes ?? '',
  };
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function atLeast(value: unknown, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The stored schedule's kind and parameters; the other kinds keep the fallback's, ready if the user switches. */
function scheduleFromConfig(value: unknown, fallback: ScheduleForm): ScheduleForm {
  const s = record(value);
  const kind = pick<ScheduleKind>(s.kind, SCHEDULE_KINDS, fallback.kind);
  const out: ScheduleForm = { ...fallback, kind };
  if (kind === 'step') {
    const f = fallback.step;
    out.step = { step_size: positive(s.step_size, f.step_size), gamma: positive(s.gamma, f.gamma) };
  } else if (kind === 'exponential') {
    const f = fallback.exponential;
    out.exponential = { decay_rate: positive(s.decay_rate, f.decay_rate), decay_steps: positive(s.decay_steps, f.decay_steps) };
  } else if (kind === 'cosine') {
    const f = fallback.cosine;
    out.cosine = { decay_steps: positive(s.decay_steps, f.decay_steps), alpha: atLeast(s.alpha, 0, f.alpha) };
  } else if (kind === 'reduce_on_plateau') {
    const f = fallback.reduce_on_plateau;
    out.reduce_on_plateau = {
      monitor: typeof s.monitor === 'string' && s.monitor ? s.monitor : f.monitor,
      factor: positive(s.factor, f.factor),
      patience: atLeast(s.patience, 0, f.patience),
      min_delta: atLeast(s.min_delta, 0, f.min_delta),
      min_lr: atLeast(s.min_lr, 0, f.min_lr),
    };
  }
  return out;
}

/** null or absent means off; the fallback's settings stay so that ticking the box again restores them. */
function earlyStoppingFromConfig(value: unknown, fallback: EarlyStoppingForm): EarlyStoppingForm {
  if (value === null || typeof value !== 'object') return { ...fallback, enabled: false };
  const e = record(value);
  return {
    enabled: true,
    monitor: typeof e.monitor === 'string' && e.monitor ? e.monitor : 'val_loss',
    patience: atLeast(e.patience, 0, 3),
    min_delta: atLeast(e.min_delta, 0, 0),
    mode: pick<StopMode>(e.mode, STOP_MODES, 'auto'),
    restore_best_weights: typeof e.restore_best_weights === 'boolean' ? e.restore_best_weights : false,
  };
}

/** Only a regression run's metrics are a choice (classification always logs accuracy); absent keeps the fallback's. */
function metricsFromConfig(value: unknown, fallback: RegressionMetricsForm): RegressionMetricsForm {
  if (!Array.isArray(value) || value.includes('accuracy')) return { ...fallback };
  return { mae: value.includes('mae'), mse: value.includes('mse') };
}

/** A stored limit_test as the form's field: null ("auto") where it is what auto gives for the subset. */
function storedValidation(stored: unknown, limit: number | null): number | null {
  if (typeof stored !== 'number' || stored < 1) return null;
  const n = Math.round(stored);
  return n === validationLimit({ limit, validationLimit: null }) ? null : n;
}

/** The panel's form from a stored training config; anything missing or unknown keeps the `fallback` form's value. */
export function formFromConfig(config: TrainingConfigInput, dataset: ProjectJson['dataset'], fallback: TrainingForm): TrainingForm {
  // Read field by field as plain JSON: a project's config is read leniently (shared/format), so any field may be off.
  const training = record(config);
  const optimizer = (training.optimizer ?? {}) as Record<string, unknown>;
  const ds = training.dataset as { name?: unknown } | undefined;
  const datasetName =
    typeof ds?.name === 'string' ? ds.name : dataset?.kind === 'builtin' ? dataset.id : fallback.dataset;
  const limit = training.limit_train;
  const aug = (training.augmentation ?? {}) as Record<string, unknown>;
  const range = (v: unknown, max: number, fallback: number) => (typeof v === 'number' && v >= 0 && v <= max ? v : fallback);
  const augmentation: AugmentationForm = {
    rotation: range(aug.rotation_range, 180, fallback.augmentation.rotation),
    widthShift: range(aug.width_shift_range, 1, fallback.augmentation.widthShift),
    heightShift: range(aug.height_shift_range, 1, fallback.augmentation.heightShift),
    zoom: range(aug.zoom_range, 1, fallback.augmentation.zoom),
    horizontalFlip: typeof aug.horizontal_flip === 'boolean' ? aug.horizontal_flip : fallback.augmentation.horizontalFlip,
    noise: range(aug.gaussian_noise, 1, fallback.augmentation.noise),
  };
  const own = OwnDatasetConfigSchema.safeParse(training.dataset);
  return {
    dataset: own.success ? OWN_DATASET : datasetName,
    ownData: own.success ? own.data : null,
    optimizer: pick<OptimizerName>(optimizer.name, OPTIMIZER_NAMES, fallback.optimizer),
    learningRate: positive(optimizer.learning_rate, fallback.learningRate),
    momentum: typeof optimizer.momentum === 'number' ? optimizer.momentum : fallback.momentum,
    loss: pick<LossName>(training.loss, LOSS_NAMES, fallback.loss),
    batchSize: positive(training.batch_size, fallback.batchSize),
    epochs: positive(training.epochs, fallback.epochs),
    limit: limit === null ? null : positive(limit, fallback.limit ?? 2000),
    validationLimit: storedValidation(training.limit_test, limit === null ? null : positive(limit, fallback.limit ?? 2000)),
    augmentation,
    schedule: scheduleFromConfig(training.lr_schedule, fallback.schedule),
    earlyStopping: earlyStoppingFromConfig(training.early_stopping, fallback.earlyStopping),
    metrics: metricsFromConfig(training.metrics, fallback.metrics),
  };
}

/** Reads project.json as the API returned it (any supported format version); throws with the file's problem. */
export function fromProjectJson(raw: unknown, fallback: TrainingForm): { doc: WindowDocument; project: ProjectJson } {
  const { project } = migrateProject(raw);
  return {
    project,
    doc: {
      name: project.name,
      graph: project.graph as Graph,
      viewport: project.viewport,
      form: formFromConfig(project.training, project.dataset, fallback),
    },
  };
}
