/**
 * Runs read back from a project file, as the run manager lists them beside its live runs: their record from
 * run.json (history, config, graph), and on demand the telemetry their dashboard showed (telemetry.json.gz),
 * replayed through the same reducer a live run uses.
 */
import { existsSync } from 'node:fs';
import type { RunStatus } from '../../shared/api';
import type { RunJson } from '../../shared/format';
import type { ModelSpec } from '../../shared/graph/types';
import { replayRunEvents, runStateEvents } from '../../shared/run-state';
import { storedRunState } from '../../shared/run-compact';
import { TrainingConfigSchema } from '../../shared/training';
import { readRunTelemetry } from '../projects/telemetry';
import { withResolvedData } from '../datasets/project-relative';
import type { RunRecord } from './run-record';

/** A short stable key of a project path, for runs of a copy of a project whose ids are taken already. */
export function projectKey(path: string): string {
  let h = 5381;
  for (let i = 0; i < path.length; i++) h = ((h * 33) ^ path.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

/**
 * The record of a run stored in `projectPath`, listed under `key`; undefined when this build cannot read its
 * config or compile its graph.
 */
export function recordFromStored(meta: RunJson, key: string, number: number, projectPath: string, compile: (graph: RunJson['graph'], name: string) => ModelSpec): RunRecord | undefined {
  const config = TrainingConfigSchema.safeParse(meta.config);
  if (!config.success) return undefined;
  let modelSpec: ModelSpec;
  try {
    modelSpec = compile(meta.graph, meta.name);
  } catch {
    return undefined;
  }
  let previous = 0;
  const epochs = meta.history.map((h) => {
    const seconds = h.time === undefined ? 0 : Math.max(0, h.time - previous);
    previous = h.time ?? previous;
    const metrics = Object.fromEntries(Object.entries(h.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
    return { type: 'epoch' as const, epoch: h.epoch, metrics, lr: metrics.lr ?? config.data.optimizer.learning_rate, seconds };
  });
  // A run another live process trains (the CLI) is listed as it was stored, as interrupted once that process is gone.
  const status: RunStatus = meta.status === 'failed' || meta.status === 'stopped' || meta.status === 'interrupted' || meta.status === 'running' ? meta.status : 'completed';
  const saved = (meta.telemetry as { checkpoint?: unknown } | undefined)?.checkpoint;
  const checkpoint = typeof saved === 'string' && existsSync(saved) ? saved : undefined;
  // The app or CLI that trained it was killed or crashed mid-run (projects/trainer.ts).
  const interrupted =
    meta.status === 'interrupted'
      ? `interrupted: Layerlab stopped during this run, after ${meta.history.length} epoch(s); ${checkpoint ? 'resume it to continue from its last checkpoint' : 'it had no checkpoint yet, so it cannot resume'}`
      : undefined;
  return {
    runId: key,
    number,
    name: meta.name,
    status,
    message: interrupted ?? meta.error ?? `stored in ${projectPath}`,
    ...(checkpoint ? { checkpoint } : {}),
    createdAt: meta.created,
    // The file keeps when the run was created and how long it trained: the window's duration is the stored one
    // (the epochs' seconds alone leave out the telemetry and the stores, and a run with no epoch lasted 0 s).
    startedAt: meta.created,
    endedAt: new Date(Date.parse(meta.created) + meta.durationSeconds * 1000).toISOString(),
    // Own data stored relative to the project is read from the project's folder.
    config: withResolvedData(config.data, projectPath),
    graph: meta.graph,
    modelSpec,
    state: replayRunEvents(epochs),
    // A run stored without telemetry (older files) has nothing more to read.
    telemetryLoaded: meta.hasTelemetry !== true,
    projectPath,
    storedAs: meta.id,
    ...(meta.bestWeights && meta.hasWeights ? { bestWeights: meta.bestWeights } : {}),
  };
}

/**
 * Reads the run's stored telemetry into its state, once. Epochs the run showed since it was read from the file (a
 * resumed run's new ones) are replayed after the stored ones, so nothing shown is lost.
 */
export async function loadStoredTelemetry(run: RunRecord): Promise<void> {
  if (run.telemetryLoaded || !run.projectPath || !run.storedAs) return;
  const stored = await readRunTelemetry(run.projectPath, run.storedAs);
  if (run.telemetryLoaded) return;
  if (stored) {
    const fromFile = storedRunState(stored);
    const last = fromFile.history.at(-1)?.epoch ?? -1;
    // run.json's history is already in the file's telemetry; only epochs trained since it was read are added.
    run.state = replayRunEvents(runStateEvents(run.state).filter((e) => e.epoch > last), fromFile);
    if (stored.backend && !run.backend) run.backend = stored.backend;
    if (stored.telemetrySeconds !== undefined && run.telemetrySeconds === undefined) run.telemetrySeconds = stored.telemetrySeconds;
  }
  run.telemetryLoaded = true;
}
