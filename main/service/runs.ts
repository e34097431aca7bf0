/**
 * The run manager: every run's id, config and graph snapshots, status and what it has shown (its RunState, folded
 * by the shared reducer), and the device queue (run-queue.ts). Workers report through the runner; whatever happens
 * to a worker, its run ends in a definite status and the next queued run starts. Each run is kept in its project
 * as it happens (run-store.ts); runs of a project opened from disk are listed beside (stored-runs.ts).
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type PredictResult, type RunDetail, type RunStatus, type RunSummary } from '../../shared/api';
import type { Graph, GraphError, ModelSpec } from '../../shared/graph/types';
import type { ActivationMaps, RunEvent } from '../../shared/run-events';
import { RUN_EVENT_API_NAMES } from '../../shared/run-events';
import { applyRunEvent, emptyRunState, runStateEvents } from '../../shared/run-state';
import type { TrainingConfig } from '../../shared/training';
import type { RunJson } from '../../shared/format';
import type { EventBus } from './events';
import type { DatasetSourceOptions, FromWorker, WorkerWeight } from './protocol';
import type { RunnerFactory, RunnerHandle } from './runner';
import { RunQueue } from './run-queue';
import { detailOf, entryOf, sessionSeconds, summaryOf, type RunRecord } from './run-record';
import { RunStore } from './run-store';
import { loadStoredTelemetry, projectKey, recordFromStored } from './stored-runs';
import { loadExportSource } from '../export/source';
import { loadRunWeights, openProject } from '../projects/service';
import { runNumbers } from '../projects/run-numbers';
import type { InitialWeights } from '../engine/training/init-weights';

/** How many finished runs keep their worker (and weights) loaded for predictions. */
const LOADED_FINISHED_RUNS = 2;
export interface RunManagerOptions {
  bus: EventBus;
  runnerFactory: RunnerFactory;
  datasets: DatasetSourceOptions;
  checkpointDir?: string;
  graphErrors: (graph: Graph) => GraphError[];
  compile: (graph: Graph, name: string) => ModelSpec;
  classNames?: (dataset: string) => string[] | undefined;
  /** A catalog dataset's test sample (raw values and label), for the activation probe. */
  sample?: (dataset: string, index: number) => Promise<{ pixels: number[]; label: number }>;
  /** Whether a project path is an Untitled project's recovery store (its runs are stored without a note). */
  isRecoveryStore?: (path: string) => boolean;
}

/** Why a stored run listed as running cannot be paused or stopped from here. */
const ELSEWHERE = 'another process (a `layerlab train` of this project) trains it: stop it there (Ctrl-C)';

const ENDED: readonly RunStatus[] = ['stopped', 'completed', 'failed', 'interrupted'];

