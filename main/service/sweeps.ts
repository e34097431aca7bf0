/**
 * The sweeps.* methods over main/sweep's SweepRunner: one sweep at a time, its trials queued as normal runs of the
 * run manager. Every sweep is saved after each trial to the service's sweep folder (`<id>.json`) and, with a
 * projectPath, into that project file too, so that sweeps.resume continues it after a restart, skipping the
 * trials that ended.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, type ApiParsedParams, type Json, type SweepDetail, type SweepSummary } from '../../shared/api';
import type { Graph, GraphError } from '../../shared/graph/types';
import { bestTrial, rankTrials } from '../../shared/sweep/rank';
import { createSweepState, FINAL_TRIAL_STATUSES, SweepConfigError, type SweepState, type SweepStatus, type TrialRecord } from '../../shared/sweep/state';
import { FutureFormatError, ProjectFormatError } from '../../shared/format';
import { ProjectFileError } from '../projects/errors';
import { openProject } from '../projects/service';
import { ProjectSweepStore, projectSweeps } from '../sweep/project-store';
import { SweepRunner, type SweepEvent } from '../sweep/runner';
import { serviceRunLauncher } from './sweep-launcher';
import { combineStores, JsonSweepStore, type SweepStore } from '../sweep/store';
import type { EventBus } from './events';
import type { RunManager } from './runs';

export interface SweepHandlersOptions {
  bus: EventBus;
  runs: RunManager;
  /** Folder of the service's own copy of every sweep (`<sweep id>.json`). */
  sweepDir: string;
  resolvePath: (path: string) => string;
  graphErrors: (graph: Graph) => GraphError[];
  /**
   * An Untitled project's recovery store (service.ts runProject): made when missing, a new one without an id. Its
   * sweeps live there as its runs do, and move into the file at the first save (moveProject).
   */
  untitled: (recoveryId: string | undefined) => Promise<{ path: string; recoveryId?: string }>;
  /** The file of the recovery store `recoveryId`, which may not exist yet. */
  recoveryFile: (recoveryId: string) => string;
}

/** Opens a project file; its problems (unreadable, not a project, a newer format) become API errors. */
async function openProjectFile(path: string): ReturnType<typeof openProject> {
  try {
    return await openProject(path);
  } catch (err) {
    if (err instanceof ProjectFileError) throw new ApiError(err.code === 'unreadable' ? 'not-found' : 'invalid-params', err.message);
    if (err instanceof ProjectFormatError || err instanceof FutureFormatError) throw new ApiError('invalid-params', err.message);
    throw err;
  }
}

/**
 * A project's copy of a sweep, opened afresh for every save so that it never overwrites other writes to the file.
 * `where` is read at each save: an Untitled project's first save moves the sweep's home from its recovery store.
 */
function projectStore(where: { projectPath?: string }, sweepId: string): SweepStore {
  return {
    async load() {
      const { doc } = await openProjectFile(where.projectPath!);
      return new ProjectSweepStore(doc, sweepId).load();
    },
    async save(state) {
      const { doc } = await openProjectFile(where.projectPath!);
      await new ProjectSweepStore(doc, sweepId).save(state);
    },
  };
}

interface Active {
  runner: SweepRunner;
  projectPath?: string;
  done: Promise<void>;
}

/** The project a call names: its file, or an Untitled project's recovery store; undefined for neither. */
type Scope = { projectPath?: string; recoveryId?: string };

export class SweepHandlers {
  private active: Active | undefined;
  /** Last known state of every sweep this service ran, and where it is stored. */
  private readonly known = new Map<string, { state: SweepState; projectPath?: string }>();
  private closed = false;

  constructor(private readonly options: SweepHandlersOptions) {}

