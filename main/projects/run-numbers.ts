/**
 * Run numbers (#1, #2, ...) as the history shows them. Files written before runs were numbered, and runs stored
 * without a number (an older build's import), get theirs when the file is read, so the number a user sees is the
 * number the run keeps: a later run never moves an earlier one.
 */
import type { RunJson } from '../../shared/format';
import type { ProjectDocument } from './types';

/**
 * Each run's number: its own, or, for runs without one, the next free numbers in creation order (runs are sorted
 * by creation), so numbers never repeat.
 */
export function runNumbers(runs: readonly Pick<RunJson, 'number'>[]): number[] {
  let most = runs.reduce((m, r) => Math.max(m, r.number ?? 0), 0);
  return runs.map((r) => r.number ?? ++most);
}

/** Gives every run without a number the one runNumbers shows for it (runs in creation order). */
export function pinRunNumbers(runs: readonly { meta: Pick<RunJson, 'number'> }[]): void {
  const numbers = runNumbers(runs.map((r) => r.meta));
  runs.forEach((r, i) => {
    r.meta.number ??= numbers[i]!;
  });
}

export interface StoredRunRef {
  meta: RunJson;
  number: number;
}

/** The stored run `ref` names (`#3`, `3`, or an id), or undefined when it names none (a checkpoint folder, say). */
export function findStoredRun(doc: ProjectDocument, ref: string): StoredRunRef | undefined {
  const numbers = runNumbers(doc.runs.map((r) => r.meta));
  const byNumber = /^#?(\d+)$/.exec(ref.trim());
  const at = doc.runs.findIndex((r, i) => (byNumber ? numbers[i] === Number(byNumber[1]) : r.meta.id === ref));
  return at < 0 ? undefined : { meta: doc.runs[at]!.meta, number: numbers[at]! };
}
