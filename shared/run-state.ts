/**
 * What a run has shown so far, folded from its event stream (shared/run-events.ts) by one pure reducer. The server
 * keeps a run with it (and stores it in the project), the window draws a run with it, and the project loader
 * rebuilds a stored run by replaying the stored events through it: a live run and a reopened one look the same.
 */
import type {
  ActivationMaps,
  BatchProgress,
  ConfusionReport,
  EpochMetrics,
  FiltersEvent,
  HealthWarning,
  HistogramsEvent,
  RegressionReport,
  RunEvent,
  TrainingNotice,
} from './run-events';

/** Per-batch points kept of one run: TensorBoard-like curves without the memory or file size of every batch. */
export const MAX_BATCH_POINTS = 2000;
/** Warnings and notices kept of one run (a diverging run would otherwise warn every epoch forever). */
export const MAX_KEPT_NOTES = 200;

export interface RunState {
  /** The latest batch progress (speed, ETA), whether or not it was kept as a point. */
  progress: BatchProgress | null;
  /**
   * Batch events with a loss (and the run's metrics, acc, mae, ..., in `metrics`), thinned evenly to at most
   * MAX_BATCH_POINTS (one kept in `batchStride`): every scalar of a kept batch stays together, so each per-batch
   * curve has the same points.
   */
  batches: BatchProgress[];
  batchStride: number;
  /** Batch events with a loss seen so far (the thinning counts them). */
  batchesSeen: number;
  /** One entry per finished epoch, in epoch order. The lists below hold one entry per epoch that reported one. */
  history: EpochMetrics[];
  histograms: HistogramsEvent[];
  filters: FiltersEvent[];
  activations: ActivationMaps[];
  confusion: ConfusionReport[];
  regression: RegressionReport[];
  warnings: HealthWarning[];
  notices: TrainingNotice[];
}

export function emptyRunState(): RunState {
  return {
    progress: null,
    batches: [],
    batchStride: 1,
    batchesSeen: 0,
    history: [],
    histograms: [],
    filters: [],
    activations: [],
    confusion: [],
    regression: [],
    warnings: [],
    notices: [],
  };
}

/** `list` with `item` in its epoch's place (an epoch reported again, as a resumed run does, replaces the old one). */
function byEpoch<T extends { epoch: number }>(list: readonly T[], item: T): T[] {
  const out = list.filter((x) => x.epoch !== item.epoch);
  const at = out.findIndex((x) => x.epoch > item.epoch);
  if (at < 0) out.push(item);
  else out.splice(at, 0, item);
  return out;
}

function capped<T>(list: readonly T[], item: T): readonly T[] {
  return list.length < MAX_KEPT_NOTES ? [...list, item] : list;
}

/** Whether batch point `a` came before `b` in the run (epoch, then batch). */
const batchBefore = (a: BatchProgress, b: BatchProgress) => a.epoch < b.epoch || (a.epoch === b.epoch && a.batch < b.batch);

/**
 * Whether `event` is a batch of the run trained again: a resumed run starts over from its checkpoint's epoch, and
 * what it had shown from there on (a stopped epoch's first batches; a killed run's epochs past its checkpoint)
 * is trained again. Told by a batch point at or after it, or a finished epoch at or after its epoch.
 */
function trainsAgain(state: RunState, event: BatchProgress): boolean {
  const last = state.batches.at(-1);
  return (last !== undefined && !batchBefore(last, event)) || (state.history.at(-1)?.epoch ?? -1) >= event.epoch;
}

/**
 * The state a resumed run goes on from at `event`: the batch points from it on give way to the new ones (the curve
 * never runs back on itself) and the warnings and notices of the epochs trained again go (the new session reports
 * its own, once). The per-epoch lists keep theirs until the new session reports that epoch again.
 */
function rewoundTo(state: RunState, event: BatchProgress): RunState {
  const kept = <T extends { epoch: number }>(list: readonly T[]) => list.filter((e) => e.epoch < event.epoch);
  return {
    ...state,
    batches: state.batches.filter((b) => batchBefore(b, event)),
    warnings: kept(state.warnings),
    notices: kept(state.notices),
  };
}

