/**
 * Scoring and ordering trials, and the successive-halving rule. Pure functions of recorded metrics, so the
 * decisions a runner made can be checked afterwards from the saved state alone.
 */
import type { Objective, Strategy } from './schema';
import type { TrialEpoch, TrialRecord, TrialStatus } from './state';

/** The objective of a metric history: its value at the last epoch (or the best epoch), among the first `epochs`. */
export function objectiveValue(history: readonly TrialEpoch[], objective: Objective, epochs = Number.POSITIVE_INFINITY): number | null {
  const values = history
    .filter((h) => h.epoch < epochs)
    .map((h) => h.metrics[objective.metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return null;
  if (objective.summary === 'last') return values[values.length - 1]!;
  return objective.mode === 'max' ? Math.max(...values) : Math.min(...values);
}

/** True when `a` is strictly better than `b` for the mode. */
export const isBetter = (a: number, b: number, mode: Objective['mode']): boolean => (mode === 'max' ? a > b : a < b);

/** Epoch counts at which successive halving decides: min_epochs * eta^k, below max_epochs. */
export function rungEpochs(strategy: Strategy): number[] {
  if (strategy.type !== 'successive_halving') return [];
  const rungs: number[] = [];
  for (let r = strategy.min_epochs; r < strategy.max_epochs; r *= strategy.eta) rungs.push(r);
  return rungs;
}

/** How many of `n` trials at a rung go on: the top 1/eta, at least one. */
export const promotionQuota = (n: number, eta: number): number => Math.max(1, Math.floor(n / eta));

/**
 * Whether a trial with `value` at a rung goes on, given the values the earlier trials had at the same rung:
 * it does when fewer than quota(n) of all n (itself included) are strictly better.
 */
export function decidePromotion(earlier: readonly number[], value: number, eta: number, mode: Objective['mode']): boolean {
  const better = earlier.filter((v) => isBetter(v, value, mode)).length;
  return better < promotionQuota(earlier.length + 1, eta);
}

/** The values recorded at a rung by trials other than `exceptId`. */
export function rungValues(trials: readonly TrialRecord[], epochs: number, exceptId: number): number[] {
  return trials.flatMap((t) => (t.id === exceptId ? [] : (t.rungs ?? []).filter((r) => r.epochs === epochs).map((r) => r.value)));
}

const GROUP: Record<TrialStatus, number> = { done: 0, 'terminated-early': 1, running: 2, pending: 3, failed: 4, skipped: 5 };

/** Finished trials first, best objective first; then terminated-early (by their last rung value), the rest after. */
export function rankTrials(trials: readonly TrialRecord[], objective: Objective): TrialRecord[] {
  return [...trials].sort((a, b) => {
    const g = GROUP[a.status] - GROUP[b.status];
    if (g !== 0) return g;
    const va = a.objective ?? null;
    const vb = b.objective ?? null;
    if (va === null || vb === null) return (va === null ? 1 : 0) - (vb === null ? 1 : 0) || a.id - b.id;
    return isBetter(va, vb, objective.mode) ? -1 : isBetter(vb, va, objective.mode) ? 1 : a.id - b.id;
  });
}

/** The best completed trial, or undefined when none completed with a value. */
export function bestTrial(trials: readonly TrialRecord[], objective: Objective): TrialRecord | undefined {
  const first = rankTrials(trials, objective)[0];
  return first && first.status === 'done' && first.objective != null ? first : undefined;
}
