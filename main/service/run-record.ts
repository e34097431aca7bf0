/**
 * One run as the service keeps it (RunRecord) and the forms it is given out in: the API's summary and detail, and
 * its entry in the project file (run.json, and telemetry.json.gz with everything its dashboard showed). What the
 * run showed is its RunState, folded from its events by the shared reducer (shared/run-state.ts).
 */
import type { EpochRecord, RunDetail, RunSummary } from '../../shared/api';
import type { RunJson } from '../../shared/format';
import type { BestWeights } from '../engine/training/best-weights';
import type { Graph, ModelSpec } from '../../shared/graph/types';
import { storedTelemetryOf } from '../../shared/run-compact';
import { latest, type RunState } from '../../shared/run-state';
import type { TrainingConfig } from '../../shared/training';
import type { StoredWeights } from '../projects/types';
import type { RunEntry } from './run-store';
import type { RunnerHandle } from './runner';
import type { InitialWeights } from '../engine/training/init-weights';

export interface RunRecord extends Pick<RunSummary, 'runId' | 'name' | 'status' | 'message' | 'createdAt' | 'startedAt' | 'endedAt'> {
  config: TrainingConfig;
  graph: Graph;
  modelSpec: ModelSpec;
  /** Everything the run has shown: history, per-batch points, histograms, filters, ... per epoch. */
  state: RunState;
  /**
   * False for a stored run whose telemetry has not been read from its file yet (only its history is in `state`);
   * its entry is then written without telemetry, which keeps the stored one.
   */
  telemetryLoaded: boolean;
  backend?: string;
  telemetrySeconds?: number;
  checkpoint?: string;
  classNames?: string[];
  handle?: RunnerHandle;
  resumeFrom?: string;
  /** Fine-tuning: the earlier run's weights this run starts from. */
  initFrom?: InitialWeights;
  projectPath?: string;
  /** The id of this run's entry in the project, once stored. */
  storedAs?: string;
  /** Its number in the project, once stored. */
  number?: number;
  /** How it ended, for its entry in the project (absent while it runs). */
  outcome?: 'completed' | 'stopped' | 'failed';
  /** Early stopping ended the run (stored as 'early-stopped' in the project, as the CLI stores it). */
  earlyStopped?: boolean;
  /** Seconds trained in its earlier sessions (a resumed run): its stored duration counts every session. */
  earlierSeconds?: number;
  /** Its best epoch as its project stores it (run.json bestWeights), once its weights are stored. */
  bestWeights?: NonNullable<RunJson['bestWeights']>;
}

/** Seconds from the run's (latest) start to its end, or to now while it runs; 0 before it started. */
export function sessionSeconds(run: RunRecord): number {
  if (!run.startedAt) return 0;
  return Math.max(0, ((run.endedAt ? Date.parse(run.endedAt) : Date.now()) - Date.parse(run.startedAt)) / 1000);
}

export function historyOf(state: RunState): EpochRecord[] {
  return state.history.map(({ epoch, metrics, lr, seconds }) => ({ epoch, metrics, lr, seconds }));
}

export function summaryOf(run: RunRecord, queuePosition: number): RunSummary {
  const out: RunSummary = {
    runId: run.runId,
    name: run.name,
    status: run.status,
    createdAt: run.createdAt,
    config: run.config,
    history: historyOf(run.state),
  };
  if (run.number !== undefined) out.number = run.number;
  if (run.message !== undefined) out.message = run.message;
  if (run.startedAt) out.startedAt = run.startedAt;
  if (run.endedAt) out.endedAt = run.endedAt;
  if (queuePosition >= 0) out.queuePosition = queuePosition;
  if (run.checkpoint) out.checkpoint = run.checkpoint;
  if (run.bestWeights) {
    const { epoch, monitor, value, stored } = run.bestWeights;
    out.bestWeights = { epoch, monitor, value, sameAsFinal: !stored };
  }
  return out;
}

export function detailOf(run: RunRecord, queuePosition: number): RunDetail {
  const s = run.state;
  const runId = run.runId;
  const withRun = <T extends object>(e: T | null) => (e ? { ...e, runId } : undefined);
  const summary = summaryOf(run, queuePosition);
  return {
    ...summary,
    graph: run.graph,
    lastProgress: withRun(s.progress),
    lastEpoch: summary.history[summary.history.length - 1],
    lastHistograms: withRun(latest(s.histograms)),
    lastFilters: withRun(latest(s.filters)),
    lastActivations: withRun(latest(s.activations)),
    lastConfusion: withRun(latest(s.confusion)),
    warnings: s.warnings.map((w) => ({ ...w, runId })),
    notices: s.notices.map((n) => ({ ...n, runId })),
  };
}

/** The file's history: seconds since the start at each epoch's end (the API's records carry each epoch's seconds). */
function historyForFile(history: readonly EpochRecord[]) {
  let time = 0;
  return history.map((h) => ({ epoch: h.epoch, metrics: { ...h.metrics, lr: h.lr }, time: (time += h.seconds) }));
}

/** The small summary run.json keeps of a run (read without opening its telemetry): checkpoint, last confusion, notes. */
function runTelemetrySummary(run: RunRecord): Record<string, unknown> {
  const s = run.state;
  const out: Record<string, unknown> = {
    ...(run.checkpoint ? { checkpoint: run.checkpoint } : {}),
    warnings: s.warnings.map((w) => ({ epoch: w.epoch, kind: w.kind, message: w.message, ...(w.layer ? { layer: w.layer } : {}) })),
    notices: s.notices.map((n) => ({ epoch: n.epoch, kind: n.kind, message: n.message })),
  };
  const confusion = latest(s.confusion);
  if (confusion) {
    const { matrix, precision, recall, accuracy, samples, epoch } = confusion;
    out.confusion = { epoch, matrix, precision, recall, accuracy, samples, ...(run.classNames ? { classNames: run.classNames } : {}) };
  }
  return out;
}

/** The run's entry in its project at this moment; `weights` once it ended well (undefined keeps the stored ones). */
export function entryOf(run: RunRecord, weights: StoredWeights | null | undefined, best: BestWeights | null = null): RunEntry {
  return {
    id: run.storedAs ?? run.runId,
    name: run.name,
    status: run.outcome === 'completed' && run.earlyStopped ? 'early-stopped' : (run.outcome ?? 'running'),
    created: run.createdAt,
    config: run.config,
    graph: run.graph,
    history: historyForFile(historyOf(run.state)),
    telemetry: runTelemetrySummary(run),
    ...(run.telemetryLoaded ? { storedTelemetry: storedTelemetryOf(run.state, { backend: run.backend, telemetrySeconds: run.telemetrySeconds }) } : {}),
    durationSeconds: (run.earlierSeconds ?? 0) + sessionSeconds(run),
    ...(weights !== undefined ? { weights, best } : {}),
    ...(run.outcome === 'failed' && run.message ? { error: run.message } : {}),
  };
}
