/**
 * The pushed events of the API contract (backend -> every client): one zod payload schema per event. Telemetry
 * payloads are shared/telemetry.ts's objects plus the run they belong to; the check at the end keeps them in step.
 */
import { z } from 'zod';
import type {
  ActivationMaps,
  BatchProgress,
  ConfusionReport,
  RegressionReport,
  EpochMetrics,
  FilterTiles,
  TrainingNotice as TrainingNoticeEvent,
  WeightHistogram,
} from './telemetry';
import { API_LIMITS, Id, Name, NonNegInt, RunStatusSchema } from './api-base';
import { SweepStatusEventSchema, SweepTrialEventSchema } from './api-sweeps';

// ---------------------------------------------------------------------------------------------------------------
// Events (backend -> every client)

const EventBase = { runId: Id };
const Base64 = z.string().max(16 * 1024 * 1024);
const LayerName = z.string().max(API_LIMITS.name);
const Metrics = z.record(z.string().max(64), z.number()).refine((r) => Object.keys(r).length <= 64, 'expected at most 64 metrics');

export const TrainingStatusSchema = z.strictObject({
  ...EventBase,
  status: RunStatusSchema,
  /** Why it failed or stopped, or where it queued. */
  message: z.string().max(API_LIMITS.text).optional(),
  at: z.string().max(64),
});

/** The payloads below are shared/telemetry.ts's objects plus the run they belong to. */
export const TrainingProgressSchema = z.strictObject({
  ...EventBase,
  type: z.literal('batch'),
  epoch: NonNegInt,
  batch: NonNegInt,
  batches: NonNegInt,
  samplesPerSec: z.number().min(0),
  etaSeconds: z.number().min(0),
  loss: z.number().optional(),
});

export const TrainingEpochSchema = z.strictObject({
  ...EventBase,
  type: z.literal('epoch'),
  epoch: NonNegInt,
  metrics: Metrics,
  lr: z.number(),
  seconds: z.number().min(0),
});

export const WeightHistogramSchema = z.strictObject({
  type: z.literal('histogram'),
  epoch: NonNegInt,
  layer: LayerName,
  weight: LayerName,
  of: z.enum(['weights', 'gradients']),
  bins: NonNegInt.max(1024),
  min: z.number(),
  max: z.number(),
  counts: z.array(NonNegInt).max(1024),
  count: NonNegInt,
  nonFinite: NonNegInt.optional(),
  mean: z.number(),
  std: z.number(),
});
export const TrainingHistogramsSchema = z.strictObject({
  ...EventBase,
  epoch: NonNegInt,
  histograms: z.array(WeightHistogramSchema).max(4096),
});

export const FilterTilesSchema = z.strictObject({
  type: z.literal('filters'),
  epoch: NonNegInt,
  layer: LayerName,
  kind: z.enum(['rgb', 'grey']),
  tileWidth: NonNegInt,
  tileHeight: NonNegInt,
  tiles: NonNegInt,
  channels: z.union([z.literal(1), z.literal(3)]),
  data: Base64,
});
export const TrainingFiltersSchema = z.strictObject({ ...EventBase, epoch: NonNegInt, layers: z.array(FilterTilesSchema).max(512) });

const LayerActivationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    layer: LayerName,
    kind: z.literal('maps'),
    shape: z.array(NonNegInt).max(8),
    tileWidth: NonNegInt,
    tileHeight: NonNegInt,
    tiles: NonNegInt,
    data: Base64,
    min: z.number(),
    max: z.number(),
  }),
  z.strictObject({
    layer: LayerName,
    kind: z.literal('bars'),
    shape: z.array(NonNegInt).max(8),
    values: z.array(z.number()).max(65_536),
    truncated: z.boolean(),
    min: z.number(),
    max: z.number(),
  }),
]);
export const TrainingActivationsSchema = z.strictObject({
  ...EventBase,
  type: z.literal('activations'),
  epoch: NonNegInt,
  probeIndex: NonNegInt,
  probeLabel: NonNegInt.optional(),
  layers: z.array(LayerActivationSchema).max(512),
});

export const TrainingConfusionSchema = z.strictObject({
  ...EventBase,
  type: z.literal('confusion'),
  epoch: NonNegInt,
  matrix: z.array(z.array(NonNegInt).max(1000)).max(1000),
  classNames: z.array(z.string().max(API_LIMITS.name)).max(1000).optional(),
  precision: z.array(z.number().nullable()).max(1000),
  recall: z.array(z.number().nullable()).max(1000),
  accuracy: z.number(),
  samples: NonNegInt,
  confidentlyWrong: z
    .array(z.strictObject({ index: NonNegInt, trueLabel: NonNegInt, predicted: NonNegInt, probability: z.number().min(0).max(1) }))
    .max(256),
});

