/**
 * Runs a sweep's trials one after another, each as a normal run of the run manager (main/service): its own graph
 * and config snapshot, the device queue, the worker, the same events the dashboard shows. The state is saved after
 * every trial, so a new runner built from the saved state resumes where the last one ended (finished trials are
 * not run again; an interrupted one runs again from the start).
 */
import type { ApiEventMessage, ApiEventPayload, RunStatus } from '../../shared/api';
import type { Graph } from '../../shared/graph/types';
import { decidePromotion, objectiveValue, rungEpochs, rungValues } from '../../shared/sweep/rank';
import { formatSweepValue } from '../../shared/sweep/table';
import { dimensionName } from '../../shared/sweep/schema';
import { FINAL_TRIAL_STATUSES, trialSnapshot, type RungDecision, type SweepState, type SweepStatus, type TrialRecord } from '../../shared/sweep/state';
import type { TrainingConfig } from '../../shared/training';
import type { RunLauncher, TrialRun } from './launcher';
import type { SweepStore } from './store';

export type SweepEvent =
  | { type: 'status'; status: SweepStatus }
  | { type: 'trial-start'; trial: TrialRecord; runId: string }
  | { type: 'rung'; trial: TrialRecord; decision: RungDecision }
  | { type: 'trial-end'; trial: TrialRecord };

export interface SweepRunnerOptions {
  /** Trains the trials (the backend service's: main/service/sweep-launcher.ts). */
  launcher: RunLauncher;
  /** A new sweep (createSweepState) or one loaded from a store to resume. */
  state: SweepState;
  /** Saved to after every trial and on every status change. */
  store?: SweepStore;
  onEvent?: (event: SweepEvent, state: SweepState) => void;
  /**
   * Trials skip the heavy per-epoch telemetry (histograms, filters, activations, confusion matrix): a sweep
   * compares metrics, and these cost more than the training of a small model. Default true.
   */
  lightTelemetry?: boolean;
}

const ENDED: readonly RunStatus[] = ['completed', 'stopped', 'failed'];

interface RunOutcome {
  status: RunStatus;
  message?: string;
}