export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private readonly queue = new RunQueue();
  /** Finished runs whose worker is still loaded, oldest first. */
  private readonly loaded: RunRecord[] = [];
  /** Stored runs whose weights are being loaded for predictions. */
  private readonly loading = new Map<string, Promise<void>>();
  private closed = false;
  private readonly store = new RunStore();

  constructor(private readonly options: RunManagerOptions) {}

  /** Queues a run; with `projectPath` the run is stored in that project file when it ends (completed or stopped). */
  start(graph: Graph, config: TrainingConfig, name?: string, projectPath?: string, initFrom?: InitialWeights): { runId: string; status: RunStatus } {
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
      state: emptyRunState(),
      telemetryLoaded: true,
      classNames: this.options.classNames?.(config.dataset.name),
      ...(projectPath ? { projectPath } : {}),
      ...(initFrom ? { initFrom } : {}),
    };
    this.runs.set(runId, record);
    this.queue.push(runId);
    this.setStatus(record, 'queued', this.queue.active ? `waiting for ${this.queue.active} to finish` : undefined);
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
      // Its stored duration goes on from the time already trained (as `layerlab train --resume` counts it).
      run.earlierSeconds = (run.earlierSeconds ?? 0) + sessionSeconds(run);
      run.endedAt = undefined;
      run.outcome = undefined;
      run.earlyStopped = false;
      // A stored run continues in the same entry: its stored telemetry must be in its state before that is written.
      void loadStoredTelemetry(run).catch(() => {});
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
      const record = recordFromStored(meta, key, numbers[i]!, projectPath, this.options.compile);
      if (record) this.runs.set(key, record);
    }
  }

  /**
   * Everything the run has shown, as events that rebuild its dashboard (replayRunEvents): a live run's so far, a
   * stored run's as its project keeps them (read from the file the first time).
   */
  async telemetry(runId: string): Promise<{ runId: string; events: RunEvent[]; backend?: string }> {
    const run = this.get(runId);
    try {
      await loadStoredTelemetry(run);
    } catch (err) {
      throw new ApiError('unavailable', `run ${runId}'s stored telemetry in ${run.projectPath} cannot be read (${(err as Error).message}); its history is still listed`);
    }
    return { runId, events: runStateEvents(run.state), ...(run.backend ? { backend: run.backend } : {}) };
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
      this.queue.remove(runId);
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

  /** The run's worker, loading a stored run's weights when needed; refused while it cannot answer. */
  private async loadedHandle(run: RunRecord, action: string): Promise<RunnerHandle> {
    if (!run.handle && run.projectPath && run.storedAs && ENDED.includes(run.status)) await this.loadStored(run);
    if (!run.handle) {
      const why =
        run.status === 'queued'
          ? 'it has not started yet'
          : 'its weights are no longer loaded (only the latest finished runs keep them): train it again or use a newer run';
      throw new ApiError('unavailable', `run ${run.runId} cannot ${action}: ${why}`);
    }
    return run.handle;
  }

  async predict(runId: string, pixels: number[], shape: number[]): Promise<PredictResult> {
    const run = this.get(runId);
    const result = await (await this.loadedHandle(run, 'predict')).predict(pixels, shape);
    return run.classNames ? { ...result, classNames: run.classNames } : result;
  }

  /**
   * Every layer's output for validation sample `index` (the test split, as runs validate on it) with the run's
   * weights: the activation probe the user picks (an index, a wrong example, a confusion cell).
   */
  async probe(runId: string, index: number): Promise<ActivationMaps & { runId: string }> {
    const run = this.get(runId);
    const sample = this.options.sample;
    if (!sample) throw new ApiError('unavailable', 'this backend cannot read dataset samples for a probe');
    // Own data is not in the catalog: the sample reader refuses it, naming the dataset.
    const { pixels, label } = await sample(run.config.dataset.name, index).catch((err: Error) => {
      throw err instanceof ApiError ? err : new ApiError('invalid-params', `run ${runId}: ${err.message}`);
    });
    const handle = await this.loadedHandle(run, 'probe an image');
    if (!handle.probe) throw new ApiError('unavailable', `run ${runId}'s worker cannot probe images`);
    const epoch = Math.max(0, (run.state.history.at(-1)?.epoch ?? 0));
    const regression = ['mse', 'mae', 'huber'].includes(run.config.loss);
    return { ...(await handle.probe(pixels, index, epoch, regression ? undefined : label)), runId };
  }

  /**
   * The run's config and weights (for export): the loaded worker's current weights, or, once the worker is gone,
   * the weights the run stored in its project file.
   */
  async weights(runId: string, which: 'final' | 'best' = 'final'): Promise<{ config: TrainingConfig; weights: WorkerWeight[] }> {
    const run = this.get(runId);
    const stored = Boolean(run.projectPath && run.storedAs);
    if (which === 'best' && !run.bestWeights?.stored) {
      if (!run.bestWeights) throw new ApiError('invalid-params', `run ${this.label(runId)} keeps no best weights (it has not ended with weights, or was trained before runs kept them): export its final weights`);
      which = 'final'; // its best epoch is its last: the final weights are the best ones
    }
    if (which === 'best') {
      // Never the final weights in their place: a failed read is said, not exported under the wrong name.
      const source = await loadExportSource(run.projectPath!, run.storedAs, 'best').catch((err: Error) => {
        throw new ApiError('unavailable', `run ${runId}'s best weights in ${run.projectPath} cannot be read (${err.message})`);
      });
      if (!source.weights) throw new ApiError('unavailable', `run ${runId}'s best weights are not in ${run.projectPath}: export its final weights`);
      return { config: run.config, weights: source.weights };
    }
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

  /** A run as a user names it: its number in its project and its name. */
  label(runId: string): string {
    const run = this.get(runId);
    return `${run.number ? `#${run.number} ` : ''}${run.name}`;
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
    return detailOf(run, this.queue.position(runId));
  }

  /** Ends a run's worker at once, as a crash would (used by close() and by tests of crash handling). */
  async kill(runId: string): Promise<void> {
    const run = this.get(runId);
    await run.handle?.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.queue.drain()) {
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
    return summaryOf(run, this.queue.position(run.runId));
  }

  private setStatus(run: RunRecord, status: RunStatus, message?: string): void {
    run.status = status;
    run.message = message;
    const payload = { runId: run.runId, status, at: new Date().toISOString(), ...(message !== undefined ? { message } : {}) };
    this.options.bus.emit('training.status', payload);
  }

  private broadcastQueue(): void {
    for (const [i, id] of this.queue.waitingIds.entries()) {
      const run = this.runs.get(id)!;
      this.setStatus(run, 'queued', `position ${i} in the queue`);
    }
  }

  private pump(): void {
    if (this.closed) return;
    const next = this.queue.next();
    if (next === undefined) return;
    const run = this.runs.get(next)!;
    run.startedAt = new Date().toISOString();
    this.setStatus(run, 'running');
    if (this.queue.waitingIds.length > 0) this.broadcastQueue();
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
          ...(run.initFrom ? { initFrom: run.initFrom } : {}),
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
      case 'event': {
        const event = message.event;
        run.state = applyRunEvent(run.state, event);
        // The API event of each kind carries exactly this payload (shared/api-events.ts: the run event plus runId).
        this.options.bus.emit(RUN_EVENT_API_NAMES[event.type], event as never);
        if (event.type === 'epoch') void this.persist(run).catch(() => {});
        return;
      }
      case 'backend':
        run.backend = message.backend;
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
        if (message.telemetrySeconds !== undefined) run.telemetrySeconds = (run.telemetrySeconds ?? 0) + message.telemetrySeconds;
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
          const best = ended ? ((await run.handle?.bestArtifacts?.()) ?? null) : null;
          return entryOf(run, weights, best);
        },
      },
      (meta) => {
        run.storedAs = meta.id;
        if (meta.number) run.number = meta.number;
        if (meta.bestWeights && meta.hasWeights) run.bestWeights = meta.bestWeights;
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

  private finish(run: RunRecord, status: RunStatus, message?: string): void {
    if (ENDED.includes(run.status)) return;
    run.endedAt = new Date().toISOString();
    this.setStatus(run, status, message);
    this.queue.release(run.runId);
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
