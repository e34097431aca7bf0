/**
 * The sweeps.* part of the API contract: params of the sweep methods, their result types and the two pushed sweep
 * events. A sweep config arrives as bounded JSON (api-base's JsonValue) and is then checked by shared/sweep's own
 * SweepConfigSchema, so the window, the CLI and the backend share one set of sweep rules.
 */
import { z } from 'zod';
import type { Graph } from './graph/types';
import { SweepConfigSchema, type SweepConfig } from './sweep/schema';
import type { SweepStatus, TrialRecord } from './sweep/state';
import { TrainingConfigSchema, type TrainingConfig } from './training';
import { API_LIMITS, Finite, GraphSchema, Id, JsonValue, NonNegInt, Path } from './api-base';

const SweepRef = z.strictObject({ sweepId: Id });
/** Limits of a sweep's trial list and of one trial's metric history, as they travel in events. */
export const SWEEP_LIMITS = { trials: 100_000, epochs: 10_000, metrics: 64 } as const;

export const SweepStatusSchema = z.enum(['pending', 'running', 'paused', 'stopped', 'completed']);
export const TrialStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'terminated-early']);

const Metrics = z
  .record(z.string().max(64), z.number())
  .refine((r) => Object.keys(r).length <= SWEEP_LIMITS.metrics, `expected at most ${SWEEP_LIMITS.metrics} metrics`);
const TrialValuesSchema = z
  .record(z.string().max(API_LIMITS.name), JsonValue)
  .refine((r) => Object.keys(r).length <= 32, 'expected at most 32 dimension values');

export const sweepParams = {
  start: z.strictObject({
    /** A sweep config (shared/sweep SweepConfigInput), bounded as JSON first, then checked by the sweep rules. */
    config: JsonValue.transform((v): unknown => v).pipe(SweepConfigSchema),
    /** The model every trial starts from. */
    graph: GraphSchema,
    /** The model's training config (the project's), under the sweep's own `training` settings. */
    training: TrainingConfigSchema.optional(),
    /** A saved project file that keeps the sweep (and each finished trial as a run), to show and resume later. */
    projectPath: Path.optional(),
    /**
     * Without projectPath: the Untitled project's recovery store that keeps it (as training.start: a new one when
     * not given, returned as recoveryId); its sweeps move into the file at the project's first save.
     */
    recoveryId: Id.optional(),
  }),
  ref: SweepRef,
  /** A sweep of this service, of its sweep folder, or (with projectPath / recoveryId) stored in that project. */
  find: z.strictObject({ sweepId: Id, projectPath: Path.optional(), recoveryId: Id.optional() }),
  /** With projectPath or recoveryId: that project's sweeps only; with neither: every sweep the service knows. */
  list: z.strictObject({ projectPath: Path.optional(), recoveryId: Id.optional() }),
};

/** One sweep in a list. */
export interface SweepSummary {
  sweepId: string;
  name: string;
  status: SweepStatus;
  created: string;
  updated: string;
  objective: { metric: string; mode: 'max' | 'min' };
  trialCount: number;
  /** Trials that ended (done, failed, skipped or terminated early). */
  finished: number;
  best?: { trialId: number; objective: number };
  /** The project file that stores it, when one does. */
  projectPath?: string;
  /** True while this service runs it (running or paused); a stored sweep can be continued with sweeps.resume. */
  active: boolean;
}

/** A sweep in full: config, base model and training config, every trial with its values, metrics and duration. */
export interface SweepDetail extends SweepSummary {
  config: SweepConfig;
  graph: Graph;
  training: TrainingConfig;
  trials: TrialRecord[];
  /** Trial ids, best first (shared/sweep rankTrials: finished trials by the objective, then the rest). */
  ranked: number[];
  /** The trial training now, and its run (training.get shows its live telemetry). */
  activeTrial?: { trialId: number; runId: string };
}

export const SweepStatusEventSchema = z.strictObject({
  sweepId: Id,
  status: SweepStatusSchema,
  /** Why it stopped, e.g. the sweep store could not be written. */
  message: z.string().max(API_LIMITS.text).optional(),
  at: z.string().max(64),
});

export const SweepTrialEventSchema = z.strictObject({
  sweepId: Id,
  trialId: NonNegInt.max(SWEEP_LIMITS.trials),
  /** started: its run was queued; rung: a successive-halving decision; ended: it reached a final status. */
  phase: z.enum(['started', 'rung', 'ended']),
  status: TrialStatusSchema,
  values: TrialValuesSchema,
  runId: Id.optional(),
  reason: z.string().max(API_LIMITS.text).optional(),
  objective: Finite.nullable().optional(),
  durationSeconds: z.number().min(0).optional(),
  history: z
    .array(z.strictObject({ epoch: NonNegInt, metrics: Metrics, seconds: z.number().min(0) }))
    .max(SWEEP_LIMITS.epochs)
    .optional(),
  rung: z.strictObject({ epochs: NonNegInt, value: z.number(), promoted: z.boolean() }).optional(),
});

export type SweepStatusEvent = z.infer<typeof SweepStatusEventSchema>;
export type SweepTrialEvent = z.infer<typeof SweepTrialEventSchema>;