export class SweepRunner {
  private readonly launcher: RunLauncher;
  private readonly store?: SweepStore;
  private readonly onEvent?: SweepRunnerOptions['onEvent'];
  private readonly light: boolean;
  private readonly current: SweepState;
  private running = false;
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private activeRunId: string | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: SweepRunnerOptions) {
    this.launcher = options.launcher;
    this.store = options.store;
    this.onEvent = options.onEvent;
    this.light = options.lightTelemetry ?? true;
    this.current = structuredClone(options.state);
  }

  /** The live state (read-only for callers: copy it before changing it). */
  get state(): SweepState {
    return this.current;
  }

  /** The run manager's id of the trial that is training now. */
  get activeRun(): string | undefined {
    return this.activeRunId;
  }

  /** Runs every trial that has not ended; resolves with the state once all ended ('completed') or after stop(). */
  async run(): Promise<SweepState> {
    if (this.running) throw new Error('this sweep is already running: wait for run() to end, or stop() it');
    this.running = true;
    this.stopRequested = false;
    try {
      // A trial left 'running' was interrupted (a crash or a kill): it starts again from scratch.
      for (const t of this.current.trials) if (t.status === 'running') this.resetTrial(t);
      this.setStatus(this.paused ? 'paused' : 'running');
      await this.persist();
      for (const trial of this.current.trials) {
        if (FINAL_TRIAL_STATUSES.includes(trial.status)) continue;
        await this.waitWhilePaused();
        if (this.stopRequested) break;
        await this.runTrial(trial);
        if (FINAL_TRIAL_STATUSES.includes(trial.status)) this.onEvent?.({ type: 'trial-end', trial }, this.current);
        await this.persist();
      }
      const finished = this.current.trials.every((t) => FINAL_TRIAL_STATUSES.includes(t.status));
      this.setStatus(finished ? 'completed' : 'stopped');
      await this.persist();
      return this.current;
    } finally {
      this.running = false;
    }
  }

  /** Pauses the trial that is training (between batches) and starts no new one until resume(). */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (this.activeRunId) this.tryRun(() => this.launcher.pause(this.activeRunId!));
    if (this.running) {
      this.setStatus('paused');
      void this.persist();
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.activeRunId) this.tryRun(() => this.launcher.resume(this.activeRunId!));
    if (this.running) this.setStatus('running');
    this.wake?.();
    this.wake = null;
  }

  /** Stops the sweep: the training trial ends after its current batch and stays pending (it runs again on resume). */
  stop(): void {
    this.stopRequested = true;
    if (this.activeRunId) this.tryRun(() => this.launcher.stop(this.activeRunId!));
    this.wake?.();
    this.wake = null;
  }

  /** Waits until every save so far has been written. */
  flush(): Promise<void> {
    return this.saving;
  }

  private tryRun(action: () => void): void {
    try {
      action();
    } catch {
      // The run moved on meanwhile (queued, or just ended): its status events settle the trial.
    }
  }

  private async waitWhilePaused(): Promise<void> {
    while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private setStatus(status: SweepStatus): void {
    if (this.current.status === status) return;
    this.current.status = status;
    this.onEvent?.({ type: 'status', status }, this.current);
  }

  private persist(): Promise<void> {
    this.current.updated = new Date().toISOString();
    const snapshot = structuredClone(this.current);
    const store = this.store;
    this.saving = this.saving.then(() => store?.save(snapshot));
    return this.saving;
  }

  private resetTrial(t: TrialRecord): void {
    t.status = 'pending';
    t.history = [];
    delete t.runId;
    delete t.objective;
    delete t.rungs;
    delete t.reason;
    delete t.startedAt;
    delete t.endedAt;
    delete t.durationSeconds;
  }

  private trialName(trial: TrialRecord): string {
    const values = this.current.config.dimensions.map((d) => {
      const name = dimensionName(d);
      return `${name}=${formatSweepValue(trial.values[name], 'toggle' in d.target)}`;
    });
    return `${this.current.name} #${trial.id + 1} ${values.join(' ')}`.slice(0, 200);
  }

  private async runTrial(trial: TrialRecord): Promise<void> {
    this.resetTrial(trial);
    const applied = trialSnapshot(this.current, trial);
    if (!applied.ok) {
      trial.status = 'skipped';
      trial.reason = applied.reason;
      return;
    }
    const config = this.light
      ? { ...applied.config, telemetry: { ...applied.config.telemetry, histograms: false, filters: false, activations: false, confusion_matrix: false, gradient_histograms: false } }
      : applied.config;
    trial.status = 'running';
    trial.startedAt = new Date().toISOString();
    const outcome = await this.train(trial, applied.graph, config);
    trial.endedAt = new Date().toISOString();
    const detail = trial.runId ? this.detail(trial.runId) : undefined;
    if (detail) {
      trial.history = detail.history.map((h) => ({ epoch: h.epoch, metrics: { ...h.metrics }, seconds: h.seconds }));
      if (detail.startedAt && detail.endedAt) trial.durationSeconds = (Date.parse(detail.endedAt) - Date.parse(detail.startedAt)) / 1000;
    }
    trial.durationSeconds ??= (Date.parse(trial.endedAt) - Date.parse(trial.startedAt)) / 1000;
    const objective = this.current.config.objective;
    const cut = trial.rungs?.find((r) => !r.promoted);
    if (cut) {
      trial.status = 'terminated-early';
      trial.objective = cut.value;
      trial.reason = `after ${cut.epochs} epoch${cut.epochs === 1 ? '' : 's'} its ${objective.metric} ${cut.value.toFixed(4)} was not in the top 1/${this.eta()} of the trials at that point`;
    } else if (outcome.status === 'completed') {
      trial.status = 'done';
      trial.objective = objectiveValue(trial.history, objective);
    } else if (outcome.status === 'stopped' && this.stopRequested) {
      this.resetTrial(trial);
    } else {
      trial.status = 'failed';
      trial.objective = objectiveValue(trial.history, objective);
      trial.reason = outcome.status === 'stopped' ? 'its run was stopped outside the sweep' : (outcome.message ?? 'the run failed');
    }
  }

  private eta(): number {
    const s = this.current.config.strategy;
    return s.type === 'successive_halving' ? s.eta : 1;
  }

  private detail(runId: string): TrialRun | undefined {
    try {
      return this.launcher.detail(runId);
    } catch {
      return undefined;
    }
  }

  /** Starts the trial's run and resolves when it has ended, taking successive-halving decisions at each rung. */
  private train(trial: TrialRecord, graph: Graph, config: TrainingConfig): Promise<RunOutcome> {
    const { strategy, objective } = this.current.config;
    const rungs = new Set(rungEpochs(strategy));
    const history: { epoch: number; metrics: Record<string, number>; seconds: number }[] = [];
    let runId: string | undefined;
    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: RunOutcome): void => {
        if (settled) return;
        settled = true;
        unsubscribe();
        this.activeRunId = undefined;
        resolve(outcome);
      };
      const onMessage = (message: ApiEventMessage): void => {
        if (runId === undefined || (message.payload as { runId?: string }).runId !== runId) return;
        if (message.event === 'training.status') {
          const { status, message: why } = message.payload as ApiEventPayload<'training.status'>;
          if (ENDED.includes(status)) finish({ status, ...(why !== undefined ? { message: why } : {}) });
          else if (status === 'running' && this.paused) this.tryRun(() => this.launcher.pause(runId!));
          return;
        }
        if (message.event !== 'training.epoch') return;
        const { epoch, metrics, seconds } = message.payload as ApiEventPayload<'training.epoch'>;
        history.push({ epoch, metrics, seconds });
        const epochs = epoch + 1;
        if (!rungs.has(epochs) || strategy.type !== 'successive_halving' || trial.rungs?.some((r) => !r.promoted)) return;
        const value = objectiveValue(history, objective, epochs);
        if (value === null) return;
        const promoted = decidePromotion(rungValues(this.current.trials, epochs, trial.id), value, strategy.eta, objective.mode);
        const decision = { epochs, value, promoted };
        (trial.rungs ??= []).push(decision);
        this.onEvent?.({ type: 'rung', trial, decision }, this.current);
        if (!promoted) this.tryRun(() => this.launcher.stop(runId!));
      };
      const unsubscribe = this.launcher.subscribe(onMessage);
      try {
        runId = this.launcher.start(graph, config, this.trialName(trial)).runId;
      } catch (err) {
        finish({ status: 'failed', message: `the run could not start: ${(err as Error).message}` });
        return;
      }
      trial.runId = runId;
      this.activeRunId = runId;
      this.onEvent?.({ type: 'trial-start', trial, runId }, this.current);
      // A worker that fails to start ends the run inside start(), before its id was known here.
      const now = this.detail(runId);
      if (now && ENDED.includes(now.status)) finish({ status: now.status, ...(now.message !== undefined ? { message: now.message } : {}) });
      else if (this.stopRequested) this.tryRun(() => this.launcher.stop(runId!));
      else if (this.paused && now?.status === 'running') this.tryRun(() => this.launcher.pause(runId!));
    });
  }
}
