/**
 * Live or interrupted. A run is stored as `running` from its first batch, with the pid and host of the process
 * training it (`trainer`). When that process dies mid-run (SIGKILL, crash, power cut) nothing gets to write the
 * run's end, so every reader decides: a `running` run whose trainer is gone on this host is `interrupted`. Readers
 * apply it in memory (opening never writes); the next write of the file records it.
 *
 * A trainer on another host (a project on a shared folder) cannot be checked from here and is taken as live.
 */
import { hostname } from 'node:os';
import type { RunJson, RunTrainer } from '../../shared/format';
import { isAlive } from './atomic-file';

/** This process, as the trainer of the runs it stores. */
export function trainerStamp(): RunTrainer {
  return { pid: process.pid, host: hostname() };
}

/** Whether `meta` is stored as running but no process trains it any more. */
export function isInterrupted(meta: Pick<RunJson, 'status' | 'trainer'>): boolean {
  if (meta.status === 'interrupted') return true;
  if (meta.status !== 'running') return false;
  // Written before runs named their trainer: nothing can be training it for this build.
  if (!meta.trainer) return true;
  return meta.trainer.host === hostname() && !isAlive(meta.trainer.pid);
}

/** Marks the runs of `runs` whose trainer is gone as interrupted (in place); returns their ids. */
export function markInterrupted(runs: readonly { meta: RunJson }[]): string[] {
  const marked: string[] = [];
  for (const { meta } of runs) {
    if (meta.status !== 'running' || !isInterrupted(meta)) continue;
    meta.status = 'interrupted';
    delete meta.trainer;
    marked.push(meta.id);
  }
  return marked;
}
