import { describe, expect, it } from 'vitest';
import { confusionReport, labelsToIndices } from '../../../main/engine/training/telemetry/confusion';
import { kernelTiles } from '../../../main/engine/training/telemetry/filters';
import { histogram } from '../../../main/engine/training/telemetry/histograms';
import { base64ToBytes, bytesToBase64 } from '../../../shared/telemetry';

describe('histogram', () => {
  it('fixed bins between min and max; counts sum to the number of values', () => {
    const h = histogram([0, 0.1, 0.5, 0.9, 1], 4);
    expect(h).toMatchObject({ min: 0, max: 1, counts: [2, 0, 1, 2], count: 5, nonFinite: 0, mean: 0.5 });
  });
  it('a constant tensor fills one bin; NaN/Inf are counted apart', () => {
    expect(histogram([0, 0, 0], 3).counts).toEqual([3, 0, 0]);
    const h = histogram([1, Number.NaN, Infinity, 2], 2);
    expect(h.counts).toEqual([1, 1]);
    expect(h.nonFinite).toBe(2);
  });
});

describe('confusion report', () => {
  it('matrix, precision, recall and the most confidently wrong, from probabilities', () => {
    // 4 samples, 3 classes.
    const probabilities = Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.05, 0.85, 0.6, 0.3, 0.1]);
    const r = confusionReport({ probabilities, classes: 3, labels: [0, 1, 2, 2], epoch: 3, topWrong: 5, classNames: ['a', 'b', 'c'] });
    expect(r.matrix).toEqual([[1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    expect(r.matrix.flat().reduce((a, b) => a + b)).toBe(4);
    expect(r.precision).toEqual([0.5, 1, 1]);
    expect(r.recall).toEqual([1, 1, 0.5]);
    expect(r.accuracy).toBe(0.75);
    expect(r.confidentlyWrong).toEqual([{ index: 3, trueLabel: 2, predicted: 0, probability: expect.closeTo(0.6, 6) }]);
  });
  it('a single sigmoid unit is a two-class problem; classes never predicted have null precision', () => {
    const r = confusionReport({ probabilities: Float32Array.from([0.9, 0.2, 0.4]), classes: 1, labels: [1, 1, 0], epoch: 0, topWrong: 1 });
    expect(r.matrix).toEqual([[1, 0], [1, 1]]);
    expect(r.confidentlyWrong[0]).toMatchObject({ index: 1, predicted: 0, probability: expect.closeTo(0.8, 6) });
    const none = confusionReport({ probabilities: Float32Array.from([0.9, 0.1, 0.8, 0.2]), classes: 2, labels: [1, 1], epoch: 0, topWrong: 0 });
    expect(none.precision).toEqual([0, null]);
    expect(none.recall).toEqual([null, 0]);
  });
  it('refuses labels outside the classes', () => {
    expect(() => confusionReport({ probabilities: Float32Array.from([1, 0]), classes: 2, labels: [5], epoch: 0, topWrong: 0 })).toThrow(/outside 0..1/);
  });
  it('reads sparse and one-hot labels', () => {
    expect(Array.from(labelsToIndices([2, 0], [2]))).toEqual([2, 0]);
    expect(Array.from(labelsToIndices([0, 0, 1, 1, 0, 0], [2, 3]))).toEqual([2, 0]);
  });
});

describe('kernel tiles', () => {
  it('RGB: one colour tile per output filter, each normalised to 0..255', () => {
    // [kh=1, kw=2, in=3, out=2]: filter 0 takes value i, filter 1 takes -i.
    const k = new Float32Array(1 * 2 * 3 * 2);
    for (let i = 0; i < 6; i++) {
      k[i * 2] = i;
      k[i * 2 + 1] = -i;
    }
    const t = kernelTiles(k, [1, 2, 3, 2], true);
    expect(t).toMatchObject({ tiles: 2, channels: 3 });
    expect(Array.from(t.data)).toEqual([0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0]);
  });
  it('grey: averaged over input channels; a flat kernel is mid-grey', () => {
    const t = kernelTiles(new Float32Array(2 * 2 * 4 * 1).fill(0.3), [2, 2, 4, 1], false);
    expect(t).toMatchObject({ tiles: 1, channels: 1 });
    expect(Array.from(t.data)).toEqual([128, 128, 128, 128]);
  });
  it('survives base64 transport', () => {
    const bytes = Uint8Array.from([0, 1, 254, 255, 128]);
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual([0, 1, 254, 255, 128]);
  });
});
