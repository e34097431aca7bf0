/**
 * The window's document <-> project.json (shared/format, current version). Pure: the ProjectStore does the I/O.
 * Fields the window does not edit (created, notes, sweeps...) are carried over from the document that was opened,
 * so that a save from the window never drops what another tool wrote.
 */
import { CURRENT_FORMAT_VERSION, migrateProject, type ProjectJson, type Viewport } from '../../../../shared/format';
import type { Graph } from '../../../../shared/graph/types';
import { LOSS_NAMES, OPTIMIZER_NAMES, type LossName, type OptimizerName } from '../../../../shared/training';
import { toConfig, type AugmentationForm, type TrainingForm } from '../../training/form';

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
    training: toConfig(doc.form) as unknown as ProjectJson['training'],
    dataset: { kind: 'builtin', id: doc.form.dataset },
    notes: base?.notes ?? '',
  };
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The panel's form from a stored training config; anything missing or unknown keeps the `fallback` form's value. */
export function formFromConfig(training: Record<string, unknown>, dataset: ProjectJson['dataset'], fallback: TrainingForm): TrainingForm {
  const optimizer = (training.optimizer ?? {}) as Record<string, unknown>;
  const ds = training.dataset as { name?: unknown } | undefined;
  const datasetName =
    typeof ds?.name === 'string' ? ds.name : dataset?.kind === 'builtin' ? dataset.id : fallback.dataset;
  const limit = training.limit_train;
  const aug = (training.augmentation ?? {}) as Record<string, unknown>;
  const range = (v: unknown, max: number, fallback: number) => (typeof v === 'number' && v >= 0 && v <= max ? v : fallback);
  const augmentation: AugmentationForm = {
    rotation: range(aug.rotation_range, 180, fallback.augmentation.rotation),
    shift: range(aug.width_shift_range, 1, fallback.augmentation.shift),
    zoom: range(aug.zoom_range, 1, fallback.augmentation.zoom),
    horizontalFlip: typeof aug.horizontal_flip === 'boolean' ? aug.horizontal_flip : fallback.augmentation.horizontalFlip,
    noise: range(aug.gaussian_noise, 1, fallback.augmentation.noise),
  };
  return {
    dataset: datasetName,
    optimizer: pick<OptimizerName>(optimizer.name, OPTIMIZER_NAMES, fallback.optimizer),
    learningRate: positive(optimizer.learning_rate, fallback.learningRate),
    momentum: typeof optimizer.momentum === 'number' ? optimizer.momentum : fallback.momentum,
    loss: pick<LossName>(training.loss, LOSS_NAMES, fallback.loss),
    batchSize: positive(training.batch_size, fallback.batchSize),
    epochs: positive(training.epochs, fallback.epochs),
    limit: limit === null ? null : positive(limit, fallback.limit ?? 2000),
    augmentation,
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
