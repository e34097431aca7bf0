/**
 * Telemetry payloads pushed while a model trains: plain JSON, compact enough to ship over IPC or a WebSocket
 * every epoch. Bulk numbers travel as small number arrays (histogram counts, bars) or as base64 of a Uint8Array
 * (pixel tiles), never as typed arrays, which structured clone handles but JSON.stringify does not.
 *
 * Layer names are the tfjs/Keras layer names of the built model (the graph node ids where the engine keeps them).
 */

/** Throttled to a few per second. */
export interface BatchProgress {
  type: 'batch';
  epoch: number;
  /** 0-based index of the batch just finished. */
  batch: number;
  batches: number;
  samplesPerSec: number;
  /** Seconds left for the whole run at the current speed. */
  etaSeconds: number;
  /** Loss of the batch just finished, when it was read (reading it costs a device sync). */
  loss?: number;
}

export interface EpochMetrics {
  type: 'epoch';
  epoch: number;
  /** loss, acc, mae, ... and val_loss, val_acc, ... as tfjs logs them. */
  metrics: Record<string, number>;
  /** Learning rate used during this epoch. */
  lr: number;
  /** Wall time of the epoch's training and validation, without the telemetry computed after it. */
  seconds: number;
}

/** Fixed bins between min and max; counts sum to `count`, the parameter count of the weight. */
export interface WeightHistogram {
  type: 'histogram';
  epoch: number;
  layer: string;
  /** 'kernel', 'bias', 'gamma', ... : the weight's own name within the layer. */
  weight: string;
  /** 'weights' for parameter values, 'gradients' for their gradients on a sample batch. */
  of: 'weights' | 'gradients';
  bins: number;
  min: number;
  max: number;
  counts: number[];
  count: number;
  /** NaN/Inf values, left out of the bins (absent when there are none). */
  nonFinite?: number;
  mean: number;
  std: number;
}

/**
 * Pictures of a conv layer's kernels. `tiles` tiles of tileWidth x tileHeight pixels each, channels interleaved
 * (RGB or one grey byte per pixel), tile after tile, each tile normalised on its own to 0..255.
 * First conv layer on RGB input: one RGB tile per output filter. Deeper: one grey tile per output filter,
 * averaged over input channels.
 */
export interface FilterTiles {
  type: 'filters';
  epoch: number;
  layer: string;
  kind: 'rgb' | 'grey';
  tileWidth: number;
  tileHeight: number;
  tiles: number;
  channels: 1 | 3;
  /** base64 of tiles * tileHeight * tileWidth * channels bytes. */
  data: string;
}

/** One layer's output for the probe image. */
export type LayerActivation =
  | {
      layer: string;
      kind: 'maps';
      /** Output shape without the batch dimension, e.g. [26, 26, 32]. */
      shape: number[];
      tileWidth: number;
      tileHeight: number;
      /** Tiles shipped (at most a cap of channels). */
      tiles: number;
      /** base64 of tiles * tileHeight * tileWidth grey bytes, each map normalised to 0..255 on its own. */
      data: string;
      min: number;
      max: number;
    }
  | {
      layer: string;
      kind: 'bars';
      shape: number[];
      /** Unit values (first units of a long vector only: see `truncated`). */
      values: number[];
      truncated: boolean;
      min: number;
      max: number;
    };

export interface ActivationMaps {
  type: 'activations';
  epoch: number;
  /** Index of the probe sample in the validation data. */
  probeIndex: number;
  probeLabel?: number;
  layers: LayerActivation[];
}

export interface ConfidentlyWrong {
  /** Index in the validation data. */
  index: number;
  trueLabel: number;
  predicted: number;
  /** Probability given to the wrong prediction. */
  probability: number;
}

export interface ConfusionReport {
  type: 'confusion';
  epoch: number;
  /** matrix[true][predicted]; all cells sum to `samples`. */
  matrix: number[][];
  classNames?: string[];
  /** Per class; NaN is sent as null (no predictions or no examples of the class). */
  precision: (number | null)[];
  recall: (number | null)[];
  accuracy: number;
  samples: number;
  confidentlyWrong: ConfidentlyWrong[];
}

/** A regression run's validation predictions: what the dashboard shows instead of a confusion matrix. */
export interface RegressionReport {
  type: 'regression';
  epoch: number;
  samples: number;
  mae: number;
  rmse: number;
  /** [true, predicted] pairs, every validation sample up to 1,000, else an even sample of them. */
  points: [number, number][];
  /** Residuals (predicted - true) in equal bins from min to max. */
  residuals: { min: number; max: number; counts: number[] };
  /** The validation samples with the largest |residual|, worst first (index into the validation data). */
  worst: { index: number; actual: number; predicted: number; residual: number }[];
}

export type HealthWarningKind = 'nan-loss' | 'exploding-gradients' | 'vanishing-gradients' | 'dead-relu' | 'overfitting';

export interface HealthWarning {
  type: 'health';
  epoch: number;
  kind: HealthWarningKind;
  /** The layer the warning concerns, when one can be named. */
  layer?: string;
  message: string;
  suggestion: string;
  /** The number behind the warning: dead fraction, gradient norm, epochs of divergence. */
  value?: number;
  /** True when the run was stopped because of it (nan-loss). */
  stopped?: boolean;
}

/** Early stopping and schedule decisions, so the dashboard can mark them on the curves. */
export interface TrainingNotice {
  type: 'notice';
  epoch: number;
  kind: 'early-stopped' | 'restored-best-weights' | 'lr-reduced' | 'paused' | 'resumed' | 'stopped';
  message: string;
  /** Best epoch for early stopping, new learning rate for lr-reduced. */
  value?: number;
}

export type TelemetryEvent =
  | BatchProgress
  | EpochMetrics
  | WeightHistogram
  | FilterTiles
  | ActivationMaps
  | ConfusionReport
  | RegressionReport
  | HealthWarning
  | TrainingNotice;


/** Bytes to base64 without Node's Buffer, so the renderer can decode with the same helpers. */
export function bytesToBase64(bytes: Uint8Array): string {
  const g = globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: 'base64'): string } } };
  if (g.Buffer) return g.Buffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, enc: 'base64'): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
