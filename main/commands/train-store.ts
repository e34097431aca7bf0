/**
 * `layerlab train P.layerlab` keeps its run in the project as it happens, as the window's runs are kept: an entry
 * (`running`, naming this process as its trainer) when training starts, updated after every epoch with the history
 * and the checkpoint folder, and the final one with the weights. A CLI killed mid-training thus leaves its run in
 * the project, read as `interrupted` (projects/trainer.ts), which `--resume #N` continues. Writes go through the
 * project writer (lock, re-read, merge), coalesced per run (service/run-store.ts).
 */
import type { EpochMetrics, RunStatus, StoredTelemetry } from '../../shared/format';
import type { Graph } from '../../shared/graph/types';
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
}

export class CliRunStore {
  private readonly store = new RunStore();
  private readonly started = Date.now();
  private history: EpochMetrics[];
  private telemetry: Record<string, unknown> = {};
  private status: RunStatus = 'running';
  private weights: StoredWeights | undefined;
  private error: string | undefined;
  private storedTelemetry: StoredTelemetry | undefined;

  constructor(
    private readonly project: string,
    private readonly base: CliRunBase,
  ) {
    this.history = [...base.history];
  }

  /** The run's entry as training starts (or continues) from epoch `from`. */
  begin(from: number, telemetry: Record<string, unknown>): Promise<void> {
    this.history = this.history.filter((h) => h.epoch < from);
    this.telemetry = telemetry;
    return this.save();
  }

  /** An epoch ended after `seconds`; the file keeps the time since the run started (format: `time`). */
  epoch(epoch: number, metrics: Record<string, number>, seconds: number): Promise<void> {
    this.append(epoch, metrics, seconds);
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
  end(outcome: { status: RunStatus; history?: EngineEpoch[]; telemetry?: Record<string, unknown>; storedTelemetry?: StoredTelemetry; weights?: StoredWeights; error?: string }): Promise<void> {
    if (outcome.storedTelemetry) this.storedTelemetry = outcome.storedTelemetry;
    this.status = outcome.status;
    if (outcome.history) {
      this.history = [];
      for (const h of outcome.history) this.append(h.epoch, { ...h.metrics, lr: h.lr }, h.seconds);
    }
    if (outcome.telemetry) this.telemetry = outcome.telemetry;
    this.weights = outcome.weights;
    this.error = outcome.error;
    return this.save();
  }

  private save(): Promise<void> {
    return this.store.save(this.base.id, { path: () => this.project, entry: async () => this.entry() }, () => {});
  }

  private entry(): RunEntry {
    return {
      id: this.base.id,
      name: this.base.name,
      status: this.status,
      created: this.base.created,
      config: this.base.config,
      graph: this.base.graph,
      history: this.history,
      telemetry: this.telemetry,
      ...(this.storedTelemetry ? { storedTelemetry: this.storedTelemetry } : {}),
      durationSeconds: this.base.durationSeconds + (Date.now() - this.started) / 1000,
      ...(this.weights ? { weights: this.weights } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}
