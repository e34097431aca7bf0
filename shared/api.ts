/**
 * The one typed contract between the window and the backend: every request method (params schema + result type)
 * and every pushed event (payload schema). Handlers (main/service), the WebSocket client and the Electron preload
 * bridge (renderer/src/host) all derive their types from here, and every message is validated against these
 * schemas at the backend edge (main/service/handle.ts), whichever transport carried it.
 *
 * Objects are strict (an unknown field is an error, not silently dropped) and every string, array and record is
 * bounded, so an oversized or malformed message is refused before any handler sees it.
 */
import { z } from 'zod';
import { AugmentationSchema, TrainingConfigSchema } from './training';
import type { Graph } from './graph/types';
import type { EpochMetrics, RunEvent } from './run-events';
import type { SweepStatus } from './sweep/state';
import { API_LIMITS, Finite, GraphSchema, Id, JsonValue, Name, NonNegInt, Path, type Json, type RunStatus } from './api-base';
import type {
  TrainingActivations,
  TrainingConfusion,
  TrainingFilters,
  TrainingHistograms,
  TrainingNotice,
  TrainingProgress,
  TrainingWarning,
  ApiEvent,
  ApiEventPayload,
} from './api-events';

import { sweepParams, type SweepDetail, type SweepSummary } from './api-sweeps';
import { BrowseParamsSchema, InspectParamsSchema, type BrowseResult, type DatasetCard } from './api-own-data';
import { TextViewParamsSchema, type TextViewResult } from './api-text';

export * from './api-base';
export * from './api-events';
export * from './api-sweeps';
export * from './api-own-data';

const Empty = z.strictObject({});
const RunRef = z.strictObject({ runId: Id });

// ---------------------------------------------------------------------------------------------------------------
// Result types (produced by the backend, so typed rather than parsed)

export interface EngineInfo {
  /** The tfjs backend in use: 'tensorflow' (tfjs-node / -gpu), 'wasm' or 'cpu'. */
  backend: string;
  /** Better backends that were not used, best first, each with why (e.g. "tfjs-node-gpu: libcudart.so.11.0 not found"). */
  skipped: { backend: string; reason: string }[];
  /** What was found about GPUs/CUDA, one line each, with the fix when something is missing. */
  gpuNotes: string[];
}

export interface SystemInfo {
  appVersion: string;
  engine: EngineInfo;
  node: string;
  platform: string;
}

export interface DatasetSummary {
  name: string;
  title: string;
  description: string;
  sampleShape: number[];
  classNames: string[];
  splits: { train: number; test: number };
  /** Set for a regression dataset (boston-housing); classification otherwise. */
  task?: 'regression';
  /**
   * Word-id sequences (imdb, reuters): runs on it get the text view, and the window offers config.dataset.text
   * (shared/text/catalog-text.ts); these are its defaults where the config sets none.
   */
  text?: { num_words: number; sequence_length: number };
  /** All files are in the local cache (or a mirror) with the right checksums. */
  available: boolean;
}

export interface DatasetInfo extends DatasetSummary {
  license: string;
  citation: string;
  homepage: string;
  files: { name: string; bytes: number; present: boolean }[];
}

export interface DatasetPreview {
  name: string;
  split: 'train' | 'test';
  images: { index: number; label: number; className?: string; /** PNG, base64 */ png: string }[];
}

/** One completed epoch: every logged metric (train `loss`, `acc`..., validation `val_loss`, `val_acc`...). */
export type EpochRecord = Omit<EpochMetrics, 'type'>;

export interface RunSummary {
  runId: string;
  /** Its number in its project (#1, #2, ...), once stored there; stable across saves, reopening and restarts. */
  number?: number;
  name: string;
  status: RunStatus;
  /** Why the run failed or was stopped, when it did. */
  message?: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  config: TrainingConfigValue;
  history: EpochRecord[];
  /** Position in the queue (0 = next) while queued. */
  queuePosition?: number;
  /** Where the last checkpoint lies, when one was written. */
  checkpoint?: string;
  /**
   * The epoch whose weights the run keeps as its best by `monitor` (0-based, as `history[].epoch`; shown + 1), once
   * the run has stored weights; sameAsFinal: that epoch is the last, so its best and final weights are one set.
   */
  bestWeights?: RunBestWeights;
}

export interface RunBestWeights {
  epoch: number;
  monitor: string;
  value: number;
  sameAsFinal: boolean;
}

