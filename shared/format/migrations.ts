/**
 * Reads a project.json / run.json of any format version and brings it to the current one. Each step first checks
 * its input against the schema of its own version, so an error in an old file names the path in the old layout.
 */
import { FutureFormatError, ProjectFormatError, parseOrThrow } from './errors';
import { bestMetrics } from './metrics';
import { CURRENT_FORMAT_VERSION, projectSchema, runSchema, type ProjectJson, type RunJson } from './schema';
import { v1ProjectSchema, v1RunSchema, type V1Model, type V1Training } from './v1';
import { v2ProjectSchema } from './v2';
import type { Graph } from '../graph/types';
import { getLayerKind } from '../layers/registry';

interface Migration {
  from: number;
  project(raw: unknown): unknown;
  run(raw: unknown, entry: string): unknown;
}

function v1ModelToGraph(model: V1Model): Graph {
  return {
    nodes: model.layers.map((layer) => ({
      id: layer.id,
      kind: layer.type,
      name: layer.name,
      // v1 stored only changed params; the defaults it implied are those of the layer kind.
      config: { ...(getLayerKind(layer.type)?.defaults() ?? {}), ...layer.params },
      ...(layer.x !== undefined && layer.y !== undefined ? { position: { x: layer.x, y: layer.y } } : {}),
    })),
    edges: model.connections.map((c, i) => ({
      id: `e${i + 1}_${c.from}_${c.to}`,
      source: c.from,
      target: c.to,
      ...(c.port !== undefined ? { targetIndex: c.port } : {}),
    })),
  };
}

const v1Losses: Record<string, string> = {
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  binaryCrossentropy: 'binary_crossentropy',
  meanSquaredError: 'mse',
  meanAbsoluteError: 'mae',
  huberLoss: 'huber',
};

/** v1's camelCase settings as a shared/training config (Keras names, optimizer as an object). */
function v1TrainingToV2(t: V1Training, dataset: string | null): Record<string, unknown> {
  return {
    ...(dataset ? { dataset: { name: dataset } } : {}),
    optimizer: { name: t.optimizer.toLowerCase(), learning_rate: t.learningRate },
    ...(t.loss ? { loss: v1Losses[t.loss] ?? t.loss } : {}),
    ...(t.metrics ? { metrics: t.metrics.map((m) => (m === 'acc' ? 'accuracy' : m)) } : {}),
    epochs: t.epochs,
    batch_size: t.batchSize,
  };
}

const v1StatusToV2 = { done: 'completed', stopped: 'stopped', error: 'failed' } as const;

/** Ordered: migrations[i] goes from version i+1 to i+2. */
const migrations: Migration[] = [
  {
    from: 1,
    project(raw) {
      const v1 = parseOrThrow(v1ProjectSchema, raw, 'project.json');
      return {
        formatVersion: 2,
        appVersion: '0.0.0',
        name: v1.name,
        created: v1.createdAt,
        modified: v1.updatedAt ?? v1.createdAt,
        graph: v1ModelToGraph(v1.model),
        viewport: { x: 0, y: 0, zoom: 1 },
        training: v1TrainingToV2(v1.training, v1.dataset),
        dataset: v1.dataset === null ? null : { kind: 'builtin', id: v1.dataset },
        notes: '',
      };
    },
    run(raw, entry) {
      const v1 = parseOrThrow(v1RunSchema, raw, entry);
      const history = v1.epochs.map((row, i) => {
        const { epoch, ...metrics } = row;
        return { epoch: typeof epoch === 'number' ? epoch : i, metrics };
      });
      return {
        id: v1.id,
        name: v1.name,
        status: v1StatusToV2[v1.status],
        created: v1.startedAt,
        config: v1TrainingToV2(v1.config, null),
        graph: v1ModelToGraph(v1.model),
        history,
        best: bestMetrics(history),
        durationSeconds: v1.durationMs / 1000,
        hasWeights: v1.weights,
      };
    },
  },
  {
    // v3 only adds (optional fields, new entries), so a v2 file is a v3 file with its new version number; its runs
    // are v3 runs as they are (v2 readers of late builds already wrote some v3 fields, all of them valid here).
    from: 2,
    project(raw) {
      return { ...parseOrThrow(v2ProjectSchema, raw, 'project.json'), formatVersion: 3 };
    },
    run(raw) {
      return raw;
    },
  },
];

/** The format version a raw project.json declares; throws when it is not a Layerlab project at all. */
export function detectFormatVersion(raw: unknown): number {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const obj = raw as Record<string, unknown>;
    const declared = obj.formatVersion ?? obj.version;
    if (typeof declared === 'number' && Number.isInteger(declared) && declared >= 1) return declared;
  }
  throw new ProjectFormatError(
    'project.json',
    [{ path: 'formatVersion', message: 'expected a positive integer format version' }],
    'project.json has no format version (neither "formatVersion" nor "version"): this is not a Layerlab project.',
  );
}

function checkSupported(version: number, raw: unknown): void {
  if (version > CURRENT_FORMAT_VERSION) {
    const appVersion = (raw as Record<string, unknown>).appVersion;
    throw new FutureFormatError('project.json', version, CURRENT_FORMAT_VERSION, typeof appVersion === 'string' ? appVersion : undefined);
  }
}

export interface MigratedProject {
  project: ProjectJson;
  /** The version the file was written in; runs of that file must be migrated from the same version. */
  fromVersion: number;
}

export function migrateProject(raw: unknown): MigratedProject {
  const fromVersion = detectFormatVersion(raw);
  checkSupported(fromVersion, raw);
  let doc = raw;
  for (let v = fromVersion; v < CURRENT_FORMAT_VERSION; v++) doc = migrations[v - 1]!.project(doc);
  return { project: parseOrThrow(projectSchema, doc, 'project.json'), fromVersion };
}

/** Migrates a run.json found in a file whose project.json had `fromVersion`. */
export function migrateRun(raw: unknown, fromVersion: number, entry: string): RunJson {
  let doc = raw;
  for (let v = fromVersion; v < CURRENT_FORMAT_VERSION; v++) doc = migrations[v - 1]!.run(doc, entry);
  return parseOrThrow(runSchema, doc, entry);
}

/**
 * Every version this build can read, oldest first (tests use it to demand a fixture for each).
 * @internal
 */
export const readableFormatVersions: readonly number[] = Array.from({ length: CURRENT_FORMAT_VERSION }, (_, i) => i + 1);
