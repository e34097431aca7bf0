/**
 * The one stream of a training run: every event the engine's callbacks report, as the worker sends it, the service
 * pushes it (with the run's id added), the window draws it and a project stores it. Declared once here as zod
 * schemas; the TypeScript types are inferred from them (shared/telemetry.ts re-exports them under their old names).
 *
 * Bulk numbers travel as small number arrays (histogram counts, bars) or as base64 of a Uint8Array (pixel tiles),
 * never as typed arrays, which structured clone handles but JSON.stringify does not. Layer names are the
 * tfjs/Keras layer names of the built model (the graph node names where the engine keeps them).
 */
import { z } from 'zod';
import { API_LIMITS, Id, NonNegInt } from './api-base';

const Base64 = z.string().max(16 * 1024 * 1024);
const LayerName = z.string().max(API_LIMITS.name);
const Metrics = z.record(z.string().max(64), z.number()).refine((r) => Object.keys(r).length <= 64, 'expected at most 64 metrics');

/** Throttled to a few per second. */
export const BatchProgressSchema = z.strictObject({
  type: z.literal('batch'),
  epoch: NonNegInt,
  /** 0-based index of the batch just finished. */
  batch: NonNegInt,
  batches: NonNegInt,
  samplesPerSec: z.number().min(0),
  /** Seconds left for the whole run at the current speed. */
  etaSeconds: z.number().min(0),
  /** Loss of the batch just finished, when it was read (reading it costs a device sync). */
  loss: z.number().optional(),
  /**
   * The batch's other training metrics (acc, mae, ... as tfjs logs them, keyed as the epoch metrics are), read with
   * the loss. Absent in runs stored before they were kept, whose batch points hold only the loss.
   */
  metrics: Metrics.optional(),
});

export const EpochMetricsSchema = z.strictObject({
  type: z.literal('epoch'),
  epoch: NonNegInt,
  /** loss, acc, mae, ... and val_loss, val_acc, ... as tfjs logs them. */
  metrics: Metrics,
  /** Learning rate used during this epoch. */
  lr: z.number(),
  /** Wall time of the epoch's training and validation, without the telemetry computed after it. */
  seconds: z.number().min(0),
});

/** Fixed bins between min and max; counts sum to `count`, the parameter count of the weight. */
export const WeightHistogramSchema = z.strictObject({
  type: z.literal('histogram'),
  epoch: NonNegInt,
  layer: LayerName,
  /** 'kernel', 'bias', 'gamma', ... : the weight's own name within the layer. */
  weight: LayerName,
  /** 'weights' for parameter values, 'gradients' for their gradients on a sample batch. */
  of: z.enum(['weights', 'gradients']),
  bins: NonNegInt.max(1024),
  min: z.number(),
  max: z.number(),
  counts: z.array(NonNegInt).max(1024),
  count: NonNegInt,
  /** NaN/Inf values, left out of the bins (absent when there are none). */
  nonFinite: NonNegInt.optional(),
  mean: z.number(),
  std: z.number(),
});

/** Every layer's histograms of one epoch. */
export const HistogramsEventSchema = z.strictObject({
  type: z.literal('histograms'),
  epoch: NonNegInt,
  histograms: z.array(WeightHistogramSchema).max(4096),
});

/**
 * Pictures of a conv layer's kernels. `tiles` tiles of tileWidth x tileHeight pixels each, channels interleaved
 * (RGB or one grey byte per pixel), tile after tile, each tile normalised on its own to 0..255.
 * First conv layer on RGB input: one RGB tile per output filter. Deeper: one grey tile per output filter,
 * averaged over input channels.
 */
export const FilterTilesSchema = z.strictObject({
  type: z.literal('filters'),
  epoch: NonNegInt,
  layer: LayerName,
  kind: z.enum(['rgb', 'grey']),
  tileWidth: NonNegInt,
  tileHeight: NonNegInt,
  tiles: NonNegInt,
  channels: z.union([z.literal(1), z.literal(3)]),
  /** base64 of tiles * tileHeight * tileWidth * channels bytes. */
  data: Base64,
});

/** Every conv layer's filter pictures of one epoch. */
export const FiltersEventSchema = z.strictObject({
  type: z.literal('filters'),
  epoch: NonNegInt,
  layers: z.array(FilterTilesSchema).max(512),
});

/** One layer's output for the probe image. */
export const LayerActivationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    layer: LayerName,
    kind: z.literal('maps'),
    /** Output shape without the batch dimension, e.g. [26, 26, 32]. */
    shape: z.array(NonNegInt).max(8),
    tileWidth: NonNegInt,
    tileHeight: NonNegInt,
    /** Tiles shipped (at most a cap of channels). */
    tiles: NonNegInt,
    /** base64 of tiles * tileHeight * tileWidth grey bytes, each map normalised to 0..255 on its own. */
    data: Base64,
    min: z.number(),
    max: z.number(),
  }),
  z.strictObject({
    layer: LayerName,
    kind: z.literal('bars'),
    shape: z.array(NonNegInt).max(8),
    /** Unit values (first units of a long vector only: see `truncated`). */
    values: z.array(z.number()).max(65_536),
    truncated: z.boolean(),
    min: z.number(),
    max: z.number(),
  }),
]);

