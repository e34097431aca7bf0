import { describe, expect, it } from 'vitest';
import { compactRunEvent, MAX_STORED_FILTERS, roundSignificant, storedRunState, storedTelemetryOf } from '../../../shared/run-compact';
import { RunEventSchema, type BatchProgress, type RunEvent } from '../../../shared/run-events';
import { applyRunEvent, emptyRunState, MAX_BATCH_POINTS, MAX_KEPT_NOTES, replayRunEvents, runStateBefore, runStateEvents } from '../../../shared/run-state';
import { storedTelemetrySchema } from '../../../shared/format';
import { base64ToBytes, bytesToBase64 } from '../../../shared/telemetry';

const batch = (epoch: number, b: number, loss: number, metrics?: Record<string, number>): BatchProgress => ({
  type: 'batch', epoch, batch: b, batches: 100, samplesPerSec: 10, etaSeconds: 1, loss, ...(metrics ? { metrics } : {}),
});
const epochEvent = (epoch: number, loss: number): RunEvent => ({ type: 'epoch', epoch, metrics: { loss, val_loss: loss + 0.1 }, lr: 0.001, seconds: 2 });

describe('applyRunEvent', () => {
  it('keeps every batch point up to the cap, then thins them evenly and keeps the latest progress', () => {
    let s = emptyRunState();
    for (let i = 0; i < MAX_BATCH_POINTS; i++) s = applyRunEvent(s, batch(Math.floor(i / 100), i % 100, i));
    expect(s.batches).toHaveLength(MAX_BATCH_POINTS);
    s = applyRunEvent(s, batch(MAX_BATCH_POINTS / 100, 0, MAX_BATCH_POINTS));
    expect(s.batches.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(s.batchStride).toBe(2);
    // Even spacing: every other event kept, the first one included.
    expect(s.batches.slice(0, 4).map((b) => b.loss)).toEqual([0, 2, 4, 6]);
    for (let i = MAX_BATCH_POINTS + 1; i < 10 * MAX_BATCH_POINTS; i++) s = applyRunEvent(s, batch(Math.floor(i / 100), i % 100, i));
    expect(s.batches.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(s.batches.length).toBeGreaterThan(MAX_BATCH_POINTS / 2);
    expect(s.progress?.loss).toBe(10 * MAX_BATCH_POINTS - 1);
  });

  it('thins the metrics of a batch with its loss: every per-batch curve keeps the same at most MAX_BATCH_POINTS points', () => {
    let s = emptyRunState();
    const n = 3 * MAX_BATCH_POINTS + 7;
    for (let i = 0; i < n; i++) s = applyRunEvent(s, batch(Math.floor(i / 100), i % 100, i, { acc: i / n, mae: 2 * i }));
    expect(s.batches.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(s.batches.length).toBeGreaterThan(MAX_BATCH_POINTS / 2);
    for (const b of s.batches) expect(b.metrics).toEqual({ acc: b.loss! / n, mae: 2 * b.loss! });
    // Evenly spread over the whole run, not only its start.
    expect(s.batches.at(-1)!.epoch).toBeGreaterThanOrEqual(Math.floor((n - s.batchStride) / 100));
  });

  it('a resumed run\'s batches replace the points it had shown from its checkpoint on; runStateBefore keeps the epochs before one', () => {
    let s = emptyRunState();
    for (let e = 0; e < 3; e++) {
      for (let b = 0; b < 100; b += 25) s = applyRunEvent(s, batch(e, b, e * 10 + b / 100, { acc: 0.5 }));
      if (e < 2) s = applyRunEvent(s, epochEvent(e, 1 / (e + 1)));
      s = applyRunEvent(s, { type: 'notice', epoch: e, kind: 'lr-reduced', message: 'lr', value: 0.1 });
    }
    // Stopped in epoch 2; resumed from the checkpoint of 2 finished epochs, epoch 2 begins again.
    const resumed = applyRunEvent(s, batch(2, 0, 99, { acc: 0.9 }));
    expect(resumed.batches.map((b) => [b.epoch, b.batch])).toEqual([[0, 0], [0, 25], [0, 50], [0, 75], [1, 0], [1, 25], [1, 50], [1, 75], [2, 0]]);
    expect(resumed.batches.at(-1)!.metrics).toEqual({ acc: 0.9 });
    const before = runStateBefore(s, 1);
    expect(before.batches.map((b) => b.epoch)).toEqual([0, 0, 0, 0]);
    expect(before.history.map((h) => h.epoch)).toEqual([0]);
    expect(before.notices.map((n) => n.epoch)).toEqual([0]);
    expect(s.history).toHaveLength(2); // pure
    expect(applyRunEvent(before, batch(1, 0, 5)).batches).toHaveLength(5);
  });

  it('a killed run resumed from a checkpoint behind its telemetry shows each warning and notice of the epochs trained again once', () => {
    // Killed after its telemetry of epoch 3 was stored but before the checkpoint of epoch 3: the checkpoint has 2
    // finished epochs, so the resumed session trains epochs 2 and 3 again and reports their warnings again.
    const warn = (epoch: number): RunEvent => ({ type: 'health', epoch, kind: 'dead-relu', layer: 'conv1', message: 'dead', suggestion: 'lower lr', value: 0.6 });
    const note = (epoch: number): RunEvent => ({ type: 'notice', epoch, kind: 'lr-reduced', message: 'lr', value: 0.1 });
    const session = (from: number, to: number, keepBatches = true) => {
      const events: RunEvent[] = [];
      for (let e = from; e < to; e++) {
        if (keepBatches) for (let b = 0; b < 100; b += 50) events.push(batch(e, b, 10 * e + b / 100));
        events.push(epochEvent(e, 1 / (e + 1)), warn(e), note(e));
      }
      return events;
    };
    const killed = replayRunEvents(session(0, 4));
    const resumed = replayRunEvents(session(2, 4), killed);
    const epochsOf = (list: readonly { epoch: number }[]) => list.map((x) => x.epoch);
    expect(epochsOf(resumed.warnings)).toEqual([0, 1, 2, 3]);
    expect(epochsOf(resumed.notices)).toEqual([0, 1, 2, 3]);
    expect(epochsOf(resumed.history)).toEqual([0, 1, 2, 3]);
    expect(epochsOf(resumed.batches)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    // Those of the epochs trained again go with their first batch: not yet reported again, not shown twice.
    const restarted = applyRunEvent(killed, batch(2, 0, 99));
    expect(epochsOf(restarted.warnings)).toEqual([0, 1]);
    expect(epochsOf(restarted.notices)).toEqual([0, 1]);
    // Told by the finished epochs too, where the stored batch points (thinned, or none) end before the checkpoint.
    const thinned = replayRunEvents([...session(0, 2), ...session(2, 4, false)]);
    expect(epochsOf(applyRunEvent(thinned, batch(2, 0, 99)).warnings)).toEqual([0, 1]);
    // A run going on normally keeps every warning.
    expect(epochsOf(applyRunEvent(killed, batch(4, 0, 99)).warnings)).toEqual([0, 1, 2, 3]);
  });

  it('a stored run resumed goes on thinning its batch points as they were thinned: one even spread over both sessions', () => {
    // 30 epochs of 100 batches (3,000 events: stored one in 2), then 10 more epochs after a resume from the file.
    let s = emptyRunState();
    for (let i = 0; i < 3000; i++) s = applyRunEvent(s, batch(Math.floor(i / 100), i % 100, i, { acc: 0.5 }));
    const stored = storedTelemetrySchema.parse(JSON.parse(JSON.stringify(storedTelemetryOf(s))));
    expect(stored.batchStride).toBe(2);
    let resumed = runStateBefore(storedRunState(stored), 30);
    for (let i = 3000; i < 4000; i++) resumed = applyRunEvent(resumed, batch(Math.floor(i / 100), i % 100, i, { acc: 0.5 }));
    let whole = s;
    for (let i = 3000; i < 4000; i++) whole = applyRunEvent(whole, batch(Math.floor(i / 100), i % 100, i, { acc: 0.5 }));
    // The same points as a run that never stopped: evenly spaced, the stored session's no sparser than the new one's.
    expect(resumed.batches.map((b) => b.loss)).toEqual(whole.batches.map((b) => b.loss));
    expect(resumed.batchStride).toBe(whole.batchStride);
    const gaps = new Set(resumed.batches.slice(1).map((b, i) => b.loss! - resumed.batches[i]!.loss!));
    expect(gaps).toEqual(new Set([whole.batchStride]));
  });

  it('is pure and keeps one entry per epoch, in epoch order, an epoch reported again replacing the old one', () => {
    const a = emptyRunState();
    const b = applyRunEvent(a, epochEvent(1, 0.5));
    expect(a.history).toEqual([]);
    const c = applyRunEvent(applyRunEvent(b, epochEvent(0, 0.9)), epochEvent(1, 0.4));
    expect(c.history.map((h) => [h.epoch, h.metrics.loss])).toEqual([[0, 0.9], [1, 0.4]]);
    expect(b.history.map((h) => h.metrics.loss)).toEqual([0.5]);
  });

  it('caps warnings so a diverging run does not grow without end', () => {
    let s = emptyRunState();
    for (let i = 0; i < MAX_KEPT_NOTES + 50; i++) s = applyRunEvent(s, { type: 'health', epoch: i, kind: 'overfitting', message: 'm', suggestion: 's' });
    expect(s.warnings).toHaveLength(MAX_KEPT_NOTES);
  });

  it('runStateEvents replays into the same state, every event valid for the schema', () => {
    let s = emptyRunState();
    const h = { type: 'histogram' as const, epoch: 0, layer: 'dense', weight: 'kernel', of: 'weights' as const, bins: 2, min: -1, max: 1, counts: [3, 4], count: 7, mean: 0, std: 1 };
    for (let e = 0; e < 3; e++) {
      for (let b = 0; b < 5; b++) s = applyRunEvent(s, batch(e, b * 20, 1 / (e * 5 + b + 1)));
      s = applyRunEvent(s, epochEvent(e, 1 / (e + 1)));
      s = applyRunEvent(s, { type: 'histograms', epoch: e, histograms: [{ ...h, epoch: e }] });
      s = applyRunEvent(s, { type: 'notice', epoch: e, kind: 'lr-reduced', message: 'lr', value: 0.1 });
    }
    const events = runStateEvents(s);
    for (const e of events) expect(RunEventSchema.safeParse(e).success).toBe(true);
    const again = replayRunEvents(events);
    const { progress: _p, ...rest } = again;
    const { progress: _q, ...restOriginal } = s;
    expect(rest).toEqual(restOriginal);
  });
});

describe('compactRunEvent', () => {
  it('rounds to what a chart shows and keeps the first 64 filter pictures of a layer', () => {
    expect(roundSignificant(0.123456789, 4)).toBe(0.1235);
    expect(roundSignificant(42, 4)).toBe(42);
    const tiles = 100;
    const bytes = new Uint8Array(tiles * 9).map((_, i) => i % 256);
    const compact = compactRunEvent({
      type: 'filters',
      epoch: 0,
      layers: [{ type: 'filters', epoch: 0, layer: 'conv', kind: 'grey', tileWidth: 3, tileHeight: 3, tiles, channels: 1, data: bytesToBase64(bytes) }],
    });
    expect(compact.type === 'filters' && compact.layers[0]!.tiles).toBe(MAX_STORED_FILTERS);
    const kept = compact.type === 'filters' ? base64ToBytes(compact.layers[0]!.data) : new Uint8Array();
    expect([...kept]).toEqual([...bytes.subarray(0, MAX_STORED_FILTERS * 9)]);
    const e = compactRunEvent(epochEvent(0, 0.123456789));
    expect(e.type === 'epoch' && e.metrics.loss).toBe(0.123457);
    const b = compactRunEvent(batch(0, 3, 0.123456789, { acc: 0.87654321, mae: 12.3456789 }));
    expect(b).toMatchObject({ loss: 0.1235, metrics: { acc: 0.8765, mae: 12.35 } });
  });

  it('reads stored telemetry of older runs, whose batch points hold only the loss', () => {
    const old = { version: 1, events: [batch(0, 0, 2.3), epochEvent(0, 2)] };
    const parsed = storedTelemetrySchema.parse(old);
    const state = replayRunEvents(parsed.events);
    expect(state.batches).toHaveLength(1);
    expect(state.batches[0]!.metrics).toBeUndefined();
    // Metrics must be numbers: a stored batch point with a text metric is refused.
    expect(storedTelemetrySchema.safeParse({ version: 1, events: [{ ...batch(0, 0, 1), metrics: { acc: 'high' } }] }).success).toBe(false);
  });
});