export interface RunDetail extends RunSummary {
  graph: Graph;
  lastProgress?: TrainingProgress;
  lastHistograms?: TrainingHistograms;
  lastEpoch?: EpochRecord;
  lastFilters?: TrainingFilters;
  lastActivations?: TrainingActivations;
  lastConfusion?: TrainingConfusion;
  warnings: TrainingWarning[];
  notices: TrainingNotice[];
}

/** A run's events (shared/run-events.ts, without run ids), in the order that rebuilds its dashboard. */
export interface RunTelemetry {
  runId: string;
  events: RunEvent[];
  /** The engine backend it trained on, when known. */
  backend?: string;
}

/** One entry of a folder listing (files.list): sub-folders, projects and model files only. */
export interface FolderEntry {
  name: string;
  kind: 'folder' | 'project' | 'model';
}

export interface FolderListing {
  /** The folder listed, absolute on the backend machine. */
  path: string;
  /** Its parent, when the server may use it (null at a --root folder or the file system's root). */
  parent: string | null;
  /** Folders first, then files, each by name; at most API_LIMITS.folderEntries. */
  entries: FolderEntry[];
  /** More entries were left out. */
  truncated: boolean;
}

export interface PredictResult {
  probabilities: number[];
  classNames?: string[];
  /** Index of the most probable class. */
  predicted: number;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

/** Unsaved changes a process that is gone left in the recovery folder (projects.recoverable). */
export interface RecoverableProject {
  id: string;
  name: string;
  /** The file they are changes of; null for an Untitled project (its runs come back with it). */
  originalPath: string | null;
  /** When they were written (ISO time). */
  savedAt: string;
}

export interface ProjectResult {
  path?: string;
  /** project.json of the document (shared/format ProjectJson, current format version). */
  project: Json;
  /** Summaries of the runs stored in the file (main/projects listRuns). */
  runs?: Json;
  /** An import with weights: the Untitled project's recovery store holding run "imported" (pass it to the first save). */
  recoveryId?: string;
}

/** What export.run writes; tensorboard: a run's (or a project's runs') logs for `tensorboard --logdir`. */
export const EXPORT_FORMATS = ['tfjs', 'keras', 'pytorch', 'tensorboard'] as const;
export type ApiExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  format: ApiExportFormat;
  outDir: string;
  /** Paths relative to outDir, in the order written. */
  files: string[];
  /** What the user should know, e.g. that no weights were given. */
  notes: string[];
  /** Files that were in the folder before (an earlier export of the same project, or force) and were replaced. */
  replaced: string[];
}

type TrainingConfigValue = z.infer<typeof TrainingConfigSchema>;

