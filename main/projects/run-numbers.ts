/**
 * Run numbers (#1, #2, ...) as the history shows them. Files written before runs were numbered, and runs stored
 * without a number (an older build's import), get theirs when the file is read, so the number a user sees is the
 * number the run keeps: a later run never moves an earlier one.
 */
import type { RunJson } from '../../shared/format';

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
