/**
 * The project service: the one set of operations the API, the CLI and the Electron menus use on projects.
 * A ProjectDocument is held by the caller; operations mutate it in place and return it (the main process owns one
 * per open window; the renderer receives copies through the API).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  CURRENT_FORMAT_VERSION,
  bestMetrics,
  type DatasetRef,
  type EpochMetrics,
  type RunJson,
  type StoredTelemetry,
  type RunStatus,
  type RunTrainer,
} from '../../shared/format';
import type { Graph } from '../../shared/graph/types';
import { getTemplate, templates } from '../../shared/templates';
import { defaultTrainingConfig, parseTrainingConfig, type TrainingConfig, type TrainingConfigInput, type TrainingConfigIssue } from '../../shared/training';
import { APP_VERSION } from './app-version';
import { readProjectFile, readRunWeights } from './file';
import { keepStoredRuns, updateProjectFile } from './writer';
import { importModelFile, type ImportOptions } from './import';
import { runNumbers } from './run-numbers';
import type { ProjectDocument, ProjectRun, StoredWeights } from './types';

export const PROJECT_EXTENSION = '.layerlab';
export const BLANK_TEMPLATE_ID = 'blank';

/** `layerlab new PATH`: PATH.layerlab, or PATH itself when it already ends in .layerlab. */
export function projectPathFor(path: string): string {
  return path.toLowerCase().endsWith(PROJECT_EXTENSION) ? path : `${path}${PROJECT_EXTENSION}`;
}

export function templateIds(): string[] {
  return [BLANK_TEMPLATE_ID, ...templates.map((t) => t.id)];
}

export interface CreateOptions {
  name: string;
  /** A template id of shared/templates, or 'blank' (the default): an empty graph. */
  templateId?: string;
  now?: Date;
}

export function createProject(options: CreateOptions): ProjectDocument {
  const templateId = options.templateId ?? BLANK_TEMPLATE_ID;
  let graph: Graph = { nodes: [], edges: [] };
  let dataset: DatasetRef | null = null;
  let notes = '';
  let training: TrainingConfigInput = defaultTrainingConfig();
  if (templateId !== BLANK_TEMPLATE_ID) {
    const template = getTemplate(templateId);
    if (!template) throw new Error(`Unknown template '${templateId}': use one of ${templateIds().join(', ')}.`);
    graph = structuredClone(template.graph);
    dataset = { kind: 'builtin', id: template.dataset };
    notes = `${template.title}: ${template.description}`;
    if (template.training) training = { ...training, ...structuredClone(template.training) };
  }
  const now = (options.now ?? new Date()).toISOString();
  return {
    path: null,
    project: {
      formatVersion: CURRENT_FORMAT_VERSION,
      appVersion: APP_VERSION,
      name: options.name,
      created: now,
      modified: now,
      graph,
      viewport: { x: 0, y: 0, zoom: 1 },
      training,
      dataset,
      notes,
    },
    runs: [],
  };
}

export interface OpenedProject {
  doc: ProjectDocument;
  graph: Graph;
  /** The project's training config, validated by shared/training; null when it does not validate. */
  config: TrainingConfig | null;
  /** Why `config` is null (the project still opens, so the user can fix the config). */
  configIssues: TrainingConfigIssue[];
}

/** Everything `layerlab train FILE` / `summary FILE` need, in one call. Throws ProjectFileError. */
export async function openProject(path: string): Promise<OpenedProject> {
  const doc = await readProjectFile(path);
  const parsed = parseTrainingConfig(doc.project.training);
  return {
    doc,
    graph: doc.project.graph,
    config: parsed.ok ? parsed.config : null,
    configIssues: parsed.ok ? [] : parsed.issues,
  };
}

/**
 * Saves to `path` (atomically, under the file's lock; the previous version stays as `<path>.bak`) and makes it the
 * document's path. Saving over the document's own file keeps the runs and sweeps other writers stored there since
 * it was read (writer.ts); Save As onto another file replaces that file's content.
 */
export async function saveProjectAs(doc: ProjectDocument, path: string, now = new Date()): Promise<ProjectDocument> {
  const sameFile = doc.path !== null && resolve(doc.path) === resolve(path);
  return updateProjectFile(path, (onDisk) => (sameFile ? keepStoredRuns(doc, onDisk) : doc), { now });
}

export interface NewRun {
  /** Default: a new unique id. The run manager passes its live run's id, so the stored entry keeps it. */
  id?: string;
  name?: string;
  status: RunStatus;
  /** The training config the run used. */
  config: TrainingConfigInput;
  /** The graph that was trained (a snapshot; later edits of the project do not change it). */
  graph: Graph;
  history: EpochMetrics[];
  telemetry?: Record<string, unknown>;
  /** Everything the run's dashboard showed (runs/<id>/telemetry.json.gz). */
  storedTelemetry?: StoredTelemetry;
  durationSeconds: number;
  weights?: StoredWeights | null;
  /** The best epoch by the run's monitor; `weights` null: the final weights are that epoch's (nothing copied). */
  best?: { epoch: number; monitor: string; value: number; weights: StoredWeights | null } | null;
  error?: string;
  created?: Date;
  /** The process training it, for a `running` run (trainer.ts). */
  trainer?: RunTrainer;
}