/** `method<Result>()(paramsSchema, summary)`: the result type is carried as a phantom field for type derivation. */
function method<R>() {
  return <P extends z.ZodType>(params: P, summary: string): { params: P; summary: string; result?: R } => ({ params, summary });
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

/**
 * project.json as the window sends it: a JSON object that the projects module validates and migrates itself. Its
 * graph is held to the graph methods' bounds (API_LIMITS.graphNodes / graphEdges) instead of the 256 items that
 * JsonValue allows an array, so that a window can save any graph it can train; everything else stays JsonValue.
 */
const ProjectDoc = z
  .object({ graph: GraphSchema.optional() })
  .catchall(JsonValue)
  .refine((r) => Object.keys(r).length <= API_LIMITS.configKeys, { message: `expected at most ${API_LIMITS.configKeys} keys` });

export const apiMethods = {
  'system.info': method<SystemInfo>()(Empty, 'App version, engine backend in use and why better ones were skipped'),

  'datasets.list': method<{ datasets: DatasetSummary[] }>()(Empty, 'Built-in datasets and whether they are local'),
  'datasets.info': method<DatasetInfo>()(
    z.strictObject({ name: Name }),
    'One dataset: files, license, citation',
  ),
  'datasets.preview': method<DatasetPreview>()(
    z.strictObject({
      name: Name,
      split: z.enum(['train', 'test']).default('train'),
      offset: NonNegInt.max(10_000_000).default(0),
      count: z.int().min(1).max(API_LIMITS.previewCount).default(16),
      /** Show the samples as training sees them with these augmentations (seeded, so a preview can be repeated). */
      augmentation: AugmentationSchema.optional(),
      seed: z.int().min(0).max(2 ** 31 - 1).optional(),
    }),
    'Sample images as PNG (base64) with labels, optionally augmented',
  ),
  'datasets.fetch': method<DatasetInfo>()(
    z.strictObject({ name: Name }),
    'Download (or copy from a mirror) and verify a dataset; progress as datasets.progress events',
  ),

  'datasets.inspect': method<DatasetCard>()(
    InspectParamsSchema,
    "The user's own data at a path (image folder, CSV, .npz/.npy, IDX folder): its card (splits, classes or target, features, preview) and the config.dataset to train on it",
  ),
  'datasets.browse': method<BrowseResult>()(BrowseParamsSchema, 'Files and folders at a path inside the allowed folders (default: the base folder), for picking data'),

  'training.start': method<{ runId: string; status: RunStatus; recoveryId?: string }>()(
    z.strictObject({
      graph: GraphSchema,
      config: TrainingConfigSchema,
      name: Name.optional(),
      projectPath: Path.optional(),
      recoveryId: Id.optional(),
      /** Fine-tuning: start from this run's trained weights (matched by layer and weight name, shapes checked) instead of fresh ones. */
      initFrom: Id.optional(),
    }),
    'Validate the graph and queue a run (with initFrom: starting from that run\'s trained weights); refused with the node errors when the graph is invalid. The run is stored in its project as it happens (history after every epoch, weights when it ends): in the file projectPath, else in the Untitled project\'s recovery store recoveryId (a new one when not given, returned as recoveryId), whose runs move into the file at its first save',
  ),
  'training.pause': method<RunSummary>()(RunRef, 'Pause between batches'),
  'training.resume': method<RunSummary>()(RunRef, 'Resume a paused run'),
  'training.stop': method<RunSummary>()(RunRef, 'Stop between batches, keeping the weights trained so far'),
  'training.list': method<{ runs: RunSummary[] }>()(
    z.strictObject({ projectPath: Path.optional(), recoveryId: Id.optional() }),
    'The runs of one project (its file projectPath, or an Untitled project\'s recovery store recoveryId), or without either every run, with status, config and metric history',
  ),
  'training.get': method<RunDetail>()(RunRef, 'One run in full, with its graph and last telemetry'),
  'training.telemetry': method<RunTelemetry>()(
    RunRef,
    'Everything a run has shown (per-batch points, every epoch\'s metrics, histograms, filters, activations, confusion, warnings) as the events that rebuild its dashboard with applyRunEvent: a live run\'s so far, a stored run\'s from its project file',
  ),
  'training.probe': method<TrainingActivations>()(
    z.strictObject({ runId: Id, index: NonNegInt }),
    'Every layer\'s output for validation image `index` (the test split) with the run\'s weights: the activation probe the user picks',
  ),
  'training.predict': method<PredictResult>()(
    z.strictObject({
      runId: Id,
      input: z.strictObject({
        /** Raw values as the dataset stores them (0..255 for images), row-major, channels last. */
        pixels: z.array(Finite).min(1).max(API_LIMITS.predictValues),
        /** One sample's shape, e.g. [28, 28, 1]. */
        shape: z.array(z.int().min(1).max(4096)).min(1).max(4),
      }),
    }),
    'Class probabilities for one input with the run’s current weights',
  ),
  'training.text': method<TextViewResult>()(
    TextViewParamsSchema,
    'For a run trained on text: a sentence classified through its stored vocabulary, validation samples decoded to words, the words nearest to one in its Embedding (cosine)',
  ),

  'projects.new': method<ProjectResult>()(
    z.strictObject({ template: Id.optional(), name: Name.optional() }),
    'A new project, empty or from a template',
  ),
  'projects.open': method<ProjectResult>()(z.strictObject({ path: Path }), 'Open a project file'),
  'projects.save': method<{ path: string }>()(
    z.strictObject({ path: Path, project: ProjectDoc, recoveryId: Id.optional(), autosaveId: Id.optional() }),
    'Save a project to its file (with recoveryId: the Untitled project\'s runs move from its recovery store into the file; with autosaveId: its autosaved edits are removed)',
  ),
  'projects.saveAs': method<{ path: string }>()(
    /** force: replace an existing file that is not a Layerlab project (refused with 'conflict' otherwise: the window asks first). */
    z.strictObject({ path: Path, project: ProjectDoc, force: z.boolean().optional(), recoveryId: Id.optional(), autosaveId: Id.optional() }),
    'Save a project under a new path (with recoveryId: the Untitled project\'s runs move from its recovery store into the file)',
  ),
  'files.list': method<FolderListing>()(
    z.strictObject({ path: Path.optional() }),
    "A folder's sub-folders, projects (.layerlab) and models (.json) on the backend machine, for the window's file browser; confined like every other path (layerlab serve --root). Without path: the server's base folder",
  ),
  'projects.listRecent': method<{ recent: RecentProject[] }>()(Empty, 'Recently opened projects'),
  'projects.autosave': method<{ autosaveId: string }>()(
    /** path: the file these are unsaved changes of (absent or null: Untitled); autosaveId: the entry from the last call. */
    z.strictObject({ project: ProjectDoc, path: Path.nullable().optional(), autosaveId: Id.optional() }),
    'Keep the window\'s unsaved edits in the recovery folder (written after a short pause); a save removes them, a crash or restart offers them back (projects.recoverable)',
  ),
  'projects.recoverable': method<{ entries: RecoverableProject[] }>()(Empty, 'Unsaved changes left in the recovery folder by a window or server that is gone, newest first'),
  'projects.recover': method<ProjectResult & { autosaveId: string; recoveryId?: string }>()(
    z.strictObject({ id: Id }),
    'Reopen unsaved changes (an entry of projects.recoverable): project.json with path = the file they belong to, or recoveryId for an Untitled project with its runs',
  ),
  'projects.discardRecovery': method<{ discarded: boolean }>()(z.strictObject({ id: Id }), 'Delete unsaved changes from the recovery folder'),
  'projects.import': method<ProjectResult>()(
    z.strictObject({ path: Path }),
    'Import a model (Keras JSON, tfjs model.json, project archive) as a new project',
  ),

  'sweeps.start': method<{ sweepId: string; status: SweepStatus; recoveryId?: string }>()(
    sweepParams.start,
    'Start a hyperparameter sweep over the graph (one at a time); its trials are normal runs of the run queue. Progress as sweeps.status and sweeps.trial events',
  ),
  'sweeps.pause': method<SweepSummary>()(sweepParams.ref, 'Pause the running sweep: its training trial pauses, no new trial starts'),
  'sweeps.resume': method<SweepSummary>()(
    sweepParams.find,
    'Resume a paused sweep, or continue a stopped or stored one (after a restart) with the trials that have not ended',
  ),
  'sweeps.stop': method<SweepSummary>()(sweepParams.ref, 'Stop the sweep: its training trial stops and stays pending, to run again on resume'),
  'sweeps.list': method<{ sweeps: SweepSummary[] }>()(sweepParams.list, 'The sweeps of one project (its file projectPath, or an Untitled project\'s recovery store recoveryId), or without either every sweep of this service and its sweep folder'),
  'sweeps.get': method<SweepDetail>()(sweepParams.find, 'One sweep in full: config, trials with values, status, metric history, durations, ranking'),

  'export.run': method<ExportResult>()(
    z.strictObject({
      /**
       * tfjs: model.json + weights; keras: a Python tf.keras program (+ weights); pytorch: a PyTorch program;
       * tensorboard: the run's scalars, weight histograms and filter pictures (TensorBoard event files).
       */
      format: z.enum(EXPORT_FORMATS),
      graph: GraphSchema,
      /** Export this run's trained weights and training settings: from its worker while loaded, else from the project file it was stored in. */
      runId: Id.optional(),
      /** tensorboard without runId: every run stored in this project file, its sweeps' trials in the HParams tab. */
      project: Path.optional(),
      /** Output folder. */
      path: Path,
      /** keras only: tf.distribute strategy of the script, and a SLURM job file. */
      strategy: z.enum(['none', 'mirrored', 'multiworker']).optional(),
      slurm: z.boolean().optional(),
      /** The project (file path or name) the graph belongs to: a folder holding an earlier export of it may be replaced. */
      origin: z.string().min(1).max(4096).optional(),
      /** Write into a non-empty folder that holds no earlier export of this project. */
      force: z.boolean().optional(),
      /** Which of the run's weights: its final ones (the default) or its best epoch's (RunSummary.bestWeights). */
      weights: z.enum(['final', 'best']).optional(),
    }).refine((p) => p.weights !== 'best' || (p.runId !== undefined && p.format !== 'tensorboard'), {
      path: ['weights'],
      message: "'best' needs a runId and a model format (tfjs, keras, pytorch): TensorBoard logs show the whole run",
    }),
    'Export the model (and trained weights of a run, final or its best epoch\'s) to a new or empty folder, or over an earlier export of the same project',
  ),
} as const;

export type ApiMethod = keyof typeof apiMethods;
/** What a caller passes (defaults may be omitted). */
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiMethods)[M]['params']>;
/** What a handler receives (defaults filled in). */
export type ApiParsedParams<M extends ApiMethod> = z.output<(typeof apiMethods)[M]['params']>;
export type ApiResult<M extends ApiMethod> = NonNullable<(typeof apiMethods)[M]['result']>;
export const API_METHODS = Object.keys(apiMethods) as ApiMethod[];

