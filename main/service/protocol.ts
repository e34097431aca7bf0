/**
 * Messages between the service and one training worker (one worker thread per run).
 *
 * TODO(engine): main/engine's worker has its own typed protocol; runner.ts adapts it to this one when it lands, so
 * the run manager only ever sees these messages.
 */
import type { ApiEvent, ApiEventPayload } from '../../shared/api';
import type { Graph, ModelSpec } from '../../shared/graph/types';
import type { TrainingConfig } from '../../shared/training';

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
}

export interface DatasetSourceOptions {
  cacheDir?: string;
  mirror?: string | string[];
  offline?: boolean;
}

export type TelemetryEvent = Exclude<ApiEvent, 'training.status' | 'datasets.progress'>;

export type ToWorker =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'predict'; requestId: number; pixels: number[]; shape: number[] }
  | { type: 'weights'; requestId: number };

/** One weight tensor as tfjs names it ('dense/kernel'), as main/export takes it. */
export interface WorkerWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export type FromWorker =
  | { [E in TelemetryEvent]: { type: 'event'; event: E; payload: ApiEventPayload<E> } }[TelemetryEvent]
  | { type: 'state'; state: 'running' | 'paused' }
  | { type: 'checkpoint'; path: string; epoch: number }
  /** Training is over; the worker stays alive to answer predictions with the final weights. */
  | { type: 'done'; status: 'completed' | 'stopped'; message?: string }
  | { type: 'failed'; message: string }
  | { type: 'prediction'; requestId: number; probabilities: number[] }
  | { type: 'prediction-error'; requestId: number; message: string }
  | { type: 'weights'; requestId: number; weights: WorkerWeight[] };
