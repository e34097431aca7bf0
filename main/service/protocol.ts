import type { StoredWeights } from '../projects/types';
/**
 * What the run manager gives a runner (RunSpec) and hears back from it (FromWorker: the run's events, as the API
 * pushes them, and its end). The worker itself speaks main/engine/worker/protocol.ts; runner.ts maps one onto the other.
 */
import type { RunEvent } from '../../shared/run-events';
import type { Graph, ModelSpec } from '../../shared/graph/types';
import type { TrainingConfig } from '../../shared/training';
import type { CatalogEntry } from '../datasets/catalog';
import type { InitialWeights } from '../engine/training/init-weights';

export interface RunSpec {
  runId: string;
  graph: Graph;
  /** The compiled Keras model JSON of `graph`. */
  modelSpec: ModelSpec;
  config: TrainingConfig;
  /** Where the worker writes its per-epoch checkpoint; absent to keep none. */
  checkpointDir?: string;
  datasets: DatasetSourceOptions;
  /** Continue from this checkpoint folder (weights, optimizer state, epoch, history) instead of fresh weights. */
  resumeFrom?: string;
  /** Fine-tuning: start from these weights of an earlier run (matched by name, shapes checked by the worker). */
  initFrom?: InitialWeights;
  /** A project file (.layerlab) that receives the run when it ends (completed or stopped). */
  projectPath?: string;
  /** Load these stored weights to answer predictions instead of training (a run of a reopened project). */
  stored?: StoredWeights;
}

export interface DatasetSourceOptions {
  cacheDir?: string;
  mirror?: string | string[];
  offline?: boolean;
  /**
   * Catalog entries that stand in for the built-in ones of the same name: tests give imdb/reuters entries for
   * generated files in Keras' layout with their own checksums (the official files cannot be downloaded there).
   */
  catalog?: CatalogEntry[];
}

export type { WorkerWeight } from '../engine/worker/protocol';

export type FromWorker =
  /** The worker's event with the run's id (and a warning's graph node) added; pushed as RUN_EVENT_API_NAMES says. */
  | { type: 'event'; event: RunEvent & { runId: string } }
  | { type: 'backend'; backend: string }
  | { type: 'state'; state: 'running' | 'paused' }
  | { type: 'checkpoint'; path: string; epoch: number }
  /** Training is over; the worker stays alive to answer predictions with the final weights. */
  | { type: 'done'; status: 'completed' | 'stopped'; earlyStopped?: boolean; message?: string; telemetrySeconds?: number }
  | { type: 'failed'; message: string };