// ---------------------------------------------------------------------------------------------------------------
// Wire messages (WebSocket JSON; the Electron IPC carries the same objects)

export type ApiErrorCode =
  | 'bad-message' // not JSON, or not a {id, method, params} object
  | 'too-large'
  | 'unknown-method'
  | 'invalid-params'
  | 'invalid-graph'
  | 'not-found'
  | 'conflict' // e.g. pausing a run that is not running
  | 'unavailable' // the feature's backend part is not installed/available here
  | 'forbidden' // a path outside the folders the server may use (layerlab serve --root)
  | 'internal';

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** For invalid-params: each problem with its path; for invalid-graph: the graph errors. */
  details?: unknown;
}

/** Thrown by handlers; the transport turns it into {id, error}. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export type RequestId = string | number;
export interface ApiRequest<M extends ApiMethod = ApiMethod> {
  id: RequestId;
  method: M;
  params?: ApiParams<M>;
}
export type ApiResponse =
  | { id: RequestId | null; result: unknown }
  | { id: RequestId | null; error: ApiErrorBody };
export interface ApiEventMessage<E extends ApiEvent = ApiEvent> {
  event: E;
  payload: ApiEventPayload<E>;
}

export const RequestEnvelopeSchema = z.strictObject({
  id: z.union([z.string().min(1).max(API_LIMITS.id), z.int().min(0).max(Number.MAX_SAFE_INTEGER)]),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

export type ValidationResult<M extends ApiMethod = ApiMethod> =
  | { ok: true; method: M; params: ApiParsedParams<M> }
  | { ok: false; error: ApiErrorBody };

/** A path like `config.epochs` or `graph.nodes[3].id`, for messages. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(params)';
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}

/**
 * Checks a method name and its params against the contract. Errors say which method is unknown (and list the
 * known ones), or which field is wrong and what was expected.
 */