export const TrainingRegressionSchema = z.strictObject({
  ...EventBase,
  type: z.literal('regression'),
  epoch: NonNegInt,
  samples: NonNegInt,
  mae: z.number(),
  rmse: z.number(),
  points: z.array(z.tuple([z.number(), z.number()])).max(1000),
  residuals: z.strictObject({ min: z.number(), max: z.number(), counts: z.array(NonNegInt).max(256) }),
  worst: z.array(z.strictObject({ index: NonNegInt, actual: z.number(), predicted: z.number(), residual: z.number() })).max(256),
});

export const TrainingWarningSchema = z.strictObject({
  ...EventBase,
  type: z.literal('health'),
  epoch: NonNegInt,
  kind: z.enum(['nan-loss', 'exploding-gradients', 'vanishing-gradients', 'dead-relu', 'overfitting']),
  layer: LayerName.optional(),
  /** The graph node of `layer`, when the service could map it. */
  nodeId: Id.optional(),
  message: z.string().max(API_LIMITS.text),
  suggestion: z.string().max(API_LIMITS.text),
  value: z.number().optional(),
  stopped: z.boolean().optional(),
});

export const TrainingNoticeSchema = z.strictObject({
  ...EventBase,
  type: z.literal('notice'),
  epoch: NonNegInt,
  kind: z.enum(['early-stopped', 'restored-best-weights', 'lr-reduced', 'paused', 'resumed', 'stopped']),
  message: z.string().max(API_LIMITS.text),
  value: z.number().optional(),
});

export const DatasetProgressSchema = z.strictObject({
  name: Name,
  file: Name,
  receivedBytes: NonNegInt,
  totalBytes: NonNegInt,
  done: z.boolean(),
});

export const apiEvents = {
  'training.status': TrainingStatusSchema,
  'training.progress': TrainingProgressSchema,
  'training.epoch': TrainingEpochSchema,
  'training.histograms': TrainingHistogramsSchema,
  'training.filters': TrainingFiltersSchema,
  'training.activations': TrainingActivationsSchema,
  'training.confusion': TrainingConfusionSchema,
  'training.regression': TrainingRegressionSchema,
  'training.warning': TrainingWarningSchema,
  'training.notice': TrainingNoticeSchema,
  'datasets.progress': DatasetProgressSchema,
  'sweeps.status': SweepStatusEventSchema,
  'sweeps.trial': SweepTrialEventSchema,
} as const;

export type ApiEvent = keyof typeof apiEvents;
export type ApiEventPayload<E extends ApiEvent> = z.infer<(typeof apiEvents)[E]>;
export const API_EVENTS = Object.keys(apiEvents) as ApiEvent[];

export type TrainingProgress = z.infer<typeof TrainingProgressSchema>;
export type TrainingHistograms = z.infer<typeof TrainingHistogramsSchema>;
export type TrainingFilters = z.infer<typeof TrainingFiltersSchema>;
export type TrainingActivations = z.infer<typeof TrainingActivationsSchema>;
export type TrainingConfusion = z.infer<typeof TrainingConfusionSchema>;
export type TrainingRegression = z.infer<typeof TrainingRegressionSchema>;
export type TrainingWarning = z.infer<typeof TrainingWarningSchema>;
export type TrainingNotice = z.infer<typeof TrainingNoticeSchema>;

// Each telemetry payload is shared/telemetry.ts's object plus runId: these stop compiling when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
type WithRun<T> = T & { runId: string };
export const TELEMETRY_SCHEMAS_MATCH_TYPES: [
  Same<TrainingProgress, WithRun<BatchProgress>>,
  Same<z.infer<typeof TrainingEpochSchema>, WithRun<EpochMetrics>>,
  Same<z.infer<typeof WeightHistogramSchema>, WeightHistogram>,
  Same<z.infer<typeof FilterTilesSchema>, FilterTiles>,
  Same<TrainingActivations, WithRun<ActivationMaps>>,
  Same<TrainingConfusion, WithRun<ConfusionReport>>,
  Same<TrainingRegression, WithRun<RegressionReport>>,
  Same<TrainingNotice, WithRun<TrainingNoticeEvent>>,
] = [true, true, true, true, true, true, true, true];

