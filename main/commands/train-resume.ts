/**
 * `layerlab train P.layerlab --resume RUN` where RUN is a run stored in the project (`#3`, `3` or its id): the run
 * continues from its last checkpoint with its own stored config and graph, into its own entry.
 *
 * A flag that would change what the run is (optimizer, learning rate, batch size, data, seed, subsets, a --config)
 * is refused, naming the flag, the stored value and the fix: a run whose first epochs trained with one setting and
 * the rest with another is a different experiment, and mixing them silently would make its curves lie. Only
 * `--epochs` may change, to a number above the epochs already trained: more extends the run (schedules count in
 * their own epochs, not in the total, so the learning rates of the epochs trained are unchanged), fewer than
 * planned ends it earlier, as Stop would. Flags about where and how it runs (--backend, --data-dir,
 * --checkpoint-dir, --json, --memory-budget) do not touch the run and are allowed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunJson } from '../../shared/format';
import { CHECKPOINT_MANIFEST } from '../engine/training/checkpoint';
import type { ProjectDocument } from '../projects/types';
import { readRunTelemetry } from '../projects/telemetry';
import { storedRunState } from '../../shared/run-compact';
import { flagNames } from './train-text';
import type { RunState } from '../../shared/run-state';
import { runNumbers, type StoredRunRef } from '../projects/run-numbers';
import type { TrainArgs } from './train';

/** `--resume #9` where the project has no run #9: says which runs there are. */
export function noSuchRun(file: string, ref: string, doc: ProjectDocument): Error {
  const numbers = runNumbers(doc.runs.map((r) => r.meta));
  const list = doc.runs.map((r, i) => `#${numbers[i]} ${r.meta.id} (${r.meta.status})`).join(', ') || 'none yet';
  return new Error(`--resume ${ref}: ${file} has no run ${ref.startsWith('#') ? ref : `'${ref}'`}; its runs are: ${list}. Name one by its #number or id (layerlab info ${file}).`);
}

/** The run's checkpoint folder, if it still has one on disk. */
export function storedCheckpoint(meta: RunJson): string | undefined {
  const dir = (meta.telemetry as { checkpoint?: unknown } | undefined)?.checkpoint;
  return typeof dir === 'string' && existsSync(join(dir, CHECKPOINT_MANIFEST)) ? dir : undefined;
}

/** What a stored run's dashboard showed (its stored telemetry), which its resumed session continues. */
export interface StoredDashboard {
  state: RunState;
  telemetrySeconds?: number;
}

/**
 * The stored run's dashboard, or none when it stored no telemetry. A telemetry that cannot be read does not stop
 * the resume (the weights and history are what training needs): the warning says its earlier pictures are lost.
 */
export async function storedDashboard(file: string, meta: RunJson): Promise<{ dashboard?: StoredDashboard; warning?: string }> {
  try {
    const stored = await readRunTelemetry(file, meta.id);
    if (!stored) return {};
    return { dashboard: { state: storedRunState(stored), ...(stored.telemetrySeconds !== undefined ? { telemetrySeconds: stored.telemetrySeconds } : {}) } };
  } catch (err) {
    return { warning: `${(err as Error).message} The resumed run stores the dashboard of its new epochs only.` };
  }
}

const show = (v: unknown) => (v === undefined || v === null ? 'none' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Why the run `ref` cannot be resumed with these flags, or [] when it can. `config` is the run's stored config and
 * `done` the epochs its checkpoint holds.
 */
export function resumeConflicts(args: TrainArgs, ref: StoredRunRef, config: Record<string, unknown>, done: number): string[] {
  const run = `run #${ref.number}`;
  const o = args.overrides;
  const optimizer = (config.optimizer ?? {}) as Record<string, unknown>;
  const dataset = (config.dataset ?? {}) as Record<string, unknown>;
  const stored: [flag: string, given: unknown, kept: unknown][] = [
    ['--dataset', o.dataset, dataset.path ?? dataset.name],
    ['--batch-size', o.batchSize, config.batch_size],
    ['--optimizer', o.optimizer, optimizer.name],
    ['--learning-rate', o.learningRate, optimizer.learning_rate],
    ['--momentum', o.momentum, optimizer.momentum],
    ['--limit-train', o.limitTrain, config.limit_train],
    ['--limit-test', o.limitTest, config.limit_test],
    ['--seed', o.seed, config.seed],
  ];
  const out: string[] = [];
  for (const [flag, given, kept] of stored) {
    if (given === undefined || given === kept) continue;
    out.push(`${flag} ${show(given)} contradicts ${run}'s stored ${flag.slice(2)} (${show(kept)}): drop ${flag} to continue the run with its own settings, or train a new run without --resume`);
  }
  if (args.configFile !== undefined) out.push(`--config ${args.configFile}: ${run} continues with its own stored config: drop --config, or train a new run without --resume`);
  for (const flags of [args.own, args.text]) {
    if (flags) out.push(`${flagNames(flags).join(', ')}: ${run} reads its data as it did: drop them, or train a new run without --resume`);
  }
  const epochs = o.epochs ?? (config.epochs as number);
  if (epochs <= done) {
    out.push(
      o.epochs === undefined
        ? `${run} has trained all its ${done} epochs: pass --epochs N with N above ${done} to train it further`
        : `--epochs ${o.epochs} is not above the ${done} epochs ${run} has trained: pass --epochs ${done + 1} or more to continue it, or train a new run without --resume`,
    );
  }
  return out;
}