  async start({ config, graph, training, projectPath, recoveryId }: ApiParsedParams<'sweeps.start'>): Promise<{ sweepId: string; status: SweepStatus; recoveryId?: string }> {
    this.refuseWhileActive('start a new sweep');
    const errors = this.options.graphErrors(graph);
    if (errors.length > 0) {
      const lines = errors.slice(0, 10).map((e) => (e.nodeId ? `node ${e.nodeId}: ${e.message}` : e.message));
      throw new ApiError('invalid-graph', `the model cannot be swept until its errors are fixed: ${lines.join('; ')}`, errors);
    }
    let state: SweepState;
    try {
      state = createSweepState(config, graph, training ? { training } : {});
    } catch (err) {
      if (err instanceof SweepConfigError) throw new ApiError('invalid-params', err.message, err.problems);
      throw err;
    }
    // An Untitled project keeps its sweeps in its recovery store, as it keeps its runs.
    const home = projectPath ? { path: this.options.resolvePath(projectPath) } : await this.options.untitled(recoveryId);
    // Refuse a project that cannot hold the sweep now, not after the first trial trained.
    await openProjectFile(home.path);
    await mkdir(this.options.sweepDir, { recursive: true });
    await this.settle();
    this.refuseWhileActive('start a new sweep');
    this.launch(state, home.path);
    return { sweepId: state.id, status: this.active!.runner.state.status, ...(home.recoveryId ? { recoveryId: home.recoveryId } : {}) };
  }

  /** An Untitled project's first save moved its store `from` into the file `to`: its sweeps are stored there now. */
  moveProject(from: string, to: string): void {
    for (const known of this.known.values()) if (known.projectPath === from) known.projectPath = to;
    if (this.active?.projectPath === from) this.active.projectPath = to;
  }

  pause({ sweepId }: ApiParsedParams<'sweeps.pause'>): SweepSummary {
    const active = this.activeFor(sweepId, 'pause');
    active.runner.pause();
    return this.summary(active.runner.state, active.projectPath);
  }

  async resume({ sweepId, ...scope }: ApiParsedParams<'sweeps.resume'>): Promise<SweepSummary> {
    const live = this.live();
    if (live?.runner.state.id === sweepId) {
      live.runner.resume();
      return this.summary(live.runner.state, live.projectPath);
    }
    this.refuseWhileActive(`resume sweep ${sweepId}`);
    await this.settle();
    const found = await this.find(sweepId, scope);
    if (found.state.status === 'completed' || found.state.trials.every((t) => FINAL_TRIAL_STATUSES.includes(t.status))) {
      throw new ApiError('conflict', `cannot resume sweep ${sweepId}: every trial has ended; start a new sweep to run more`);
    }
    await mkdir(this.options.sweepDir, { recursive: true });
    await this.settle();
    this.refuseWhileActive(`resume sweep ${sweepId}`);
    this.launch(found.state, found.projectPath);
    return this.summary(this.active!.runner.state, found.projectPath);
  }

  stop({ sweepId }: ApiParsedParams<'sweeps.stop'>): SweepSummary {
    const active = this.activeFor(sweepId, 'stop');
    active.runner.stop();
    return this.summary(active.runner.state, active.projectPath);
  }

  /**
   * One project's sweeps (the window shows the open project's, as it shows its runs), or, asked for none, every
   * sweep of the service and its folder. An Untitled project without a store yet has none.
   */
  async list(scope: ApiParsedParams<'sweeps.list'>): Promise<{ sweeps: SweepSummary[] }> {
    const path = this.scopePath(scope);
    const all = new Map<string, SweepSummary>();
    const mine = (projectPath: string | undefined) => path === undefined || projectPath === path;
    if (path === undefined) for (const state of await this.stored()) all.set(state.id, this.summary(state));
    if (path !== undefined && (scope.projectPath || existsSync(path))) {
      const { doc } = await openProjectFile(path);
      for (const state of projectSweeps(doc)) all.set(state.id, this.summary(state, path));
    }
    for (const [id, k] of this.known) if (mine(k.projectPath)) all.set(id, this.summary(k.state, k.projectPath));
    if (this.active && mine(this.active.projectPath)) all.set(this.active.runner.state.id, this.summary(this.active.runner.state, this.active.projectPath));
    return { sweeps: [...all.values()].sort((a, b) => a.created.localeCompare(b.created)) };
  }

