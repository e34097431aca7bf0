/**
 * `layerlab train P.layerlab` keeps its run in the project as it happens, as the window's runs are kept: an entry
 * (`running`, naming this process as its trainer) when training starts, updated after every epoch's checkpoint with
 * the history, what the dashboard shows (histograms, filters, confusion, batch points: runs/<id>/telemetry.json.gz)
 * and the checkpoint folder, and the final one with the weights. A CLI killed mid-training thus leaves its run in
 * the project, read as `interrupted` (projects/trainer.ts), which `--resume #N` continues: the resumed session's
 * dashboard starts from the stored one's epochs before its checkpoint, so the run keeps every epoch's pictures.
 * Writes go through the project writer (lock, re-read, merge), coalesced per run (service/run-store.ts).
 */
import type { EpochMetrics, RunStatus } from '../../shared/format';
import type { BestWeights } from '../engine/training/best-weights';
import type { Graph } from '../../shared/graph/types';
import { storedTelemetryOf } from '../../shared/run-compact';
import type { RunEvent } from '../../shared/run-events';
import { applyRunEvent, emptyRunState, runStateBefore, type RunState } from '../../shared/run-state';
import type { EpochMetrics as EngineEpoch } from '../../shared/telemetry';
import type { StoredWeights } from '../projects/types';
import { RunStore, type RunEntry } from '../service/run-store';

export interface CliRunBase {
  id: string;
  name: string;
  created: string;
  config: Record<string, unknown>;
  graph: Graph;
  /** Epochs stored before this session (a resumed run), kept up to the checkpoint it continues from. */
  history: EpochMetrics[];
  /** Seconds it trained before this session. */
  durationSeconds: number;
  /** What the run showed before this session (a resumed run's stored telemetry), kept up to its checkpoint. */
  shown?: { state: RunState; telemetrySeconds?: number };
}

export class CliRunStore {
  private readonly store = new RunStore();
  private readonly started = Date.now();
  private history: EpochMetrics[];
  private telemetry: Record<string, unknown> = {};
  private status: RunStatus = 'running';
  private weights: StoredWeights | undefined;
  private best: BestWeights | null = null;
  private error: string | undefined;
  /** What the run shows, folded as the window folds it; null until training starts (the stored one is kept). */
  private shown: RunState | null = null;
  private backend: string | undefined;
  private telemetrySeconds: number | undefined;
  /**
   * What the next write stores: the run as of its last checkpoint (or its start or end), so the file never holds an
   * epoch's metrics without its pictures, nor a half-trained epoch's batches (a resume trains those again).
   */
  private written: { history: EpochMetrics[]; shown: RunState | null } = { history: [], shown: null };

  constructor(
    private readonly project: string,
    private readonly base: CliRunBase,
  ) {
    this.history = [...base.history];
    this.written.history = this.history;
  }

  /** The run's entry as training starts (or continues) from epoch `from`. */
  begin(from: number, telemetry: Record<string, unknown>): Promise<void> {
    this.history = this.history.filter((h) => h.epoch < from);
    // The epochs after the checkpoint are trained again: what the stored run showed of them gives way.
    this.shown = runStateBefore(this.base.shown?.state ?? emptyRunState(), from);
    this.telemetry = telemetry;
    if (typeof telemetry.backend === 'string' && telemetry.backend) this.backend = telemetry.backend;
    return this.save();
  }

  /** An event of the run (batch points, epoch metrics, pictures): stored with the next checkpoint's write. */
  show(event: RunEvent): void {
    if (this.shown) this.shown = applyRunEvent(this.shown, event);
  }

  /** An epoch ended after `seconds`; the file keeps the time since the run started (format: `time`). */
  epoch(epoch: number, metrics: Record<string, number>, seconds: number): void {
    this.append(epoch, metrics, seconds);
  }

  /** The epoch's checkpoint is written (after its pictures): the entry, with the epoch's telemetry, follows it. */
  checkpointed(): Promise<void> {
    return this.save();
  }

  private append(epoch: number, metrics: Record<string, number>, seconds: number): void {
    const before = this.history.filter((h) => h.epoch < epoch);
    this.history = [...before, { epoch, metrics, time: (before.at(-1)?.time ?? 0) + seconds }];
  }

  /**
   * The final entry; resolves once it is in the file. `history` is the engine's (every epoch, those before a resumed
   * checkpoint included), written in the file's form as the epochs were.
   */
  end(outcome: { status: RunStatus; history?: EngineEpoch[]; telemetry?: Record<string, unknown>; telemetrySeconds?: number; weights?: StoredWeights; best?: BestWeights | null; error?: string }): Promise<void> {
    if (outcome.telemetrySeconds !== undefined) this.telemetrySeconds = (this.base.shown?.telemetrySeconds ?? 0) + outcome.telemetrySeconds;
    this.status = outcome.status;
    if (outcome.history) {
      this.history = [];
      for (const h of outcome.history) this.append(h.epoch, { ...h.metrics, lr: h.lr }, h.seconds);
    }
    if (outcome.telemetry) this.telemetry = outcome.telemetry;
    this.weights = outcome.weights;
    this.best = outcome.best ?? null;
    this.error = outcome.error;
    return this.save();
  }

  private save(): Promise<void> {
    this.written = { history: this.history, shown: this.shown };
    return this.store.save(this.base.id, { path: () => this.project, entry: async () => this.entry() }, () => {});
  }

  private entry(): RunEntry {
    // Nothing shown yet (a run that never started training): the stored telemetry, if any, stays as it is.
    const about = { ...(this.backend ? { backend: this.backend } : {}), ...(this.telemetrySeconds !== undefined ? { telemetrySeconds: this.telemetrySeconds } : {}) };
    const stored = this.written.shown ? storedTelemetryOf(this.written.shown, about) : undefined;
    return {
      id: this.base.id,
      name: this.base.name,
      status: this.status,
      created: this.base.created,
      config: this.base.config,
      graph: this.base.graph,
      history: this.written.history,
      telemetry: this.telemetry,
      ...(stored && stored.events.length > 0 ? { storedTelemetry: stored } : {}),
      durationSeconds: this.base.durationSeconds + (Date.now() - this.started) / 1000,
      ...(this.weights ? { weights: this.weights, best: this.best } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}
