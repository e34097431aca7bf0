/**
 * The current (v3) layout of a `.layerlab` project file's JSON documents: `project.json` and each
 * `runs/<id>/run.json`. Pure zod, no Node: the renderer validates with the same schemas.
 */
import { z } from 'zod';
import type { TrainingConfigInput } from '../training';

/**
 * The format version a file declares is the only thing an older Layerlab checks before it refuses what it does not
 * know: its reader refuses unknown entries (a damaged name must not make a run vanish, main/projects/file.ts) and
 * drops unknown run.json fields. So anything an older reader would refuse or drop bumps the version; the older
 * build then says "format version N ... open it with a newer Layerlab" instead of calling the file damaged, and
 * never re-saves it without what it cannot see.
 * v3: runs/<id>/best-weights.bin with run.json `bestWeights`, runs/<id>/telemetry.json.gz with `hasTelemetry`, run
 * `number`, and the `running`/`interrupted` statuses with `trainer` (the last ones were written as v2 for a while:
 * v2 readers refuse those files with "unexpected entry" or a status error, v3 files with the version message).
 */
export const CURRENT_FORMAT_VERSION = 3;

/** Run ids become zip folder names (`runs/<id>/`), so they are limited to characters safe in any path. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, "_" or "-" (it names the run\'s folder in the file)');

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const positionSchema = z.object({ x: finite, y: finite });

export const graphNodeSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  position: positionSchema.optional(),
  /** A nested model's layer (shared/graph/types NodeGroup). */
  group: z.object({ id: z.string().min(1), model: z.enum(['Sequential', 'Functional']), trainable: z.boolean() }).optional(),
});

export const graphEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  targetIndex: z.number().int().nonnegative().optional(),
  /** Which output of a multi-output layer (an LSTM's h with return_state); absent: the first. */
  sourceIndex: z.number().int().nonnegative().optional(),
});

export const graphSchema = z
  .object({ nodes: z.array(graphNodeSchema), edges: z.array(graphEdgeSchema) })
  .superRefine((graph, ctx) => {
    const ids = new Set<string>();
    graph.nodes.forEach((node, i) => {
      if (ids.has(node.id)) {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id '${node.id}': every node needs its own id` });
      }
      ids.add(node.id);
    });
    graph.edges.forEach((edge, i) => {
      for (const end of ['source', 'target'] as const) {
        if (!ids.has(edge[end])) {
          ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `edge ${end} '${edge[end]}' is not a node of the graph` });
        }
      }
    });
  });

export const viewportSchema = z.object({ x: finite, y: finite, zoom: finite.refine((z) => z > 0, 'expected zoom > 0') });

/**
 * Which data the project trains on. `builtin` names a dataset of the catalog (e.g. 'mnist'); `file` a user's file or
 * folder, stored as given (absolute, or relative to the project file).
 */
export const datasetRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), id: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }),
  z.object({ kind: z.literal('file'), path: z.string().min(1), format: z.string().optional(), options: z.record(z.string(), z.unknown()).optional() }),
]);

/**
 * Training config: owned by shared/training.ts, stored as its input (fields with defaults may be left out). Read
 * leniently, any JSON object, so that a project written by an older or newer Layerlab still opens (migrations.ts
 * upgrades old ones); a run validates it strictly (parseTrainingConfig) when it starts, naming any bad field.
 */
export const trainingConfigSchema = z.custom<TrainingConfigInput>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected the training config as a JSON object (see shared/training.ts)',
);

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time');

export const sweepSchema = z.object({
  id: runIdSchema,
  name: z.string(),
  created: isoDate,
  /** Parameter grid or search space, as the sweep engine writes it. */
  space: z.record(z.string(), z.unknown()),
  runIds: z.array(runIdSchema),
});

export const projectSchema = z.object({
  formatVersion: z.literal(CURRENT_FORMAT_VERSION),
  /** The Layerlab version that wrote the file (informational; the format version decides compatibility). */
  appVersion: z.string(),
  name: z.string(),
  created: isoDate,
  modified: isoDate,
  graph: graphSchema,
  viewport: viewportSchema,
  training: trainingConfigSchema,
  dataset: datasetRefSchema.nullable(),
  notes: z.string(),
  sweeps: z.array(sweepSchema).optional(),
});

export const metricsSchema = z.record(z.string(), z.number().nullable());

export const epochMetricsSchema = z.object({
  epoch: z.number().int().nonnegative(),
  /** e.g. {loss, acc, val_loss, val_acc}; null where a value was NaN (JSON has no NaN). */
  metrics: metricsSchema,
  /** Seconds since the run started, when this epoch ended. */
  time: z.number().nonnegative().optional(),
});

/**
 * `running`: a process is training it now (see `trainer`). `interrupted`: its process died mid-training (killed,
 * crashed, power cut); it has the epochs and the checkpoint it had stored, and resumes from there.
 */
export const runStatusSchema = z.enum(['completed', 'early-stopped', 'stopped', 'failed', 'imported', 'running', 'interrupted']);

/** The process that trains a `running` run, so that a reader can tell a live run from one whose process died. */
export const runTrainerSchema = z.object({ pid: z.number().int().positive(), host: z.string() });

export const runSchema = z.object({
  id: runIdSchema,
  /**
   * The run's number in its project (#1, #2, ...), given once when the run is first stored and kept through saves,
   * reopening and moving from the recovery folder into the file. Absent in files written before it existed.
   */
  number: z.number().int().positive().optional(),
  name: z.string(),
  status: runStatusSchema,
  created: isoDate,
  /** Training config as it was when the run started. */
  config: trainingConfigSchema,
  /** The graph that was trained, so a run stays meaningful after the project's graph is edited. */
  graph: graphSchema,
  history: z.array(epochMetricsSchema),
  best: metricsSchema,
  /** Small summaries only (final histograms' quantiles, confusion matrix...), never raw tensors. */
  telemetry: z.record(z.string(), z.unknown()).optional(),
  durationSeconds: z.number().nonnegative(),
  /** Whether runs/<id>/model.json + weights.bin are in the file. */
  hasWeights: z.boolean(),
  /**
   * The run's best epoch (0-based) by `monitor` (early stopping's, else val_loss, else loss), whose weights are
   * runs/<id>/best-weights.bin (read with the run's model.json) when `stored`; not stored: the final weights are
   * the best epoch's. Absent in files written before runs kept their best weights.
   */
  bestWeights: z.object({ epoch: z.number().int().nonnegative(), monitor: z.string(), value: z.number(), stored: z.boolean() }).optional(),
  /**
   * Whether runs/<id>/telemetry.json.gz (shared/format/telemetry.ts: everything the run's dashboard showed) is in
   * the file. Absent in files written before runs stored their telemetry: such runs reopen with their history only.
   */
  hasTelemetry: z.boolean().optional(),
  error: z.string().optional(),
  /** Only while `status` is `running`: the process training it (a run whose trainer is gone reads as interrupted). */
  trainer: runTrainerSchema.optional(),
});

/** @public */
export type Position = z.infer<typeof positionSchema>;
export type Viewport = z.infer<typeof viewportSchema>;
export type DatasetRef = z.infer<typeof datasetRefSchema>;
/** @public */
export type TrainingConfigJson = z.infer<typeof trainingConfigSchema>;
export type Sweep = z.infer<typeof sweepSchema>;
export type ProjectJson = z.infer<typeof projectSchema>;
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;
export type RunTrainer = z.infer<typeof runTrainerSchema>;
export type RunJson = z.infer<typeof runSchema>;
