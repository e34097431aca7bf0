/**
 * A run's events made compact for its project file: numbers rounded to what a chart or a table can show, filter
 * pictures capped per layer. Histogram counts stay exact; pixel tiles stay bytes (base64), the smallest honest
 * form of a picture. See bench/telemetry-size.ts for what a workshop run costs.
 */
import type { StoredTelemetry } from './format/telemetry';
import type { FilterTiles, LayerActivation, RunEvent } from './run-events';
import { replayRunEvents, runStateEvents, type RunState } from './run-state';
import { base64ToBytes, bytesToBase64 } from './telemetry';

/** Filter pictures kept per conv layer and epoch (a 512-filter layer would otherwise dominate the file). */
export const MAX_STORED_FILTERS = 64;

/** `v` to `digits` significant digits (integers and non-finite values unchanged). */
export function roundSignificant(v: number, digits: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v) || v === 0) return v;
  return Number(v.toPrecision(digits));
}

const r4 = (v: number) => roundSignificant(v, 4);
const r6 = (v: number) => roundSignificant(v, 6);

function capFilters(f: FilterTiles): FilterTiles {
  if (f.tiles <= MAX_STORED_FILTERS) return f;
  const bytes = base64ToBytes(f.data).subarray(0, MAX_STORED_FILTERS * f.tileWidth * f.tileHeight * f.channels);
  return { ...f, tiles: MAX_STORED_FILTERS, data: bytesToBase64(bytes) };
}

function compactActivation(a: LayerActivation): LayerActivation {
  return a.kind === 'bars' ? { ...a, values: a.values.map(r4), min: r4(a.min), max: r4(a.max) } : { ...a, min: r4(a.min), max: r4(a.max) };
}

const roundRecord = (m: Record<string, number>, round = r6) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));

/** The event as a project stores it. */
export function compactRunEvent(e: RunEvent): RunEvent {
  switch (e.type) {
    case 'batch':
      return {
        ...e,
        samplesPerSec: Math.round(e.samplesPerSec),
        etaSeconds: Math.round(e.etaSeconds),
        ...(e.loss !== undefined ? { loss: r4(e.loss) } : {}),
        ...(e.metrics ? { metrics: roundRecord(e.metrics, r4) } : {}),
      };
    case 'epoch':
      return { ...e, metrics: roundRecord(e.metrics), lr: r6(e.lr), seconds: r4(e.seconds) };
    case 'histograms':
      return { ...e, histograms: e.histograms.map((h) => ({ ...h, min: r4(h.min), max: r4(h.max), mean: r4(h.mean), std: r4(h.std) })) };
    case 'filters':
      return { ...e, layers: e.layers.map(capFilters) };
    case 'activations':
      return { ...e, layers: e.layers.map(compactActivation) };
    case 'confusion':
      return {
        ...e,
        precision: e.precision.map((p) => (p === null ? null : r4(p))),
        recall: e.recall.map((p) => (p === null ? null : r4(p))),
        accuracy: r6(e.accuracy),
        confidentlyWrong: e.confidentlyWrong.map((w) => ({ ...w, probability: r4(w.probability) })),
      };
    case 'regression':
      return {
        ...e,
        mae: r6(e.mae),
        rmse: r6(e.rmse),
        points: e.points.map(([a, b]) => [r4(a), r4(b)] as [number, number]),
        residuals: { ...e.residuals, min: r4(e.residuals.min), max: r4(e.residuals.max) },
      };
    default:
      return e;
  }
}

/** Drops a `runId` the service added: a stored event belongs to the run whose folder holds it. */
export function withoutRunId<E extends RunEvent>(e: E & { runId?: string }): E {
  if (!('runId' in e)) return e;
  const { runId: _drop, ...rest } = e;
  return rest as unknown as E;
}

/** Everything a run showed, as its project stores it (compact; without the run ids the service added). */
export function storedTelemetryOf(state: RunState, about: { backend?: string; telemetrySeconds?: number } = {}): StoredTelemetry {
  return {
    version: 1,
    ...(about.backend ? { backend: about.backend } : {}),
    ...(about.telemetrySeconds !== undefined ? { telemetrySeconds: Math.round(about.telemetrySeconds * 1000) / 1000 } : {}),
    ...(state.batchStride > 1 ? { batchStride: state.batchStride } : {}),
    events: runStateEvents(state).map((e) => compactRunEvent(withoutRunId(e))),
  };
}

/**
 * The state a stored run's telemetry rebuilds (the inverse of storedTelemetryOf), its thinning included: events a
 * resumed run adds are kept one in `batchStride`, as the stored ones were.
 */
export function storedRunState(stored: Pick<StoredTelemetry, 'events' | 'batchStride'>): RunState {
  const state = replayRunEvents(stored.events);
  const batchStride = Math.max(state.batchStride, stored.batchStride ?? 1);
  return { ...state, batchStride, batchesSeen: state.batches.length * batchStride };
}