export const ActivationMapsSchema = z.strictObject({
  type: z.literal('activations'),
  epoch: NonNegInt,
  /** Index of the probe sample in the validation data. */
  probeIndex: NonNegInt,
  probeLabel: NonNegInt.optional(),
  layers: z.array(LayerActivationSchema).max(512),
});

export const ConfidentlyWrongSchema = z.strictObject({
  /** Index in the validation data. */
  index: NonNegInt,
  trueLabel: NonNegInt,
  predicted: NonNegInt,
  /** Probability given to the wrong prediction. */
  probability: z.number().min(0).max(1),
});

export const ConfusionReportSchema = z.strictObject({
  type: z.literal('confusion'),
  epoch: NonNegInt,
  /** matrix[true][predicted]; all cells sum to `samples`. */
  matrix: z.array(z.array(NonNegInt).max(1000)).max(1000),
  classNames: z.array(z.string().max(API_LIMITS.name)).max(1000).optional(),
  /** Per class; NaN is sent as null (no predictions or no examples of the class). */
  precision: z.array(z.number().nullable()).max(1000),
  recall: z.array(z.number().nullable()).max(1000),
  accuracy: z.number(),
  samples: NonNegInt,
  confidentlyWrong: z.array(ConfidentlyWrongSchema).max(256),
});

/** A regression run's validation predictions: what the dashboard shows instead of a confusion matrix. */
export const RegressionReportSchema = z.strictObject({
  type: z.literal('regression'),
  epoch: NonNegInt,
  samples: NonNegInt,
  mae: z.number(),
  rmse: z.number(),
  /** [true, predicted] pairs, every validation sample up to 1,000, else an even sample of them. */
  points: z.array(z.tuple([z.number(), z.number()])).max(1000),
  /** Residuals (predicted - true) in equal bins from min to max. */
  residuals: z.strictObject({ min: z.number(), max: z.number(), counts: z.array(NonNegInt).max(256) }),
  /** The validation samples with the largest |residual|, worst first (index into the validation data). */
  worst: z.array(z.strictObject({ index: NonNegInt, actual: z.number(), predicted: z.number(), residual: z.number() })).max(256),
});

export const HealthWarningKindSchema = z.enum(['nan-loss', 'exploding-gradients', 'vanishing-gradients', 'dead-relu', 'overfitting']);

export const HealthWarningSchema = z.strictObject({
  type: z.literal('health'),
  epoch: NonNegInt,
  kind: HealthWarningKindSchema,
  /** The layer the warning concerns, when one can be named. */
  layer: LayerName.optional(),
  /** The graph node of `layer`, when the service could map it. */
  nodeId: Id.optional(),
  message: z.string().max(API_LIMITS.text),
  suggestion: z.string().max(API_LIMITS.text),
  /** The number behind the warning: dead fraction, gradient norm, epochs of divergence. */
  value: z.number().optional(),
  /** True when the run was stopped because of it (nan-loss). */
  stopped: z.boolean().optional(),
});

/** Early stopping and schedule decisions, so the dashboard can mark them on the curves. */
export const TrainingNoticeSchema = z.strictObject({
  type: z.literal('notice'),
  epoch: NonNegInt,
  kind: z.enum(['early-stopped', 'restored-best-weights', 'lr-reduced', 'paused', 'resumed', 'stopped']),
  message: z.string().max(API_LIMITS.text),
  /** Best epoch for early stopping, new learning rate for lr-reduced. */
  value: z.number().optional(),
});

/** A run's event, as the worker sends it (without the run id). */
export const RunEventSchema = z.discriminatedUnion('type', [
  BatchProgressSchema,
  EpochMetricsSchema,
  HistogramsEventSchema,
  FiltersEventSchema,
  ActivationMapsSchema,
  ConfusionReportSchema,
  RegressionReportSchema,
  HealthWarningSchema,
  TrainingNoticeSchema,
]);

export type BatchProgress = z.infer<typeof BatchProgressSchema>;
export type EpochMetrics = z.infer<typeof EpochMetricsSchema>;
export type WeightHistogram = z.infer<typeof WeightHistogramSchema>;
export type HistogramsEvent = z.infer<typeof HistogramsEventSchema>;
export type FilterTiles = z.infer<typeof FilterTilesSchema>;
export type FiltersEvent = z.infer<typeof FiltersEventSchema>;
export type LayerActivation = z.infer<typeof LayerActivationSchema>;
export type ActivationMaps = z.infer<typeof ActivationMapsSchema>;
export type ConfidentlyWrong = z.infer<typeof ConfidentlyWrongSchema>;
export type ConfusionReport = z.infer<typeof ConfusionReportSchema>;
export type RegressionReport = z.infer<typeof RegressionReportSchema>;
export type HealthWarning = z.infer<typeof HealthWarningSchema>;
export type TrainingNotice = z.infer<typeof TrainingNoticeSchema>;
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];

/** The API event (shared/api-events.ts) that carries each kind of run event, with the run's id added. */
export const RUN_EVENT_API_NAMES = {
  batch: 'training.progress',
  epoch: 'training.epoch',
  histograms: 'training.histograms',
  filters: 'training.filters',
  activations: 'training.activations',
  confusion: 'training.confusion',
  regression: 'training.regression',
  health: 'training.warning',
  notice: 'training.notice',
} as const satisfies Record<RunEventType, `training.${string}`>;
