/**
 * The run manager: every run's id, config and graph snapshots, status and metric history, and the device queue
 * (one run trains at a time; others wait in order). Workers report through the runner; whatever happens to a
 * worker, its run ends in a definite status and the next queued run starts.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  ApiError,
  type EpochRecord,
  type PredictResult,
  type RunDetail,
  type RunStatus,
  type RunSummary,
  type TrainingActivations,
  type TrainingConfusion,
  type TrainingFilters,
  type TrainingHistograms,
  type TrainingNotice,
  type TrainingProgress,
  type TrainingWarning,
} from '../../shared/api';
import type { Graph, GraphError, ModelSpec } from '../../shared/graph/types';
import { TrainingConfigSchema, type TrainingConfig } from '../../shared/training';
import type { RunJson } from '../../shared/format';
import type { EventBus } from './events';
import type { DatasetSourceOptions, FromWorker, WorkerWeight } from './protocol';
import type { RunnerFactory, RunnerHandle } from './runner';
import { RunStore } from './run-store';
import { loadExportSource } from '../export/source';
import { loadRunWeights, openProject, runNumbers } from '../projects/service';

/** How many finished runs keep their worker (and weights) loaded for predictions. */
const LOADED_FINISHED_RUNS = 2;
const MAX_KEPT_WARNINGS = 200;

interface RunRecord {
  runId: string;
  name: string;
  status: RunStatus;
  message?: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  config: TrainingConfig;
  graph: Graph;
  modelSpec: ModelSpec;
  history: EpochRecord[];
  checkpoint?: string;
  classNames?: string[];
  lastProgress?: TrainingProgress;
  lastHistograms?: TrainingHistograms;
  lastFilters?: TrainingFilters;
  lastActivations?: TrainingActivations;
  lastConfusion?: TrainingConfusion;
  warnings: TrainingWarning[];
  notices: TrainingNotice[];
  handle?: RunnerHandle;
  resumeFrom?: string;
  projectPath?: string;
  /** The id of this run's entry in the project, once stored. */
  storedAs?: string;
  /** Its number in the project, once stored. */
  number?: number;
  /** How it ended, for its entry in the project (absent while it runs). */
  outcome?: 'completed' | 'stopped' | 'failed';
  /** Early stopping ended the run (stored as 'early-stopped' in the project, as the CLI stores it). */
  earlyStopped?: boolean;
}

export interface RunManagerOptions {
  bus: EventBus;
  runnerFactory: RunnerFactory;
  datasets: DatasetSourceOptions;
  checkpointDir?: string;
  graphErrors: (graph: Graph) => GraphError[];
  compile: (graph: Graph, name: string) => ModelSpec;
  classNames?: (dataset: string) => string[] | undefined;
  /** Whether a project path is an Untitled project's recovery store (its runs are stored without a note). */
  isRecoveryStore?: (path: string) => boolean;
}

/** Why a stored run listed as running cannot be paused or stopped from here. */
const ELSEWHERE = 'another process (a `layerlab train` of this project) trains it: stop it there (Ctrl-C)';

const ENDED: readonly RunStatus[] = ['stopped', 'completed', 'failed', 'interrupted'];

