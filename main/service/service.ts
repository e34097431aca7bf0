/**
 * createBackendService: the backend behind both transports. Handlers receive params already validated against
 * shared/api.ts (handleApiMessage) and throw ApiError for anything a client should hear about.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ApiError, type ApiMethod, type ApiParsedParams, type ApiResult, type EngineInfo } from '../../shared/api';
import { GraphCompileError } from '../../shared/graph/compile';
import { ModelImportError } from '../../shared/graph/import';
import { DatasetError } from '../datasets/errors';
import { resolveCacheDir } from '../datasets/paths';
import { DatasetHandlers } from './datasets';
import { createEventBus, type EventBus } from './events';
import { runExport } from './export';
import { listFolder } from './files';
import { compileGraph, graphErrors } from './graph-tools';
import type { DatasetSourceOptions } from './protocol';
import { createWorkerRunnerFactory, type RunnerFactory } from './runner';
import { ProjectHandlers } from './projects';
import { AutosaveHandlers } from './autosaves';
import { ensureRecoveryStore, newRecoveryId, recoveryFile } from '../projects/recovery';
import { RunManager } from './runs';
import { textView } from './text-view';
import { SweepHandlers } from './sweeps';
import { OwnDataHandlers } from './own-data';
import { createPathResolver } from './paths';
import type { BackendService, Handlers } from './types';

export interface BackendServiceOptions {
  /** Where workers find datasets: cache folder, mirrors (e.g. the shared test copies), offline mode. */
  datasets?: DatasetSourceOptions;
  /** Folder for per-epoch checkpoints (one sub-folder per run); default `<cache dir>/checkpoints`. */
  checkpointDir?: string;
  /** How runs get a worker; default one worker thread per run running the service's training worker. */
  runnerFactory?: RunnerFactory;
  /** Engine facts for system.info; default: select the backend in this process once and report it. */
  engineInfo?: () => Promise<EngineInfo>;
  appVersion?: string;
  /** Relative project and export paths resolve against this folder; default the process's working directory. */
  baseDir?: string;
  /** When set, every path a client names must lie inside one of these folders (layerlab serve --root). */
  roots?: readonly string[];
  /** Folder where every sweep is saved after each trial, to resume after a restart; default `<cache dir>/sweeps`. */
  sweepDir?: string;
  /** Folder of the Untitled projects' stores (their runs until the first save); default `<cache dir>/recovery`. */
  recoveryDir?: string;
  /** Quiet time before the window's unsaved edits are written to the recovery folder (default 3 s). */
  autosaveIdleMs?: number;
}

export interface LocalBackendService extends BackendService {
  readonly bus: EventBus;
  /** The run manager, for in-process callers (CLI, Electron menus) and tests; clients use the API. */
  readonly runs: RunManager;
}

function readAppVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/**
 * One line per WebGPU adapter Dawn offers, for the engine panel (Help > GPU setup in the browser shows it). Asked in
 * a child process, so that Dawn's native messages stay out of the server's output.
 */
async function webgpuAdapterNotes(): Promise<string[]> {
  const { adapterName } = await import('../engine/webgpu');
  const { probeWebgpuQuietly } = await import('../engine/webgpu-auto');
  const probe = await probeWebgpuQuietly();
  return probe.adapters.map((a) => `WebGPU adapter: ${adapterName(a)}`);
}

async function defaultEngineInfo(): Promise<EngineInfo> {
  const { selectBackend } = await import('../engine/backend');
  const choice = await selectBackend({ force: process.env.LAYERLAB_BACKEND });
  const gpuNotes = choice.reasons
    .filter((r) => r.name === 'tfjs-node-gpu')
    .map((r) => `GPU training is off: ${r.reason}`);
  gpuNotes.push(...(await webgpuAdapterNotes()));
  return {
    backend: choice.backend + (choice.detail ? ` (${choice.detail})` : ''),
    skipped: choice.reasons.map((r) => ({ backend: r.name, reason: r.reason })),
    gpuNotes,
  };
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

/** Errors of the layers below that a client caused or should hear about, as API errors with a clear message. */
function toApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof DatasetError) return new ApiError('unavailable', err.message);
  if (err instanceof ModelImportError || err instanceof GraphCompileError) return new ApiError('invalid-params', err.message);
  const fs = err as NodeJS.ErrnoException;
  if (err instanceof Error && typeof fs.code === 'string' && fs.code in FS_ERRORS) {
    const where = fs.path ? `${fs.path}: ` : '';
    return new ApiError(fs.code === 'ENOENT' ? 'not-found' : 'invalid-params', `${where}${FS_ERRORS[fs.code]} (${fs.code}): check the path`);
  }
  return err;
}

