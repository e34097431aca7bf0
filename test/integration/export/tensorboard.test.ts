/**
 * TensorBoard event files: a run's scalars and histograms written, then read back record by record (both CRCs
 * checked); damage is detected; and, where /usr/bin/python3 has tensorboard, TensorBoard's own reader agrees.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from '../../../main/export/tensorboard/crc32c';
import { encodeEvent, readEventFile, writeRunEvents } from '../../../main/export/tensorboard/events';
import { writeTelemetryEvents } from '../../../main/export/tensorboard/from-telemetry';
import type { TelemetryEvent } from '../../../shared/telemetry';
import { PYTHON as SYSTEM_PYTHON } from './helpers';

/** A Python with the tensorboard package: TENSORBOARD_PYTHON, else /usr/bin/python3. */
const PYTHON = process.env.TENSORBOARD_PYTHON ?? SYSTEM_PYTHON;

const run = {
  scalars: Array.from({ length: 20 }, (_, i) => ({ tag: 'loss', step: i + 1, value: 2.3 * Math.exp(-i / 8), wallTime: 1_790_000_000 + i })),
  histograms: [1, 2].map((epoch) => ({ tag: 'dense_1/kernel', step: epoch, values: Float32Array.from({ length: 500 }, (_, i) => Math.sin(i * epoch) * epoch), wallTime: 1_790_000_100 + epoch })),
};

describe('TensorBoard event files', () => {
  it('uses CRC-32C with TensorFlow\'s mask (known check values)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
  });

  it('encodes Event with TensorFlow\'s field numbers', () => {
    const bytes = encodeEvent({ wall_time: 1.5, step: 7, summary: { value: [{ tag: 'a', simple_value: 0.5 }] } });
    // field 1 double (tag 0x09) = 1.5, field 2 varint (0x10) = 7, field 5 message (0x2a)
    expect(Array.from(bytes.subarray(0, 9))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    expect(Array.from(bytes.subarray(9, 12))).toEqual([0x10, 7, 0x2a]);
    // Summary.value (0x0a) { tag (0x0a) 'a', simple_value (0x15) float 0.5 }
    expect(Array.from(bytes.subarray(13))).toEqual([0x0a, 8, 0x0a, 1, 0x61, 0x15, 0, 0, 0, 0x3f]);
  });

  it('writes a run and reads every scalar and histogram back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-tb-'));
    const path = await writeRunEvents(dir, run);
    expect(basename(path)).toMatch(/^events\.out\.tfevents\.\d+\./);
    const events = readEventFile(readFileSync(path));
    expect(events[0].file_version).toBe('brain.Event:2');
    const scalars = events.filter((e) => e.summary?.value[0].simple_value !== undefined);
    expect(scalars.map((e) => e.step)).toEqual(run.scalars.map((s) => s.step));
    scalars.forEach((e, i) => {
      expect(e.summary!.value[0].tag).toBe('loss');
      expect(e.summary!.value[0].simple_value).toBeCloseTo(run.scalars[i].value, 6);
      expect(e.wall_time).toBe(run.scalars[i].wallTime);
    });
    const histos = events.filter((e) => e.summary?.value[0].histo);
    expect(histos).toHaveLength(2);
    const h = histos[1].summary!.value[0].histo!;
    expect(h.num).toBe(500);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(500);
    expect(h.bucket_limit).toHaveLength(30);
    expect(h.min).toBeCloseTo(Math.min(...run.histograms[1].values), 6);
    expect(h.max).toBeCloseTo(Math.max(...run.histograms[1].values), 6);
  });

  it('turns a run\'s telemetry (epoch metrics, batch losses and metrics, weight histograms) into TensorBoard scalars and histograms', async () => {
    const events: TelemetryEvent[] = [
      { type: 'batch', epoch: 0, batch: 9, batches: 10, samplesPerSec: 100, etaSeconds: 5, loss: 1.5, metrics: { acc: 0.25 } },
      { type: 'epoch', epoch: 0, metrics: { loss: 1.2, acc: 0.6, val_loss: 1.1, val_acc: 0.65 }, lr: 0.001, seconds: 3 },
      { type: 'histogram', epoch: 0, layer: 'dense_1', weight: 'kernel', of: 'weights', bins: 4, min: -1, max: 1, counts: [1, 3, 4, 2], count: 10, mean: 0.1, std: 0.5 },
      // A run stored before batch metrics were kept: its batch points hold only the loss.
      { type: 'batch', epoch: 1, batch: 9, batches: 10, samplesPerSec: 100, etaSeconds: 0, loss: 0.7 },
      { type: 'epoch', epoch: 1, metrics: { loss: 0.8, acc: 0.75, val_loss: 0.9, val_acc: 0.7 }, lr: 0.0005, seconds: 3 },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-tb-tel-'));
    const got = readEventFile(readFileSync(await writeTelemetryEvents(dir, events, { startTime: 1_790_000_000 })));
    const scalar = (tag: string) => got.filter((e) => e.summary?.value[0].tag === tag).map((e) => [e.step, e.summary!.value[0].simple_value]);
    expect(scalar('epoch/val_acc')).toEqual([[0, expect.closeTo(0.65, 6)], [1, expect.closeTo(0.7, 6)]]);
    expect(scalar('epoch/lr').map(([s]) => s)).toEqual([0, 1]);
    expect(scalar('batch/loss')).toEqual([[9, 1.5], [19, expect.closeTo(0.7, 6)]]);
    expect(scalar('batch/acc')).toEqual([[9, 0.25]]);
    const h = got.find((e) => e.summary?.value[0].tag === 'dense_1/kernel')!.summary!.value[0].histo!;
    expect(h.bucket).toEqual([1, 3, 4, 2]);
    expect(h.bucket_limit).toEqual([-0.5, 0, 0.5, 1]);
    expect(h.sum).toBeCloseTo(1, 9);
    expect(h.sum_squares).toBeCloseTo(2.6, 9);
  });

  it('detects a damaged file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-tb-'));
    const good = new Uint8Array(readFileSync(await writeRunEvents(dir, run)));
    expect(() => readEventFile(good.subarray(0, good.length - 3))).toThrow(/cut short/);
    const bytes = good.slice();
    bytes[60] ^= 0x40;
    expect(() => readEventFile(bytes)).toThrow(/CRC mismatch/);
  });

  const hasTensorboard = spawnSync(PYTHON, ['-c', 'import tensorboard'], { encoding: 'utf8' }).status === 0;
  if (!hasTensorboard) console.warn('SKIPPED reading event files with TensorBoard itself: /usr/bin/python3 has no tensorboard package.');
  it.skipIf(!hasTensorboard)('TensorBoard\'s own EventAccumulator reads the same scalars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-tb-py-'));
    await writeRunEvents(dir, run);
    expect(readdirSync(dir)).toHaveLength(1);
    const r = spawnSync(PYTHON, ['-c', `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1], size_guidance={'scalars': 0, 'histograms': 0}); acc.Reload()
print(json.dumps({'loss': [[e.step, e.value] for e in acc.Scalars('loss')], 'hist': len(acc.Histograms('dense_1/kernel'))}))
`, dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { loss: [number, number][]; hist: number };
    expect(got.loss.map(([s]) => s)).toEqual(run.scalars.map((s) => s.step));
    expect(got.hist).toBe(2);
  });
});