export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private readonly queue: string[] = [];
  private active: RunRecord | undefined;
  /** Finished runs whose worker is still loaded, oldest first. */
  private readonly loaded: RunRecord[] = [];
  /** Stored runs whose weights are being loaded for predictions. */
  private readonly loading = new Map<string, Promise<void>>();
  private closed = false;
  private readonly store = new RunStore();

  constructor(private readonly options: RunManagerOptions) {}

  /** Queues a run; with `projectPath` the run is stored in that project file when it ends (completed or stopped). */
  start(graph: Graph, config: TrainingConfig, name?: string, projectPath?: string): { runId: string; status: RunStatus } {
    this.checkStartable(graph);
    const runId = `run-${randomUUID().slice(0, 8)}`;
    const record: RunRecord = {
      runId,
      name: name ?? `${config.dataset.name} ${config.optimizer.name} lr=${config.optimizer.learning_rate}`,
      status: 'queued',
      createdAt: new Date().toISOString(),
      config: structuredClone(config),
      graph: structuredClone(graph),
      modelSpec: this.options.compile(graph, runId.replace(/-/g, '_')),
      history: [],
      classNames: this.options.classNames?.(config.dataset.name),
      warnings: [],
      notices: [],
      ...(projectPath ? { projectPath } : {}),
    };
    this.runs.set(runId, record);
    this.queue.push(runId);
    this.setStatus(record, 'queued', this.active ? `waiting for ${this.active.runId} to finish` : undefined);
    this.pump();
    return { runId, status: record.status };
  }

  /** Throws what start() would refuse (shutting down, graph errors), before the caller prepares the run's project. */
  checkStartable(graph: Graph): void {
    if (this.closed) throw new ApiError('unavailable', 'the backend is shutting down: start the run again after it restarts');
    const errors = this.options.graphErrors(graph);
    if (errors.length > 0) {
      const lines = errors.slice(0, 10).map((e) => (e.nodeId ? `node ${e.nodeId}: ${e.message}` : e.message));
      throw new ApiError('invalid-graph', `the model cannot be trained until its errors are fixed: ${lines.join('; ')}`, errors);
    }
  }

  pause(runId: string): RunSummary {
    const run = this.get(runId);
    if (run.status !== 'running') throw this.conflict(run, 'pause', 'only a running run can be paused');
    if (!run.handle) throw this.conflict(run, 'pause', ELSEWHERE);
    run.handle!.pause();
    this.setStatus(run, 'paused');
    return this.summary(run);
  }

  /**
   * A paused run continues at once. A stopped or failed run with a checkpoint queues again and continues from
   * it (weights, optimizer state, epoch), keeping its history.
   */
  resume(runId: string): RunSummary {
    const run = this.get(runId);
    if (run.status === 'paused') {
      run.handle!.resume();
      this.setStatus(run, 'running');
      return this.summary(run);
    }
    if ((run.status === 'stopped' || run.status === 'failed' || run.status === 'interrupted') && run.checkpoint) {
      if (this.closed) throw new ApiError('unavailable', 'the backend is shutting down: resume the run after it restarts');
      const handle = run.handle;
      run.handle = undefined;
      void handle?.kill();
      const at = this.loaded.indexOf(run);
      if (at >= 0) this.loaded.splice(at, 1);
      run.resumeFrom = run.checkpoint;
      run.endedAt = undefined;
      run.outcome = undefined;
      run.earlyStopped = false;
      this.queue.push(run.runId);
      this.setStatus(run, 'queued', `resuming from the checkpoint at ${run.checkpoint}`);
      this.pump();
      return this.summary(run);
    }
    const why = ENDED.includes(run.status) ? 'it ended before its first checkpoint' : 'only a paused run, or a stopped, failed or interrupted one with a checkpoint, can be resumed';
    throw this.conflict(run, 'resume', why);
  }

  /**
   * Lists the runs stored in a project the window opened beside this session's runs (history, config, graph: the
   * run history, comparing and opening graphs work; export takes the weights from the file). Runs already listed,
   * and runs whose config or graph this build cannot read, are left out.
   */
  adoptStored(projectPath: string, stored: readonly RunJson[]): void {
    const numbers = runNumbers(stored);
    const listed = new Set([...this.runs.values()].flatMap((r) => (r.storedAs && r.projectPath === projectPath ? [r.storedAs] : [])));
    for (const [i, meta] of stored.entries()) {
      if (listed.has(meta.id)) continue;
      // A copy of a project opened beside the original holds the same run ids: its runs get keys of their own.
      const key = this.runs.has(meta.id) ? `${meta.id}-${projectKey(projectPath)}` : meta.id;
      if (this.runs.has(key)) continue;
      const config = TrainingConfigSchema.safeParse(meta.config);
      if (!config.success) continue;
      let modelSpec: ModelSpec;
      try {
        modelSpec = this.options.compile(meta.graph, meta.name);
      } catch {
        continue;
      }
      let previous = 0;
      const history = meta.history.map((h) => {
        const seconds = h.time === undefined ? 0 : Math.max(0, h.time - previous);
        previous = h.time ?? previous;
        const metrics = Object.fromEntries(Object.entries(h.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
        return { epoch: h.epoch, metrics, lr: metrics.lr ?? config.data.optimizer.learning_rate, seconds };
      });
      // A run another live process trains (the CLI) is listed as it was stored, as interrupted once that process is gone.
      const status: RunStatus = meta.status === 'failed' || meta.status === 'stopped' || meta.status === 'interrupted' || meta.status === 'running' ? meta.status : 'completed';
      const saved = (meta.telemetry as { checkpoint?: unknown } | undefined)?.checkpoint;
      const checkpoint = typeof saved === 'string' && existsSync(saved) ? saved : undefined;
      // The app or CLI that trained it was killed or crashed mid-run (projects/trainer.ts).
      const interrupted = meta.status === 'interrupted'
        ? `interrupted: Layerlab stopped during this run, after ${meta.history.length} epoch(s); ${checkpoint ? 'resume it to continue from its last checkpoint' : 'it had no checkpoint yet, so it cannot resume'}`
        : undefined;
      this.runs.set(key, {
        runId: key,
        number: numbers[i]!,
        name: meta.name,
        status,
        message: interrupted ?? meta.error ?? `stored in ${projectPath}`,
        ...(checkpoint ? { checkpoint } : {}),
        createdAt: meta.created,
        endedAt: meta.created,
        config: config.data,
        graph: meta.graph,
        modelSpec,
        history,
        warnings: [],
        notices: [],
        projectPath,
        storedAs: meta.id,
      });
    }
  }

  /** Loads an ended run's stored weights into a worker that answers predictions; concurrent callers share one load. */
  private loadStored(run: RunRecord): Promise<void> {
    let loading = this.loading.get(run.runId);
    if (loading) return loading;
    loading = (async () => {
      const { doc } = await openProject(run.projectPath!);
      const stored = await loadRunWeights(doc, run.storedAs!);
      await new Promise<void>((resolve, reject) => {
        const handle = this.options.runnerFactory(
          { runId: run.runId, graph: run.graph, modelSpec: run.modelSpec, config: run.config, datasets: this.options.datasets, stored },
          (message) => {
            // Only the load's outcome matters: the run itself ended long ago.
            if (message.type === 'done') {
              run.handle = handle;
              this.keepLoaded(run);
              resolve();
            } else if (message.type === 'failed') {
              void handle.kill();
              reject(new Error(message.message));
            }
          },
        );
      });
    })()
      .catch((err: Error) => {
        throw new ApiError('unavailable', `run ${run.runId} cannot predict: its stored weights in ${run.projectPath} could not be loaded (${err.message})`);
      })
      .finally(() => this.loading.delete(run.runId));
    this.loading.set(run.runId, loading);
    return loading;
  }

  /** A queued run is dropped from the queue; a running or paused one stops after the current batch. */
  stop(runId: string): RunSummary {
    const run = this.get(runId);
    if (run.status === 'queued') {
      this.queue.splice(this.queue.indexOf(runId), 1);
      run.endedAt = new Date().toISOString();
      this.setStatus(run, 'stopped', 'stopped before it started');
      this.broadcastQueue();
    } else if (run.status === 'running' || run.status === 'paused') {
      if (!run.handle) throw this.conflict(run, 'stop', ELSEWHERE);
      run.handle.stop();
    } else {
      throw this.conflict(run, 'stop', 'it has already ended');
    }
    return this.summary(run);
  }

  async predict(runId: string, pixels: number[], shape: number[]): Promise<PredictResult> {
    const run = this.get(runId);
    if (!run.handle && run.projectPath && run.storedAs && ENDED.includes(run.status)) await this.loadStored(run);
    if (!run.handle) {
      const why =
        run.status === 'queued'
          ? 'it has not started yet'
          : 'its weights are no longer loaded (only the latest finished runs keep them): train it again or predict with a newer run';
      throw new ApiError('unavailable', `run ${runId} cannot predict: ${why}`);
    }
    const result = await run.handle.predict(pixels, shape);
    return run.classNames ? { ...result, classNames: run.classNames } : result;
  }

  /**
   * The run's config and weights (for export): the loaded worker's current weights, or, once the worker is gone,
   * the weights the run stored in its project file.
   */
  async weights(runId: string): Promise<{ config: TrainingConfig; weights: WorkerWeight[] }> {
    const run = this.get(runId);
    const stored = Boolean(run.projectPath && run.storedAs);
    if (run.handle) {
      try {
        return { config: run.config, weights: await run.handle.weights() };
      } catch (err) {
        // A worker that ended (killed, crashed, unloaded) cannot answer; a stored copy still can.
        if (!stored) throw err;
      }
    }
    if (stored) {
      try {
        const source = await loadExportSource(run.projectPath!, run.storedAs);
        if (source.weights) return { config: run.config, weights: source.weights };
      } catch (err) {
        throw new ApiError('unavailable', `run ${runId} is no longer loaded and its stored copy in ${run.projectPath} cannot be read (${(err as Error).message})`);
      }
    }
    throw new ApiError('unavailable', `run ${runId} has no weights loaded (only the latest finished runs keep them, and it was not stored in a project): train it with the project saved, or export without runId for fresh weights`);
  }

  /** Every run, or with `projectPath` only the runs of that project (its file, or an Untitled project's store). */
  list(projectPath?: string): RunSummary[] {
    const runs = [...this.runs.values()];
    return (projectPath === undefined ? runs : runs.filter((r) => r.projectPath === projectPath)).map((r) => this.summary(r));
  }

  /**
   * The project at `from` now lives at `to` (an Untitled project's first save moved its runs from the recovery
   * store into the file): its runs belong there, and a live one stores its next states there.
   */
  moveProject(from: string, to: string): void {
    for (const run of this.runs.values()) if (run.projectPath === from) run.projectPath = to;
  }

  detail(runId: string): RunDetail {
    const run = this.get(runId);
    return {
      ...this.summary(run),
      graph: run.graph,
      lastProgress: run.lastProgress,
      lastEpoch: run.history[run.history.length - 1],
      lastHistograms: run.lastHistograms,
      lastFilters: run.lastFilters,
      lastActivations: run.lastActivations,
      lastConfusion: run.lastConfusion,
      warnings: run.warnings,
      notices: run.notices,
    };
  }

  /** Ends a run's worker at once, as a crash would (used by close() and by tests of crash handling). */
  async kill(runId: string): Promise<void> {
    const run = this.get(runId);
    await run.handle?.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.queue.splice(0)) {
      const run = this.runs.get(id)!;
      this.setStatus(run, 'stopped', 'the backend shut down before the run started');
    }
    await Promise.all([...this.runs.values()].map((r) => r.handle?.kill()));
  }

  private get(runId: string): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw new ApiError('not-found', `no run with id '${runId}': list the runs with training.list`);
    return run;
  }

  private conflict(run: RunRecord, action: string, why: string): ApiError {
    return new ApiError('conflict', `cannot ${action} run ${run.runId}: it is ${run.status}, and ${why}`);
  }

  private summary(run: RunRecord): RunSummary {
    const position = this.queue.indexOf(run.runId);
    const out: RunSummary = {
      runId: run.runId,
      name: run.name,
      status: run.status,
      createdAt: run.createdAt,
      config: run.config,
      history: run.history,
    };
    if (run.number !== undefined) out.number = run.number;
    if (run.message !== undefined) out.message = run.message;
    if (run.startedAt) out.startedAt = run.startedAt;
    if (run.endedAt) out.endedAt = run.endedAt;
    if (position >= 0) out.queuePosition = position;
    if (run.checkpoint) out.checkpoint = run.checkpoint;
    return out;
  }

  private setStatus(run: RunRecord, status: RunStatus, message?: string): void {
    run.status = status;
    run.message = message;
    const payload = { runId: run.runId, status, at: new Date().toISOString(), ...(message !== undefined ? { message } : {}) };
    this.options.bus.emit('training.status', payload);
  }

  private broadcastQueue(): void {
    for (const [i, id] of this.queue.entries()) {
      const run = this.runs.get(id)!;
      this.setStatus(run, 'queued', `position ${i} in the queue`);
    }
  }

  private pump(): void {
    if (this.active || this.closed) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    const run = this.runs.get(next)!;
    this.active = run;
    run.startedAt = new Date().toISOString();
    this.setStatus(run, 'running');
    if (this.queue.length > 0) this.broadcastQueue();
    try {
      run.handle = this.options.runnerFactory(
        {
          runId: run.runId,
          graph: run.graph,
          modelSpec: run.modelSpec,
          config: run.config,
          checkpointDir: this.options.checkpointDir,
          datasets: this.options.datasets,
          ...(run.resumeFrom ? { resumeFrom: run.resumeFrom } : {}),
          ...(run.projectPath ? { projectPath: run.projectPath } : {}),
        },
        (message) => this.onWorkerMessage(run, message),
      );
      void this.persist(run).catch(() => {}); // its entry, from the start; a failure here is reported at the end
    } catch (err) {
      this.onWorkerMessage(run, { type: 'failed', message: `could not start the training worker: ${(err as Error).message}` });
    }
  }

  private onWorkerMessage(run: RunRecord, message: FromWorker): void {
    switch (message.type) {
      case 'event':
        this.record(run, message);
        this.options.bus.emit(message.event, message.payload as never);
        if (message.event === 'training.epoch') void this.persist(run).catch(() => {});
        return;
      case 'state':
        if (ENDED.includes(run.status) || run.status === message.state) return;
        this.setStatus(run, message.state);
        return;
      case 'checkpoint':
        run.checkpoint = message.path;
        // Stored with the run, so that a run whose app was killed can resume from it after a restart.
        void this.persist(run).catch(() => {});
        return;
      case 'done':
        if (run.projectPath) {
          // The run counts as ended once it is in the project, so a client that sees 'completed' can open it there.
          run.outcome = message.status;
          run.earlyStopped = message.earlyStopped === true;
          void this.storeFinal(run).then((note) => {
            this.finish(run, message.status, [message.message, note].filter(Boolean).join('; ') || undefined);
            this.keepLoaded(run);
          });
          return;
        }
        this.finish(run, message.status, message.message);
        this.keepLoaded(run);
        return;
      case 'failed': {
        const kept = run.checkpoint ? ` The last checkpoint is kept at ${run.checkpoint}.` : '';
        this.finish(run, 'failed', `${message.message}.${kept}`.replace(/\.\./g, '.'));
        run.outcome = 'failed';
        void this.persist(run).catch(() => {});
        const handle = run.handle;
        run.handle = undefined;
        void handle?.kill();
        return;
      }
      default:
        return;
    }
  }

  /** Writes the run's entry (status, history, telemetry; weights once it ended well) into its project. */
  private persist(run: RunRecord): Promise<void> {
    return this.store.save(
      run.runId,
      {
        path: () => run.projectPath,
        entry: async () => {
          const ended = run.outcome === 'completed' || run.outcome === 'stopped';
          const weights = ended ? ((await run.handle?.artifacts?.()) ?? null) : undefined;
          const started = run.startedAt ? Date.parse(run.startedAt) : Date.now();
          return {
            id: run.storedAs ?? run.runId,
            name: run.name,
            status: run.outcome === 'completed' && run.earlyStopped ? 'early-stopped' : (run.outcome ?? 'running'),
            created: run.createdAt,
            config: run.config,
            graph: run.graph,
            history: historyForFile(run.history),
            telemetry: runTelemetrySummary(run),
            durationSeconds: Math.max(0, ((run.endedAt ? Date.parse(run.endedAt) : Date.now()) - started) / 1000),
            ...(weights !== undefined ? { weights } : {}),
            ...(run.outcome === 'failed' && run.message ? { error: run.message } : {}),
          };
        },
      },
      (meta) => {
        run.storedAs = meta.id;
        if (meta.number) run.number = meta.number;
      },
    );
  }

  /** The ended run's last write into its project; returns a note for the status message. */
  private async storeFinal(run: RunRecord): Promise<string> {
    try {
      await this.persist(run);
      // Where an Untitled project keeps its runs is no news to the user: they are in the project when it is saved.
      return this.options.isRecoveryStore?.(run.projectPath!) ? '' : `saved to ${run.projectPath} as ${run.storedAs}`;
    } catch (err) {
      return `could not save the run to ${run.projectPath}: ${(err as Error).message}`;
    }
  }

  private record(run: RunRecord, message: Extract<FromWorker, { type: 'event' }>): void {
    switch (message.event) {
      case 'training.progress':
        run.lastProgress = message.payload;
        break;
      case 'training.epoch': {
        const { epoch, metrics, lr, seconds } = message.payload;
        run.history.push({ epoch, metrics, lr, seconds });
        break;
      }
      case 'training.histograms':
        run.lastHistograms = message.payload;
        break;
      case 'training.filters':
        run.lastFilters = message.payload;
        break;
      case 'training.activations':
        run.lastActivations = message.payload;
        break;
      case 'training.confusion':
        run.lastConfusion = message.payload;
        break;
      case 'training.warning':
        if (run.warnings.length < MAX_KEPT_WARNINGS) run.warnings.push(message.payload);
        break;
      case 'training.notice':
        if (run.notices.length < MAX_KEPT_WARNINGS) run.notices.push(message.payload);
        break;
    }
  }

  private finish(run: RunRecord, status: RunStatus, message?: string): void {
    if (ENDED.includes(run.status)) return;
    run.endedAt = new Date().toISOString();
    this.setStatus(run, status, message);
    if (this.active === run) this.active = undefined;
    this.pump();
  }

  private keepLoaded(run: RunRecord): void {
    this.loaded.push(run);
    while (this.loaded.length > LOADED_FINISHED_RUNS) {
      const old = this.loaded.shift()!;
      const handle = old.handle;
      old.handle = undefined;
      void handle?.kill();
    }
  }
}