/** Adds a run (kept in memory until the next save) and returns it; its best metrics are computed here. */
export function addRun(doc: ProjectDocument, run: NewRun): ProjectRun {
  const created = run.created ?? new Date();
  const id = run.id ?? `run-${created.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const number = nextRunNumber(doc);
  const meta: RunJson = {
    id,
    number,
    name: run.name ?? `Run ${number}`,
    status: run.status,
    created: created.toISOString(),
    config: structuredClone(run.config),
    graph: structuredClone(run.graph),
    history: structuredClone(run.history),
    best: bestMetrics(run.history),
    ...(run.telemetry ? { telemetry: run.telemetry } : {}),
    durationSeconds: run.durationSeconds,
    hasWeights: Boolean(run.weights),
    ...(run.best && run.weights ? { bestWeights: { epoch: run.best.epoch, monitor: run.best.monitor, value: run.best.value, stored: run.best.weights !== null } } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.status === 'running' && run.trainer ? { trainer: run.trainer } : {}),
  };
  const added: ProjectRun = {
    meta,
    weights: run.weights ? { kind: 'memory', weights: run.weights } : null,
    bestWeights: run.weights && run.best?.weights ? { kind: 'memory', weights: run.best.weights } : null,
    telemetry: run.storedTelemetry ? { kind: 'memory', telemetry: run.storedTelemetry } : null,
  };
  doc.runs.push(added);
  return added;
}

/** The number the next run of `doc` gets: one more than any run's number so far. */
export function nextRunNumber(doc: ProjectDocument): number {
  return Math.max(0, ...runNumbers(doc.runs.map((r) => r.meta))) + 1;
}

export interface RunSummary {
  id: string;
  number: number;
  name: string;
  status: RunStatus;
  created: string;
  epochs: number;
  best: Record<string, number | null>;
  durationSeconds: number;
  hasWeights: boolean;
  /** The best epoch (1-based, as shown) whose weights the run keeps, by which metric; absent: none kept (older runs). */
  bestWeights?: { epoch: number; monitor: string; value: number; sameAsFinal: boolean };
}

export function listRuns(doc: ProjectDocument): RunSummary[] {
  const numbers = runNumbers(doc.runs.map((r) => r.meta));
  return doc.runs.map(({ meta, weights }, i) => ({
    id: meta.id,
    number: numbers[i]!,
    name: meta.name,
    status: meta.status,
    created: meta.created,
    epochs: meta.history.length,
    best: meta.best,
    durationSeconds: meta.durationSeconds,
    hasWeights: weights !== null,
    ...(meta.bestWeights && weights !== null
      ? { bestWeights: { epoch: meta.bestWeights.epoch + 1, monitor: meta.bestWeights.monitor, value: meta.bestWeights.value, sameAsFinal: !meta.bestWeights.stored } }
      : {}),
  }));
}

/**
 * One run's weights, read from the file on demand (or from memory for a run not saved yet): the final ones, or its
 * best epoch's (the final ones when that epoch was the last).
 */
export async function loadRunWeights(doc: ProjectDocument, runId: string, which: 'final' | 'best' = 'final'): Promise<StoredWeights> {
  const run = doc.runs.find((r) => r.meta.id === runId);
  if (!run) throw new Error(`No run '${runId}' in this project; its runs are: ${doc.runs.map((r) => r.meta.id).join(', ') || 'none'}.`);
  if (!run.weights) throw new Error(`Run '${runId}' has no stored weights (status ${run.meta.status}).`);
  if (which === 'best') {
    if (!run.meta.bestWeights) throw new Error(`Run '${runId}' has no best weights (it was trained before runs kept them): use its final weights.`);
    const best = run.meta.bestWeights.stored ? run.bestWeights : run.weights;
    if (!best) throw new Error(`Run '${runId}' says it has best weights, but they are not loaded: reopen the project.`);
    return best.kind === 'memory' ? best.weights : readRunWeights(best.path, best.runId, run.meta.bestWeights.stored ? 'best' : 'final');
  }
  return run.weights.kind === 'memory' ? run.weights.weights : readRunWeights(run.weights.path, run.weights.runId);
}

/**
 * A TF.js model.json (weights beside it) or a Keras model-config JSON as a new, unsaved project. A .layerlab file
 * is opened as an unsaved copy (its path is cleared, so Save asks for a new name).
 */
export async function importModel(path: string, options?: ImportOptions): Promise<ProjectDocument> {
  if (path.toLowerCase().endsWith(PROJECT_EXTENSION)) {
    const doc = await readProjectFile(path);
    doc.path = null;
    return doc;
  }
  return importModelFile(path, options);
}

