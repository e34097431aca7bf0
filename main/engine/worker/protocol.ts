/**
 * Messages between a training worker (worker/train-worker.ts) and its owner (worker/client.ts).
 * Plain structured-clone data only: the dataset travels as a reference the worker loads itself.
 */
import type { ModelSpec } from '../../../shared/graph/types';
import type { OptimizerConfig } from '../../../shared/training';
import type { BackendChoice } from '../backend';
import type { DataRef } from '../data';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Name plus any Keras parameters (learning_rate, momentum, ...); defaults as in shared/training. */
  optimizer: Partial<OptimizerConfig> & { name: OptimizerConfig['name'] };
  /** A tfjs loss name; default categoricalCrossentropy. */
  loss?: string;
  metrics?: string[];
  /** Backend to force (any spelling parseBackendName accepts); default the best available. */
  backend?: string;
  /** Seed for the initial weights. */
  seed?: number;
  /** Shuffle the training data every epoch (default true). */
  shuffle?: boolean;
  /** Evaluate on the test split after each epoch (default true when the dataset has one). */
  validate?: boolean;
  /** Minimum milliseconds between 'progress' events (default 100). */
  progressEveryMs?: number;
  /**
   * Modules (absolute paths or file URLs) loaded inside the worker whose default export
   * `(ctx: CallbackHookContext) => tf.Callback[] | Promise<tf.Callback[]>` adds callbacks to fit():
   * the hook for schedules, early stopping and telemetry (main/engine/training).
   */
  callbackModules?: string[];
}

export interface StartRequest {
  spec: ModelSpec;
  data: DataRef;
  options: TrainOptions;
}

export type ToWorker = { type: 'start'; request: StartRequest } | { type: 'stop' } | { type: 'pause' } | { type: 'resume' };

export interface EpochEvent {
  type: 'epoch';
  /** 0-based. */
  epoch: number;
  /** tfjs logs: loss, acc, val_loss, val_acc, ... */
  logs: Record<string, number>;
  /** Wall time of the epoch, validation included. */
  seconds: number;
  /** Training samples per second (validation excluded). */
  samplesPerSecond: number;
}

export type FromWorker =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'ready'; trainCount: number; testCount: number; params: number; batchesPerEpoch: number; inputShape: number[] }
  | { type: 'progress'; epoch: number; batch: number; batchesPerEpoch: number; loss?: number; epochSeconds: number }
  | EpochEvent
  | { type: 'state'; state: 'running' | 'paused' }
  | { type: 'done'; epochsCompleted: number; stopped: boolean; seconds: number }
  | { type: 'error'; message: string; stack?: string };