/** A short stable key of a project path, for runs of a copy of a project whose ids are taken already. */
function projectKey(path: string): string {
  let h = 5381;
  for (let i = 0; i < path.length; i++) h = ((h * 33) ^ path.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

/** The file's history: seconds since the start at each epoch's end (the API's records carry each epoch's seconds). */
function historyForFile(history: readonly EpochRecord[]) {
  let time = 0;
  return history.map((h) => ({ epoch: h.epoch, metrics: { ...h.metrics, lr: h.lr }, time: (time += h.seconds) }));
}

/** The small telemetry summary a project keeps of a run: last confusion matrix, warnings and notices. */
function runTelemetrySummary(run: RunRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...(run.checkpoint ? { checkpoint: run.checkpoint } : {}),
    warnings: run.warnings.map((w) => ({ epoch: w.epoch, kind: w.kind, message: w.message, ...(w.layer ? { layer: w.layer } : {}) })),
    notices: run.notices.map((n) => ({ epoch: n.epoch, kind: n.kind, message: n.message })),
  };
  if (run.lastConfusion) {
    const { matrix, precision, recall, accuracy, samples, epoch } = run.lastConfusion;
    out.confusion = { epoch, matrix, precision, recall, accuracy, samples, ...(run.classNames ? { classNames: run.classNames } : {}) };
  }
  return out;
}
