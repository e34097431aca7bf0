/**
 * Messages between the training worker (worker/train-worker.ts) and its owner (worker/client.ts). The one protocol
 * of Layerlab's training path: the CLI (`layerlab train`) and the backend service's run manager both speak it.
 * Plain structured-clone data only: the dataset travels as a reference the worker loads itself.
 */
import type { ModelSpec } from '../../../shared/graph/types';
import type { BestWeights } from '../training/best-weights';
import type { ActivationMaps, RunEvent } from '../../../shared/run-events';
import type { EpochMetrics } from '../../../shared/telemetry';
import type { TrainingConfig } from '../../../shared/training';
import type { StoredWeights } from '../../projects/types';
import type { BackendChoice } from '../backend';
import type { CatalogEntry } from '../../datasets/catalog';

/** Where the worker finds the dataset named in config.dataset. */
export interface DataSource {
  /** A folder holding the IDX(.gz) files directly (e.g. ../shared/datasets/mnist), read in place. */
  dataDir?: string;
  cacheDir?: string;
  /** Mirror roots (folders or http prefixes) with one sub-folder per dataset. */
  mirror?: string | string[];
  offline?: boolean;
  /**
   * Catalog entries that stand in for the built-in ones of the same name: tests give imdb/reuters entries for
   * generated files in Keras' layout with their own checksums (the official files cannot be downloaded there).
   */
  catalog?: CatalogEntry[];
}

export interface StartRequest {
  /** Tags checkpoints; default 'run'. */
  runId?: string;
  /** The compiled Keras model JSON to build (seeded with config.seed). */
  spec: ModelSpec;
  /** A parsed TrainingConfig (TrainingConfigSchema.parse), everything about the run. */
  config: TrainingConfig;
  data?: DataSource;
  /** Backend to force (any spelling parseBackendName accepts); default the best available. */
  backend?: string;
  /** Folder that receives this run's checkpoint after every epoch (replaced each time); absent for none. */
  checkpointDir?: string;
  /** A checkpoint folder to continue from (weights, optimizer state, epoch, history, schedule state). */
  resumeFrom?: string;
  /** Start from an earlier run's trained weights (fine-tuning; matched by name, shapes checked) instead of fresh ones. */
  initFrom?: { run: string; weights: WorkerWeight[] };
}

/** A stored run's model, loaded to answer predictions (no training). */
export interface LoadRequest {
  /** The run's model.json + weights, as a project stores them. */
  stored: StoredWeights;
  /** The run's config: its dataset and preprocessing give the normaliser its predictions need. */
  config: TrainingConfig;
  data?: DataSource;
  backend?: string;
}

export type ToWorker =
  | { type: 'start'; request: StartRequest }
  /** Instead of 'start': load a stored model; answered by 'done' once it can predict. */
  | { type: 'load'; request: LoadRequest }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Raw values as the dataset stores them (0..255 for images); the worker normalises them as in training. */
  | { type: 'predict'; requestId: number; pixels: number[] }
  | { type: 'weights'; requestId: number }
  /** Every layer's output for one raw sample (as predict takes it), reported as that epoch's activations of `index`. */
  | { type: 'probe'; requestId: number; pixels: number[]; index: number; label?: number; epoch: number }
  /** The model as TF.js layers artifacts (model.json + weights.bin), as projects store a run. */
  | { type: 'artifacts'; requestId: number }
  /** After training: the best epoch's weights by the run's monitor (null before any finite value). */
  | { type: 'best-artifacts'; requestId: number };

/** One weight tensor as tfjs names it ('dense/kernel'), as main/export takes it. */
export interface WorkerWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ReadyEvent {
  type: 'ready';
  trainCount: number;
  /** Validation samples (the test split or the held-out fraction). */
  testCount: number;
  params: number;
  batchesPerEpoch: number;
  inputShape: number[];
  classNames?: string[];
  /** 0, or the epoch a resumed run continues with. */
  initialEpoch: number;
}

export interface EpochEvent {
  type: 'epoch';
  /** 0-based. */
  epoch: number;
  /** loss, acc, val_loss, val_acc, ... */
  logs: Record<string, number>;
  lr: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
  /** Training samples per second (validation and telemetry excluded). */
  samplesPerSecond: number;
}

export type EndStatus = 'completed' | 'early-stopped' | 'stopped';

export interface DoneEvent {
  type: 'done';
  status: EndStatus;
  /** Epochs finished in total (a resumed run counts those before the checkpoint). */
  epochsCompleted: number;
  stopped: boolean;
  seconds: number;
  message?: string;
  /** Seconds spent in telemetry (the overhead over plain training). */
  telemetrySeconds: number;
  /** Every finished epoch's metrics, those before a resumed checkpoint included. */
  history: EpochMetrics[];
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  stack?: string;
}

export type TerminalEvent = DoneEvent | ErrorEvent;

export type FromWorker =
  | { type: 'backend'; choice: BackendChoice }
  | ReadyEvent
  /**
   * The run's event stream as the API pushes it, without the run id (the service adds it): batch progress, epoch
   * metrics, activations, confusion, health warnings and notices as createTrainingCallbacks emits them, and every
   * layer's histograms and filters of one epoch grouped in one event each.
   */
  | { type: 'telemetry'; event: RunEvent }
  | EpochEvent
  | { type: 'checkpoint'; path: string; epoch: number }
  | { type: 'state'; state: 'running' | 'paused' }
  /** Training is over; the worker stays alive to answer predictions, weights and artifacts until terminated. */
  | DoneEvent
  | ErrorEvent
  | { type: 'prediction'; requestId: number; probabilities: number[] }
  | { type: 'probe'; requestId: number; activations: ActivationMaps }
  | { type: 'request-error'; requestId: number; message: string }
  | { type: 'weights'; requestId: number; weights: WorkerWeight[] }
  | { type: 'artifacts'; requestId: number; artifacts: StoredWeights }
  | { type: 'best-artifacts'; requestId: number; best: BestWeights | null };