export function createBackendService(options: BackendServiceOptions = {}): LocalBackendService {
  const bus = createEventBus();
  const datasetSource = options.datasets ?? {};
  const datasets = new DatasetHandlers(bus, datasetSource);
  const recoveryDir = options.recoveryDir ?? join(resolveCacheDir(datasetSource.cacheDir), 'recovery');
  const runs = new RunManager({
    bus,
    runnerFactory: options.runnerFactory ?? createWorkerRunnerFactory(),
    datasets: datasetSource,
    checkpointDir: options.checkpointDir ?? join(resolveCacheDir(datasetSource.cacheDir), 'checkpoints'),
    graphErrors,
    compile: compileGraph,
    classNames: (name) => datasets.classNames(name),
    sample: (name, index) => datasets.sample(name, 'test', index),
    isRecoveryStore: (path) => dirname(path) === resolve(recoveryDir),
  });
  const resolvePath = createPathResolver(options.baseDir ?? process.cwd(), options.roots);
  const ownData = new OwnDataHandlers(resolvePath);
  const projects = new ProjectHandlers(
    resolvePath,
    (doc) => {
      if (doc.path) runs.adoptStored(doc.path, doc.runs.map((r) => r.meta));
    },
    {
      recoveryDir,
      onMoved: (from, to) => {
        runs.moveProject(from, to);
        sweeps.moveProject(from, to);
      },
    },
  );
  const autosaves = new AutosaveHandlers({
    recoveryDir,
    resolvePath,
    onOpen: (doc) => void (doc.path && runs.adoptStored(doc.path, doc.runs.map((r) => r.meta))),
    ...(options.autosaveIdleMs !== undefined ? { idleMs: options.autosaveIdleMs } : {}),
  });
  /** After a save, the autosaved edits it wrote into the file are removed from the recovery folder. */
  async function saved<T>(autosaveId: string | undefined, result: T): Promise<T> {
    await autosaves.saved(autosaveId).catch(() => {}); // a leftover entry is offered once more, never a lost save
    return result;
  }
  /** Where a run's project is: its file, or the Untitled project's recovery store (made on its first run). */
  async function runProject(projectPath: string | undefined, recoveryId: string | undefined, name: string | undefined) {
    if (projectPath) return { path: resolvePath(projectPath) };
    const id = recoveryId ?? newRecoveryId();
    return { path: await ensureRecoveryStore(id, name ?? 'Untitled', recoveryDir), recoveryId: id };
  }
  const sweeps = new SweepHandlers({
    bus,
    runs,
    sweepDir: options.sweepDir ?? join(resolveCacheDir(datasetSource.cacheDir), 'sweeps'),
    resolvePath,
    graphErrors,
    untitled: (recoveryId) => runProject(undefined, recoveryId, undefined),
    recoveryFile: (recoveryId) => recoveryFile(recoveryId, recoveryDir),
  });
  let engine: Promise<EngineInfo> | undefined;

  const handlers: Handlers = {
    'system.info': async () => {
      engine ??= (options.engineInfo ?? defaultEngineInfo)();
      return {
        appVersion: options.appVersion ?? readAppVersion(),
        engine: await engine,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      };
    },
    'datasets.list': () => datasets.list(),
    'datasets.info': ({ name }) => datasets.info(name),
    'datasets.preview': ({ name, split, offset, count, augmentation, seed }) => datasets.preview(name, split, offset, count, augmentation, seed),
    'datasets.fetch': ({ name }) => datasets.fetch(name),
    'datasets.inspect': (params) => ownData.inspect(params),
    'datasets.browse': ({ path }) => ownData.browse(path),
    'training.start': async ({ graph, config, name, projectPath, recoveryId, initFrom }) => {
      runs.checkStartable(graph);
      // The weights are taken now (from the run's worker, else its project file); the worker checks their shapes.
      const init = initFrom ? { run: `run ${runs.label(initFrom)}`, weights: (await runs.weights(initFrom)).weights } : undefined;
      const project = await runProject(projectPath, recoveryId, name);
      // Own data named relative to a saved project is read from the project's folder (not the recovery store's).
      const confined = ownData.confine(config, projectPath ? resolvePath(projectPath) : undefined);
      return { ...runs.start(graph, confined, name, project.path, init), ...(project.recoveryId ? { recoveryId: project.recoveryId } : {}) };
    },
    'training.pause': async ({ runId }) => runs.pause(runId),
    'training.resume': async ({ runId }) => runs.resume(runId),
    'training.stop': async ({ runId }) => runs.stop(runId),
    'training.list': async ({ projectPath, recoveryId }) => ({
      runs: runs.list(projectPath ? resolvePath(projectPath) : recoveryId ? recoveryFile(recoveryId, recoveryDir) : undefined),
    }),
    'training.get': async ({ runId }) => runs.detail(runId),
    'training.telemetry': ({ runId }) => runs.telemetry(runId),
    'training.probe': ({ runId, index }) => runs.probe(runId, index),
    'training.predict': ({ runId, input }) => {
      const expected = input.shape.reduce((a, b) => a * b, 1);
      if (expected !== input.pixels.length) {
        throw new ApiError('invalid-params', `training.predict: input.pixels has ${input.pixels.length} values but input.shape [${input.shape.join(', ')}] needs ${expected}`);
      }
      return runs.predict(runId, input.pixels, input.shape);
    },
    'training.text': (params) => textView(runs, params, datasetSource),
    'projects.new': ({ template, name }) => projects.create(template, name),
    'projects.open': ({ path }) => projects.open(path),
    'projects.save': async ({ path, project, recoveryId, autosaveId }) => saved(autosaveId, await projects.save(path, project, false, false, recoveryId)),
    'projects.saveAs': async ({ path, project, force, recoveryId, autosaveId }) => saved(autosaveId, await projects.save(path, project, true, force, recoveryId)),
    'projects.listRecent': async () => projects.listRecent(),
    'projects.autosave': async ({ project, path, autosaveId }) => autosaves.autosave(project, path, autosaveId),
    'projects.recoverable': () => autosaves.recoverable(),
    'projects.recover': ({ id }) => autosaves.recover(id),
    'projects.discardRecovery': ({ id }) => autosaves.discard(id),
    // The base folder: the first --root when the server is confined, else the folder it was started in.
    'files.list': ({ path }) => listFolder(resolvePath, path, options.roots?.[0] ?? options.baseDir ?? process.cwd()),
    'projects.import': ({ path }) => projects.import(path),
    'sweeps.start': (params) => sweeps.start({ ...params, ...(params.training ? { training: ownData.confine(params.training, params.projectPath ? resolvePath(params.projectPath) : undefined) } : {}) }),
    'sweeps.pause': async (params) => sweeps.pause(params),
    'sweeps.resume': (params) => sweeps.resume(params),
    'sweeps.stop': async (params) => sweeps.stop(params),
    'sweeps.list': (params) => sweeps.list(params),
    'sweeps.get': (params) => sweeps.get(params),
    'export.run': (params) => runExport(runs, { ...params, path: resolvePath(params.path), ...(params.project ? { project: resolvePath(params.project) } : {}) }, datasetSource),
  };

  return {
    bus,
    runs,
    async call<M extends ApiMethod>(method: M, params: ApiParsedParams<M>): Promise<ApiResult<M>> {
      const handler = handlers[method] as (p: ApiParsedParams<M>) => Promise<ApiResult<M>>;
      try {
        return await handler(params);
      } catch (err) {
        throw toApiError(err);
      }
    },
    subscribe: (listener) => bus.subscribe(listener),
    close: async () => {
      await sweeps.close();
      await runs.close();
      await autosaves.close();
    },
  };
}