export function validateRequest(method: string, params: unknown): ValidationResult {
  if (!isApiMethod(method)) {
    const shown = method.length > 64 ? `${method.slice(0, 64)}…` : method;
    return {
      ok: false,
      error: {
        code: 'unknown-method',
        message: `unknown method '${shown}'. Known methods: ${API_METHODS.join(', ')}.`,
      },
    };
  }
  const schema = apiMethods[method].params as z.ZodType;
  const parsed = schema.safeParse(params === undefined ? {} : params);
  if (parsed.success) return { ok: true, method, params: parsed.data as ApiParsedParams<typeof method> };
  const problems = parsed.error.issues.slice(0, 20).map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const lines = problems.map((p) => `${p.path}: ${p.message}`);
  const more = parsed.error.issues.length > problems.length ? ` (and ${parsed.error.issues.length - problems.length} more)` : '';
  return {
    ok: false,
    error: {
      code: 'invalid-params',
      message: `${method}: invalid params: ${lines.join('; ')}${more}.`,
      details: problems,
    },
  };
}

// Keeps the wire schema and shared/graph's Graph type in step: this line stops compiling when they drift apart.
export const GRAPH_SCHEMA_MATCHES_GRAPH_TYPE: z.infer<typeof GraphSchema> extends Graph ? true : never = true;
// And every edge field the graph has crosses the wire: an edge field missing from the strict schema (sourceIndex, an
// LSTM state's output) would be refused at the backend's edge.
export const GRAPH_EDGE_FIELDS_CROSS_THE_WIRE: [Exclude<keyof Graph['edges'][number], keyof z.infer<typeof GraphSchema>['edges'][number]>] extends [never] ? true : never = true;

