/**
 * The pushed events of the API contract (backend -> every client): one zod payload schema per event. A run's
 * telemetry events are shared/run-events.ts's schemas plus the run they belong to.
 */
import { z } from 'zod';
import {
  ActivationMapsSchema,
  BatchProgressSchema,
  ConfusionReportSchema,
  EpochMetricsSchema,
  FiltersEventSchema,
  FilterTilesSchema,
  HealthWarningSchema,
  HistogramsEventSchema,
  RegressionReportSchema,
  TrainingNoticeSchema as TrainingNoticeEventSchema,
  WeightHistogramSchema,
} from './run-events';
import { API_LIMITS, Id, Name, NonNegInt, RunStatusSchema } from './api-base';
import { SweepStatusEventSchema, SweepTrialEventSchema } from './api-sweeps';

// ---------------------------------------------------------------------------------------------------------------
// Events (backend -> every client)

const EventBase = { runId: Id };

export const TrainingStatusSchema = z.strictObject({
  ...EventBase,
  status: RunStatusSchema,
  /** Why it failed or stopped, or where it queued. */
  message: z.string().max(API_LIMITS.text).optional(),
  at: z.string().max(64),
});

/** Each run event (shared/run-events.ts) plus the run it belongs to. */
export const TrainingProgressSchema = BatchProgressSchema.extend(EventBase);
export const TrainingEpochSchema = EpochMetricsSchema.extend(EventBase);
export const TrainingHistogramsSchema = HistogramsEventSchema.extend(EventBase);
export const TrainingFiltersSchema = FiltersEventSchema.extend(EventBase);
export const TrainingActivationsSchema = ActivationMapsSchema.extend(EventBase);
export const TrainingConfusionSchema = ConfusionReportSchema.extend(EventBase);
export const TrainingRegressionSchema = RegressionReportSchema.extend(EventBase);
export const TrainingWarningSchema = HealthWarningSchema.extend(EventBase);
export const TrainingNoticeSchema = TrainingNoticeEventSchema.extend(EventBase);
export { WeightHistogramSchema, FilterTilesSchema };

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
