/**
 * A run as a project stores it, as telemetry events (shared/telemetry.ts) for from-telemetry.ts: its epoch history
 * (metrics, the learning rate among them), and from its saved weights the weight histograms and conv filter
 * pictures at its last epoch, made by the engine's own telemetry code (the same bins and tiles the dashboard shows).
 */
import { modelTopology } from '../../../shared/graph/import';
import type { RunJson } from '../../../shared/format';
import type { TelemetryEvent } from '../../../shared/telemetry';
import { bytesToBase64 } from '../../../shared/telemetry';
import { kernelTiles } from '../../engine/training/telemetry/filters';
import { histogram, shortWeightName } from '../../engine/training/telemetry/histograms';
import { canonicalWeightName } from '../../engine/weight-names';
import type { StoredWeights } from '../../projects/types';
import { decodeStoredWeights } from '../source';
import type { NamedWeight } from '../types';

/** TensorBoard's own histogram bin count. */
const BINS = 30;
const CONV_CLASSES = new Set(['Conv2D', 'Conv2DTranspose']);

/** Layer name -> Keras class name, from a model.json's topology or a Keras model config (Sequential or functional). */
export function layerClasses(modelJson: unknown): Map<string, string> {
  const topology = modelTopology(modelJson) as { config?: { layers?: { class_name?: string; config?: { name?: string } }[] } | { class_name?: string; config?: { name?: string } }[] };
  const config = topology.config;
  const layers = Array.isArray(config) ? config : (config?.layers ?? []);
  return new Map(layers.flatMap((l) => (l.config?.name && l.class_name ? [[l.config.name, l.class_name] as [string, string]] : [])));
}

/** The epochs of the run's history; the learning rate is among the metrics where the run stored it. */
function epochEvents(meta: RunJson): TelemetryEvent[] {
  let previous = 0;
  return meta.history.map((h) => {
    const metrics = Object.fromEntries(Object.entries(h.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
    const seconds = h.time === undefined ? 0 : Math.max(0, h.time - previous);
    previous = h.time ?? previous;
    return { type: 'epoch', epoch: h.epoch, metrics, lr: Number.NaN, seconds };
  });
}

/** Histograms of every weight and pictures of every conv layer's kernels (layer classes from `classes`), at `epoch`. */
export function weightEvents(weights: readonly NamedWeight[], classes: ReadonlyMap<string, string>, epoch: number): TelemetryEvent[] {
  const out: TelemetryEvent[] = [];
  let first = true;
  for (const w of weights) {
    // Tags of one graph agree between runs whatever tfjs counter a Bidirectional's inner layer carries.
    const name = canonicalWeightName(w.name);
    const layer = name.slice(0, Math.max(0, name.lastIndexOf('/'))) || name;
    const weight = shortWeightName(name);
    const h = histogram(w.data, BINS);
    out.push({ type: 'histogram', epoch, layer, weight, of: 'weights', bins: BINS, min: h.min, max: h.max, counts: h.counts, count: h.count, mean: h.mean, std: h.std, ...(h.nonFinite ? { nonFinite: h.nonFinite } : {}) });
    const cls = classes.get(layer);
    if (weight === 'kernel' && cls && CONV_CLASSES.has(cls) && w.shape.length === 4) {
      // As the engine draws them: the first conv layer in colour when it reads 3 channels, the others grey.
      const t = kernelTiles(w.data, w.shape, first, cls === 'Conv2DTranspose');
      first = false;
      out.push({ type: 'filters', epoch, layer, kind: t.channels === 3 ? 'rgb' : 'grey', tileHeight: w.shape[0]!, tileWidth: w.shape[1]!, tiles: t.tiles, channels: t.channels, data: bytesToBase64(t.data) });
    }
  }
  return out;
}

/** Everything the project holds of a run, as telemetry events in time order. */
export function storedRunEvents(meta: RunJson, stored: StoredWeights | undefined): TelemetryEvent[] {
  const events = epochEvents(meta);
  if (stored) events.push(...weightEvents(decodeStoredWeights(stored), layerClasses(stored.modelJson), meta.history.at(-1)?.epoch ?? 0));
  return events;
}
