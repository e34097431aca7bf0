/**
 * `layerlab export P.layerlab --format tensorboard [--run ID|latest|all] --out DIR` (and export.run with format
 * tensorboard): a project's stored runs as TensorBoard logs, one sub-folder per run (so `tensorboard --logdir DIR`
 * compares them): what the run stored of its dashboard (main/projects/telemetry.ts: every epoch's metrics, weight
 * histograms and filter pictures, batch losses), or for runs stored without it the epoch metrics and, from the saved
 * weights, the final histograms and filters (from-stored-run.ts); both written by from-telemetry.ts. Runs that are
 * trials of a sweep become HParams sessions (their sweep's values, grouped by sweep), with the experiment in DIR
 * itself, so the HParams tab compares the trials.
 */
import { join } from 'node:path';
import type { RunJson } from '../../../shared/format';
import type { ProjectSweepSpace } from '../../sweep/project-store';
import { validateSweepState } from '../../sweep/store';
import type { ProjectDocument } from '../../projects/types';
import { ExportError } from '../types';
import { EventFileWriter } from './events';
import { readRunTelemetry, telemetryEventsOf } from '../../projects/telemetry';
import { storedRunEvents } from './from-stored-run';
import { writeTelemetryEvents } from './from-telemetry';
import { experimentSummary, sessionEndSummary, sessionStartSummary, type HParamValue } from './hparams';

export interface TensorboardExport {
  outDir: string;
  /** Paths relative to outDir, one event file per run (and the HParams experiment's, when sweeps are among them). */
  files: string[];
  notes: string[];
}

/** A sweep trial's place: its sweep's name and its values. */
interface TrialOf {
  sweep: string;
  values: Record<string, unknown>;
}

/** Project run id -> the sweep trial it holds (sweeps this build cannot read are left out). */
function trialsByRun(doc: ProjectDocument): Map<string, TrialOf> {
  const out = new Map<string, TrialOf>();
  for (const entry of doc.project.sweeps ?? []) {
    const space = entry.space as Partial<ProjectSweepSpace>;
    if (space.format !== 'layerlab-sweep/1' || !space.state) continue;
    let state;
    try {
      state = validateSweepState(space.state, `sweep '${entry.id}'`);
    } catch {
      continue;
    }
    for (const trial of state.trials) {
      const runId = space.trialRuns?.[trial.id];
      if (runId) out.set(runId, { sweep: state.name, values: trial.values });
    }
  }
  return out;
}

/** A dimension's values as HParams types: all numbers, all booleans, else text (JSON for lists and objects). */
function typedDimensions(trials: readonly TrialOf[]): Map<string, (v: unknown) => HParamValue> {
  const names = new Set(trials.flatMap((t) => Object.keys(t.values)));
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return new Map([...names].map((name) => {
    const values = trials.map((t) => t.values[name]).filter((v) => v !== undefined);
    const kind = values.every((v) => typeof v === 'number') ? 'number' : values.every((v) => typeof v === 'boolean') ? 'boolean' : 'text';
    return [name, (v: unknown) => (kind === 'text' ? text(v) : (v as number | boolean))];
  }));
}

const SESSION_STATUS: Partial<Record<RunJson['status'], 'success' | 'failure' | 'unknown'>> = {
  completed: 'success',
  'early-stopped': 'success',
  stopped: 'unknown',
  failed: 'failure',
};

export async function exportProjectTensorboard(path: string, run: string, outDir: string): Promise<TensorboardExport> {
  const { openProject, loadRunWeights } = await import('../../projects/service');
  const opened = await openProject(path);
  const runs = opened.doc.runs;
  const chosen = run === 'all' ? runs : run === 'latest' ? runs.slice(-1) : runs.filter((r) => r.meta.id === run);
  if (chosen.length === 0) {
    const ids = runs.map((r) => r.meta.id).join(', ') || 'none yet';
    throw new ExportError(`project '${path}' has ${run === 'all' || run === 'latest' ? 'no runs' : `no run '${run}'`} (its runs: ${ids}). Train it first, or pass --run all, latest or one of those ids.`);
  }
  const trials = trialsByRun(opened.doc);
  const chosenTrials = chosen.flatMap((r) => (trials.has(r.meta.id) ? [trials.get(r.meta.id)!] : []));
  const typed = typedDimensions(chosenTrials);
  const files: string[] = [];
  const notes: string[] = [];
  const metricTags = new Set<string>();
  const finalOnly: string[] = [];
  for (const r of chosen) {
    const meta = r.meta;
    const started = Date.parse(meta.created) / 1000 || Date.now() / 1000;
    const trial = trials.get(meta.id);
    let session = {};
    if (trial) {
      const values = Object.fromEntries([...typed].flatMap(([name, as]) => (trial.values[name] === undefined ? [] : [[name, as(trial.values[name])]])));
      for (const h of meta.history) for (const key of Object.keys(h.metrics)) metricTags.add(`epoch/${key}`);
      session = {
        leading: [sessionStartSummary(values, trial.sweep, started)],
        trailing: [sessionEndSummary(SESSION_STATUS[meta.status] ?? 'unknown', started + meta.durationSeconds)],
      };
    }
    // A run that stored what its dashboard showed gives every epoch's histograms and filters, batch losses and the
    // rest; an older run (or one imported with weights only) gives its history and its final weights.
    const telemetry = meta.hasTelemetry ? await readRunTelemetry(path, meta.id) : null;
    if (!telemetry) finalOnly.push(meta.id);
    // Only a run without stored telemetry needs its weights inflated (for its final histograms and filters).
    const events = telemetry
      ? telemetryEventsOf(telemetry.events)
      : storedRunEvents(meta, meta.hasWeights ? await loadRunWeights(opened.doc, meta.id) : undefined);
    const file = await writeTelemetryEvents(join(outDir, meta.id), events, { startTime: started, ...session });
    files.push(file.slice(outDir.length + 1));
    if (meta.history.length === 0) notes.push(`run '${meta.id}' has no epoch history (status ${meta.status}): only its weights are logged.`);
  }
  if (chosenTrials.length > 0) {
    // The experiment lives in the log folder's own run ('.'), as the HParams plugin looks for it there.
    const hparams = new Map([...typed].map(([name, as]) => [name, chosenTrials.flatMap((t) => (t.values[name] === undefined ? [] : [as(t.values[name])]))]));
    const writer = await EventFileWriter.create(outDir);
    try {
      await writer.write({ wall_time: Date.now() / 1000, step: 0, summary: { value: [experimentSummary(hparams, [...metricTags].sort(), Date.now() / 1000)] } });
    } finally {
      await writer.close();
    }
    files.push(writer.path.slice(outDir.length + 1));
  }
  // Only where it is so: a run that stored its dashboard has every epoch's histograms and filter pictures.
  if (finalOnly.length > 0) {
    notes.push(`histograms and filter pictures of ${finalOnly.join(', ')} are of the saved (final) weights: that run stored no per-epoch telemetry (a run trained before Layerlab kept it, or imported)`);
  }
  if (chosenTrials.length > 0) notes.push(`${chosenTrials.length} sweep trial(s) are in the HParams tab`);
  return { outDir, files, notes };
}
