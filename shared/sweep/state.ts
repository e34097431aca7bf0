/**
 * The state of a sweep as it is saved (a JSON file, or a project's sweeps array) after every trial: the config, the
 * base model and training config every trial starts from, and one record per trial. Resuming reads it back and runs
 * only the trials that have not ended.
 */
import type { Graph } from '../graph/types';
import { parseTrainingConfig, type TrainingConfig, type TrainingConfigInput } from '../training';
import { applyTrial, checkSweepTargets, type AppliedTrial } from './apply';
import { expandTrials, type TrialValues } from './expand';
import type { SweepConfig } from './schema';

export const SWEEP_STATE_VERSION = 1;

/** pending: not run yet (or interrupted, to run again); the other four are final. */
export type TrialStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'terminated-early';
export const FINAL_TRIAL_STATUSES: readonly TrialStatus[] = ['done', 'failed', 'skipped', 'terminated-early'];

export interface TrialEpoch {
  /** 0-based. */
  epoch: number;
  metrics: Record<string, number>;
  seconds: number;
}

/** One successive-halving decision: the trial's objective after `epochs` epochs, and whether it went on. */
export interface RungDecision {
  epochs: number;
  value: number;
  promoted: boolean;
}

export interface TrialRecord {
  /** 0-based position in the sweep's trial list. */
  id: number;
  values: TrialValues;
  status: TrialStatus;
  /** Why it was skipped, failed or terminated early. */
  reason?: string;
  /** The run manager's id of the run that trained it. */
  runId?: string;
  history: TrialEpoch[];
  /** The objective (see Objective.summary); null when no epoch logged the metric. */
  objective?: number | null;
  durationSeconds?: number;
  startedAt?: string;
  endedAt?: string;
  rungs?: RungDecision[];
}

export type SweepStatus = 'pending' | 'running' | 'paused' | 'stopped' | 'completed';

export interface SweepState {
  version: typeof SWEEP_STATE_VERSION;
  id: string;
  name: string;
  status: SweepStatus;
  created: string;
  updated: string;
  config: SweepConfig;
  /** The model every trial starts from (a snapshot: later edits of the project do not change the sweep). */
  graph: Graph;
  /** The training config every trial starts from (the model's config with the sweep's `training` over it). */
  training: TrainingConfig;
  trials: TrialRecord[];
}

/** A sweep that cannot start: the message lists every problem, one per line. */
export class SweepConfigError extends Error {
  override name = 'SweepConfigError';
  constructor(readonly problems: string[]) {
    super(`the sweep cannot run (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

export interface CreateSweepOptions {
  /** Training config of the model (a project's), under the sweep's own `training` settings. */
  training?: TrainingConfigInput;
  /** Sweep id: letters, digits, '_' and '-' (it is stored in project files); default from the time. */
  id?: string;
  now?: Date;
}

/** A new sweep: checks the targets against the model, expands the trials, all pending. Throws SweepConfigError. */
export function createSweepState(config: SweepConfig, graph: Graph, options: CreateSweepOptions = {}): SweepState {
  const problems = checkSweepTargets(graph, config);
  const parsed = parseTrainingConfig({ ...(options.training ?? {}), ...(config.training ?? {}) });
  if (!parsed.ok) problems.push(...parsed.issues.map((i) => `training${i.path ? `.${i.path}` : ''}: ${i.message}`));
  let values: TrialValues[] = [];
  try {
    values = expandTrials(config);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length > 0 || !parsed.ok) throw new SweepConfigError(problems);
  const now = (options.now ?? new Date()).toISOString();
  return {
    version: SWEEP_STATE_VERSION,
    // The time orders sweeps; the suffix keeps two started in the same second apart.
    id: options.id ?? `sweep-${now.replace(/[-:.TZ]/g, '').slice(0, 14)}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`,
    name: config.name,
    status: 'pending',
    created: now,
    updated: now,
    config,
    graph: structuredClone(graph),
    training: parsed.config,
    trials: values.map((v, id) => ({ id, values: v, status: 'pending', history: [] })),
  };
}

/**
 * A trial's own model and training config (the base ones with its values; successive halving's max_epochs), or
 * why it cannot run. Deterministic, so a saved state needs only the values to give back every trial's snapshot.
 */
export function trialSnapshot(state: Pick<SweepState, 'config' | 'graph' | 'training'>, trial: Pick<TrialRecord, 'values'>): AppliedTrial {
  const { config } = state;
  const epochs = config.strategy.type === 'successive_halving' ? config.strategy.max_epochs : undefined;
  return applyTrial(state.graph, state.training, config.dimensions, trial.values, { epochs });
}