function withBatch(from: RunState, event: BatchProgress): RunState {
  if (event.loss === undefined) return { ...from, progress: event };
  const state = trainsAgain(from, event) ? rewoundTo(from, event) : from;
  const seen = state.batchesSeen + 1;
  let { batches, batchStride } = state;
  if ((seen - 1) % batchStride === 0) {
    batches = [...batches, event];
    // Over the cap: keep every other point and from now on every other event, so the points stay evenly spread.
    if (batches.length > MAX_BATCH_POINTS) {
      batches = batches.filter((_, i) => i % 2 === 0);
      batchStride *= 2;
    }
  }
  return { ...state, progress: event, batches, batchStride, batchesSeen: seen };
}

/**
 * The state after `event`. Pure: `state` is not changed, the lists an event touches are new arrays (so a view
 * holding the state in a reactive cell redraws), the others are shared with `state`.
 */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'batch':
      return withBatch(state, event);
    case 'epoch':
      return { ...state, history: byEpoch(state.history, event) };
    case 'histograms':
      return { ...state, histograms: byEpoch(state.histograms, event) };
    case 'filters':
      return { ...state, filters: byEpoch(state.filters, event) };
    case 'activations':
      return { ...state, activations: byEpoch(state.activations, event) };
    case 'confusion':
      return { ...state, confusion: byEpoch(state.confusion, event) };
    case 'regression':
      return { ...state, regression: byEpoch(state.regression, event) };
    case 'health':
      return { ...state, warnings: [...capped(state.warnings, event)] };
    case 'notice':
      return { ...state, notices: [...capped(state.notices, event)] };
  }
}

/**
 * What `state` showed of the epochs before `epoch`: where a run resumed from a checkpoint of `epoch` finished
 * epochs continues (the later ones it had shown, if any, are trained again).
 */
export function runStateBefore(state: RunState, epoch: number): RunState {
  const before = <T extends { epoch: number }>(list: readonly T[]) => list.filter((e) => e.epoch < epoch);
  const batches = before(state.batches);
  return {
    ...state,
    batches,
    // The next point is kept, as the first one after a thinning is.
    batchesSeen: batches.length * state.batchStride,
    history: before(state.history),
    histograms: before(state.histograms),
    filters: before(state.filters),
    activations: before(state.activations),
    confusion: before(state.confusion),
    regression: before(state.regression),
    warnings: before(state.warnings),
    notices: before(state.notices),
  };
}

/** Folds a whole stream (a stored run's events) into its state. */
export function replayRunEvents(events: Iterable<RunEvent>, from: RunState = emptyRunState()): RunState {
  let state = from;
  for (const e of events) state = applyRunEvent(state, e);
  return state;
}

/**
 * The events that rebuild `state` (replayRunEvents(runStateEvents(s)) shows what s shows): what a project stores
 * of a run, epoch by epoch, each epoch's batches first as they came.
 */
export function runStateEvents(state: RunState): RunEvent[] {
  const perEpoch = new Map<number, RunEvent[]>();
  const at = (epoch: number) => {
    let list = perEpoch.get(epoch);
    if (!list) perEpoch.set(epoch, (list = []));
    return list;
  };
  for (const b of state.batches) at(b.epoch).push(b);
  const lists: readonly (readonly RunEvent[])[] = [
    state.history,
    state.histograms,
    state.filters,
    state.activations,
    state.confusion,
    state.regression,
    state.warnings,
    state.notices,
  ];
  for (const list of lists) for (const e of list) at(e.epoch).push(e);
  return [...perEpoch.keys()].sort((a, b) => a - b).flatMap((epoch) => perEpoch.get(epoch)!);
}

/** The latest entry of a per-epoch list, or null. */
export function latest<T>(list: readonly T[]): T | null {
  return list.length > 0 ? list[list.length - 1]! : null;
}