  async get({ sweepId, ...scope }: ApiParsedParams<'sweeps.get'>): Promise<SweepDetail> {
    const { state, projectPath: where } = await this.find(sweepId, scope);
    // A sweep reported as ended is on disk: the answer waits for the runner's last save (it sets the status first).
    if (this.active?.runner.state.id === sweepId && (state.status === 'completed' || state.status === 'stopped')) await this.active.runner.flush();
    const summary = this.summary(state, where);
    const live = this.live();
    const activeRun = live?.runner.state.id === sweepId ? live.runner.activeRun : undefined;
    const activeTrial = activeRun ? state.trials.find((t) => t.runId === activeRun && t.status === 'running') : undefined;
    return {
      ...summary,
      config: state.config,
      graph: state.graph,
      training: state.training,
      trials: state.trials,
      ranked: rankTrials(state.trials, state.config.objective).map((t) => t.id),
      ...(activeTrial && activeRun ? { activeTrial: { trialId: activeTrial.id, runId: activeRun } } : {}),
    };
  }

  /** Stops the running sweep (its trial stays pending) and waits until its state is saved. */
  async close(): Promise<void> {
    this.closed = true;
    const active = this.active;
    if (!active) return;
    active.runner.stop();
    // A worker that never reaches its next batch must not hold the shutdown: the run manager kills it next.
    await Promise.race([active.done, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  /**
   * Waits while a sweep that has just ended still writes its last state. The check-and-launch after it must not
   * await in between, so that two concurrent starts cannot both launch.
   */
  private async settle(): Promise<void> {
    while (this.active && !this.live()) await this.active.done;
  }

  /** The running or paused sweep; one whose status is already final is still saving and counts as ended. */
  private live(): Active | undefined {
    const status = this.active?.runner.state.status;
    return status === 'stopped' || status === 'completed' ? undefined : this.active;
  }

  private refuseWhileActive(action: string): void {
    if (this.closed) throw new ApiError('unavailable', `cannot ${action}: the backend is shutting down; try again after it restarts`);
    const active = this.live();
    if (active) {
      const { id, status } = active.runner.state;
      throw new ApiError('conflict', `cannot ${action}: sweep ${id} is ${status} (one sweep runs at a time); stop it with sweeps.stop first`);
    }
  }

  private activeFor(sweepId: string, action: string): Active {
    const active = this.live();
    if (active?.runner.state.id === sweepId) return active;
    const known = this.known.get(sweepId);
    const why = known ? `it is ${known.state.status}, not running` : 'this service is not running it';
    throw new ApiError(known ? 'conflict' : 'not-found', `cannot ${action} sweep ${sweepId}: ${why}; sweeps.list shows the sweeps, sweeps.resume continues a stored one`);
  }

  private launch(state: SweepState, projectPath: string | undefined): void {
    const file = new JsonSweepStore(join(this.options.sweepDir, `${state.id}.json`));
    // One record of where the sweep lives, shared by the store, the list and moveProject.
    const known: { state: SweepState; projectPath?: string } = { state, ...(projectPath ? { projectPath } : {}) };
    const store = projectPath ? combineStores(file, projectStore(known, state.id)) : file;
    const runner = new SweepRunner({
      launcher: serviceRunLauncher(this.options),
      state,
      store,
      onEvent: (event) => this.emit(event, runner.state),
    });
    known.state = runner.state;
    this.known.set(state.id, known);
    const active: Active = { runner, done: Promise.resolve(), ...(projectPath ? { projectPath } : {}) };
    this.active = active;
    active.done = runner.run().then(
      (final) => {
        if (this.active === active) this.active = undefined;
        this.options.bus.emit('sweeps.status', { sweepId: final.id, status: final.status, at: new Date().toISOString() });
      },
      (err: unknown) => {
        // The state could not be saved: the sweep ends here, and the window hears why.
        runner.stop();
        runner.state.status = 'stopped';
        if (this.active === active) this.active = undefined;
        this.options.bus.emit('sweeps.status', {
          sweepId: state.id,
          status: 'stopped',
          message: `the sweep stopped: ${(err as Error).message}`.slice(0, 4000),
          at: new Date().toISOString(),
        });
      },
    );
  }

  private emit(event: SweepEvent, state: SweepState): void {
    const at = new Date().toISOString();
    if (event.type === 'status') {
      // The final status is announced once its state is saved (launch), so a client can read it back at once.
      if (event.status === 'completed' || event.status === 'stopped') return;
      this.options.bus.emit('sweeps.status', { sweepId: state.id, status: event.status, at });
      return;
    }
    const base = { sweepId: state.id, ...trialFields(event.trial) };
    if (event.type === 'trial-start') this.options.bus.emit('sweeps.trial', { ...base, phase: 'started', runId: event.runId });
    else if (event.type === 'rung') this.options.bus.emit('sweeps.trial', { ...base, phase: 'rung', rung: { ...event.decision } });
    else this.options.bus.emit('sweeps.trial', { ...base, phase: 'ended' });
  }

  /** The project file a scope names: the file, or the recovery store of an Untitled project. */
  private scopePath(scope: Scope): string | undefined {
    if (scope.projectPath) return this.options.resolvePath(scope.projectPath);
    return scope.recoveryId ? this.options.recoveryFile(scope.recoveryId) : undefined;
  }

  /** A sweep of this service, of its sweep folder, or of the project (file or recovery store). */
  private async find(sweepId: string, scope: Scope): Promise<{ state: SweepState; projectPath?: string }> {
    if (this.active?.runner.state.id === sweepId) return { state: this.active.runner.state, ...(this.active.projectPath ? { projectPath: this.active.projectPath } : {}) };
    const known = this.known.get(sweepId);
    if (known) return known;
    const fromFile = await new JsonSweepStore(join(this.options.sweepDir, `${sweepId}.json`)).load().catch(() => null);
    const path = this.scopePath(scope);
    if (path && (scope.projectPath || existsSync(path))) {
      const fromProject = await projectStore({ projectPath: path }, sweepId).load();
      if (fromProject) return { state: fromProject, projectPath: path };
    }
    if (fromFile) return { state: fromFile };
    const where = path ? ` or in ${path}` : '';
    throw new ApiError('not-found', `no sweep with id '${sweepId}' in this service${where}: list them with sweeps.list`);
  }

  /** The sweeps saved in the sweep folder; unreadable files are left out (sweeps.get names their problem). */
  private async stored(): Promise<SweepState[]> {
    let names: string[];
    try {
      names = (await readdir(this.options.sweepDir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const states = await Promise.all(names.map((n) => new JsonSweepStore(join(this.options.sweepDir, n)).load().catch(() => null)));
    return states.filter((s): s is SweepState => s !== null);
  }

  private summary(state: SweepState, projectPath?: string): SweepSummary {
    const best = bestTrial(state.trials, state.config.objective);
    return {
      sweepId: state.id,
      name: state.name,
      status: state.status,
      created: state.created,
      updated: state.updated,
      objective: { metric: state.config.objective.metric, mode: state.config.objective.mode },
      trialCount: state.trials.length,
      finished: state.trials.filter((t) => FINAL_TRIAL_STATUSES.includes(t.status)).length,
      ...(best && best.objective != null ? { best: { trialId: best.id, objective: best.objective } } : {}),
      ...(projectPath ? { projectPath } : {}),
      active: this.live()?.runner.state.id === state.id,
    };
  }
}

/** What a sweeps.trial event carries of a trial; non-finite numbers (a NaN loss) are left out of the metrics. */
function trialFields(trial: TrialRecord) {
  return {
    trialId: trial.id,
    status: trial.status,
    values: structuredClone(trial.values) as Record<string, Json>,
    ...(trial.reason !== undefined ? { reason: trial.reason.slice(0, 4000) } : {}),
    ...(trial.objective !== undefined ? { objective: trial.objective !== null && Number.isFinite(trial.objective) ? trial.objective : null } : {}),
    ...(trial.durationSeconds !== undefined ? { durationSeconds: Math.max(0, trial.durationSeconds) } : {}),
    history: trial.history.map((h) => ({
      epoch: h.epoch,
      metrics: Object.fromEntries(Object.entries(h.metrics).filter(([, v]) => Number.isFinite(v))),
      seconds: Math.max(0, h.seconds),
    })),
  };
}
