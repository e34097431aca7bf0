/**
 * A run's telemetry (shared/telemetry.ts events, as the engine pushes them and a project stores them) as a
 * TensorBoard event file: epoch metrics and learning rate as scalars `epoch/<key>` at step = epoch, batch losses and
 * metrics as `batch/loss`, `batch/acc`, ... at the global batch index, weight (and gradient) histograms as
 * `<layer>/<weight>` at step = epoch, conv filter pictures as images `filters/<layer>` at step = epoch. Summaries of other plugins (the HParams
 * session of a sweep trial) go first (`leading`) or last (`trailing`).
 */
import type { TelemetryEvent, WeightHistogram } from '../../../shared/telemetry';
import { EventFileWriter, type HistogramValue, type SummaryValue } from './events';
import { filterGridImage } from './filter-image';

/** The engine's fixed-bin histogram in TensorBoard's form (right bin edges; sums recovered from mean and std). */
export function histogramFromTelemetry(h: WeightHistogram): HistogramValue {
  const width = (h.max - h.min) / h.bins || 1;
  return {
    min: h.min,
    max: h.max,
    num: h.count,
    sum: h.mean * h.count,
    sum_squares: (h.std * h.std + h.mean * h.mean) * h.count,
    bucket_limit: h.counts.map((_, i) => (i === h.counts.length - 1 ? h.max : h.min + width * (i + 1))),
    bucket: h.counts.slice(),
  };
}

export interface TelemetryLogOptions {
  /** Seconds since the epoch when the run started (default now). */
  startTime?: number;
  leading?: SummaryValue[];
  trailing?: SummaryValue[];
}

/** Writes the run's events into logDir (one events.out.tfevents.* file); returns its path. */
export async function writeTelemetryEvents(logDir: string, events: readonly TelemetryEvent[], options: TelemetryLogOptions = {}): Promise<string> {
  const startTime = options.startTime ?? Date.now() / 1000;
  const writer = await EventFileWriter.create(logDir, startTime * 1000);
  let elapsed = 0;
  try {
    if (options.leading?.length) await writer.write({ wall_time: startTime, step: 0, summary: { value: options.leading } });
    for (const e of events) {
      const wall = startTime + elapsed;
      if (e.type === 'epoch') {
        elapsed += e.seconds;
        for (const [key, value] of Object.entries(e.metrics)) await writer.addScalar(`epoch/${key}`, value, e.epoch, startTime + elapsed);
        // A stored history may carry the rate among its metrics, and older ones not at all (NaN).
        if (!('lr' in e.metrics) && Number.isFinite(e.lr)) await writer.addScalar('epoch/lr', e.lr, e.epoch, startTime + elapsed);
      } else if (e.type === 'batch' && e.loss !== undefined) {
        const step = e.epoch * e.batches + e.batch;
        await writer.addScalar('batch/loss', e.loss, step, wall);
        for (const [key, value] of Object.entries(e.metrics ?? {})) await writer.addScalar(`batch/${key}`, value, step, wall);
      } else if (e.type === 'histogram') {
        const tag = `${e.of === 'gradients' ? 'gradients/' : ''}${e.layer}/${e.weight}`;
        await writer.write({ wall_time: wall, step: e.epoch, summary: { value: [{ tag, histo: histogramFromTelemetry(e) }] } });
      } else if (e.type === 'filters' && e.tiles > 0) {
        await writer.addImage(`filters/${e.layer}`, filterGridImage(e), e.epoch, wall);
      }
    }
    if (options.trailing?.length) await writer.write({ wall_time: startTime + elapsed, step: 0, summary: { value: options.trailing } });
  } finally {
    await writer.close();
  }
  return writer.path;
}
