/**
 * Keeps a sweep in its project: one entry of project.json's `sweeps` array (its `space` holds the sweep state),
 * and every trial that trained as a run of the project (with its own graph and config snapshot and its metric
 * history), so the dashboard can overlay the trials' curves. The project file is saved after every trial.
 */
import type { EpochMetrics, Sweep } from '../../shared/format';
import { FINAL_TRIAL_STATUSES, trialSnapshot, type SweepState, type TrialRecord } from '../../shared/sweep/state';
import { addRun } from '../projects/service';
import { updateProjectFile } from '../projects/writer';
import type { ProjectDocument } from '../projects/types';
import type { SweepStore } from './store';
import { validateSweepState } from './store';

/** The `space` of a project sweep entry written by this build. */
export interface ProjectSweepSpace {
  format: 'layerlab-sweep/1';
  state: SweepState;
  /** Trial id -> id of the project run that holds it. */
  trialRuns: Record<string, string>;
}

const FORMAT = 'layerlab-sweep/1';

function spaceOf(entry: Sweep): ProjectSweepSpace | null {
  const space = entry.space as Partial<ProjectSweepSpace>;
  return space.format === FORMAT && space.state ? (space as ProjectSweepSpace) : null;
}

/** The sweeps of a project that this build can resume or show, newest last. */
export function projectSweeps(doc: ProjectDocument): SweepState[] {
  return (doc.project.sweeps ?? []).flatMap((entry) => {
    const space = spaceOf(entry);
    return space ? [validateSweepState(space.state, `sweep '${entry.id}' of the project`)] : [];
  });
}

const RUN_STATUS = { done: 'completed', 'terminated-early': 'stopped', failed: 'failed' } as const;

export class ProjectSweepStore implements SweepStore {
  /**
   * @param doc An open project with a path (it is saved there after every trial).
   * @param sweepId The sweep this store holds.
   */
  constructor(
    private readonly doc: ProjectDocument,
    private readonly sweepId: string,
  ) {
    if (!doc.path) throw new Error('the project has never been saved: save it to a file before running a sweep in it');
  }

  async load(): Promise<SweepState | null> {
    const entry = (this.doc.project.sweeps ?? []).find((s) => s.id === this.sweepId);
    const space = entry ? spaceOf(entry) : null;
    return space ? validateSweepState(space.state, `sweep '${this.sweepId}' of ${this.doc.path}`) : null;
  }

  /**
   * Writes the sweep into the project as it is on disk now (under its lock: runs other writers stored meanwhile
   * stay), adding each trial that ended as a run once; the held document becomes the saved one.
   */
  async save(state: SweepState): Promise<void> {
    const path = this.doc.path!;
    const saved = await updateProjectFile(path, (current, readError) => {
      if (!current && readError) throw readError;
      return this.apply(current ?? this.doc, state);
    });
    Object.assign(this.doc, saved);
  }

  private apply(doc: ProjectDocument, state: SweepState): ProjectDocument {
    const sweeps = (doc.project.sweeps ??= []);
    let entry = sweeps.find((s) => s.id === state.id);
    if (!entry) {
      entry = { id: state.id, name: state.name, created: state.created, space: {}, runIds: [] };
      sweeps.push(entry);
    }
    const trialRuns = { ...(spaceOf(entry)?.trialRuns ?? {}) };
    for (const trial of state.trials) {
      if (trialRuns[trial.id] !== undefined || !trial.runId || !FINAL_TRIAL_STATUSES.includes(trial.status)) continue;
      const run = addTrialRun(doc, state, trial);
      if (run) trialRuns[trial.id] = run;
    }
    const space: ProjectSweepSpace = { format: FORMAT, state, trialRuns };
    entry.name = state.name;
    entry.space = space as unknown as Record<string, unknown>;
    entry.runIds = state.trials.flatMap((t) => (trialRuns[t.id] ? [trialRuns[t.id]!] : []));
    return doc;
  }
}

function addTrialRun(doc: ProjectDocument, state: SweepState, trial: TrialRecord): string | undefined {
  const status = RUN_STATUS[trial.status as keyof typeof RUN_STATUS];
  const snapshot = trialSnapshot(state, trial);
  if (!status || !snapshot.ok) return undefined;
  let elapsed = 0;
  const history: EpochMetrics[] = trial.history.map((h) => ({ epoch: h.epoch, metrics: { ...h.metrics }, time: (elapsed += h.seconds) }));
  const run = addRun(doc, {
    name: `${state.name} #${trial.id + 1}`,
    status,
    config: snapshot.config,
    graph: snapshot.graph,
    history,
    durationSeconds: trial.durationSeconds ?? 0,
    ...(trial.status === 'failed' && trial.reason ? { error: trial.reason } : {}),
    ...(trial.endedAt ? { created: new Date(trial.endedAt) } : {}),
  });
  return run.meta.id;
}
