import { describe, expect, it } from 'vitest';
import {
  applyNormaliser, batches, batchShapeFor, fitNormaliser, normaliseSplit, oneHot, validationSplit,
} from '../../../main/datasets/preprocess';
import { shuffledIndices } from '../../../shared/random';
import type { LoadedSplit } from '../../../main/datasets/types';

// Hand-checkable arithmetic cases (the real-data paths are covered in test/integration/datasets): two channels
// with distinct statistics, so a channel mix-up shows.
const image: LoadedSplit = {
  x: Uint8Array.from([0, 10, 255, 20, 128, 30, 64, 40, 32, 50, 16, 60]), // 3 samples of [2, 1, 2]
  y: Uint8Array.from([2, 0, 1]),
  sampleShape: [2, 1, 2],
  count: 3,
};

describe('normalisation', () => {
  it('scale maps uint8 to [0, 1] by 1/255', () => {
    const n = fitNormaliser(image, 'scale');
    const out = normaliseSplit(image, n);
    expect(out[2]).toBeCloseTo(1, 6);
    expect(out[4]).toBeCloseTo(128 / 255, 6);
    expect(out).toBeInstanceOf(Float32Array);
  });

  it('standardise uses per-channel train mean and std', () => {
    const n = fitNormaliser(image, 'standardise');
    const c0 = [0, 255, 128, 64, 32, 16];
    const c1 = [10, 20, 30, 40, 50, 60];
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
    expect(n.offset[0]).toBeCloseTo(mean(c0), 4);
    expect(n.offset[1]).toBeCloseTo(mean(c1), 4);
    expect(1 / n.scale[1]).toBeCloseTo(std(c1), 3);
    const out = normaliseSplit(image, n);
    const ch1 = [1, 3, 5, 7, 9, 11].map((i) => out[i]);
    expect(mean(ch1)).toBeCloseTo(0, 5);
    expect(std(ch1)).toBeCloseTo(1, 4);
  });

  it('standardise fitted on a subset (train indices) ignores the held-out samples', () => {
    const n = fitNormaliser(image, 'standardise', Uint32Array.from([1]));
    // Sample 1 is [128, 30, 64, 40]: channel 0 holds 128 and 64, channel 1 holds 30 and 40.
    expect(Array.from(n.offset)).toEqual([96, 35]);
    expect(1 / n.scale[0]).toBeCloseTo(32, 4);
  });

  it('float data: scale is min-max per feature, and the uint8 and float paths agree', () => {
    const f: LoadedSplit = { ...image, x: Float32Array.from(image.x) };
    const n = fitNormaliser(f, 'scale');
    expect(Array.from(n.offset)).toEqual([0, 10]);
    const out = normaliseSplit(f, n);
    expect(out[2]).toBeCloseTo(1, 6);
    expect(out[11]).toBeCloseTo(1, 6);
    const s = fitNormaliser(image, 'standardise');
    const viaU8 = applyNormaliser(image.x, s);
    const viaF32 = applyNormaliser(f.x, s);
    viaU8.forEach((v, i) => expect(v).toBeCloseTo(viaF32[i], 5));
  });
});

describe('normalisation fast paths agree with the general formula', () => {
  for (const channels of [1, 3, 4]) {
    it(`uint8 table lookup = (x - offset[c]) * scale[c] for ${channels} channel(s), from any start offset`, () => {
      const x = Uint8Array.from({ length: 60 * channels }, (_, i) => (i * 37 + 11) % 256);
      const split: LoadedSplit = { x, y: new Uint8Array(60), sampleShape: [6, 10, channels], count: 1 };
      const n = fitNormaliser(split, 'standardise');
      for (const [from, to] of [[0, x.length], [5, 5 + 7 * channels + 2]]) {
        const got = applyNormaliser(x, n, undefined, from, to);
        for (let i = from; i < to; i++) expect(got[i - from]).toBeCloseTo((x[i] - n.offset[i % channels]) * n.scale[i % channels], 5);
      }
    });
  }
});

describe('labels, shapes and splits', () => {
  it('one-hot rows and a clear error for out-of-range labels', () => {
    expect(Array.from(oneHot(Uint8Array.from([2, 0]), 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot(Uint8Array.from([3]), 3)).toThrowError(/label 3 of sample 0 is outside 0..2/);
  });

  it('reshape to the model input: same value count passes, a mismatch says how to fix it', () => {
    expect(batchShapeFor([28, 28, 1], [784], 32)).toEqual([32, 784]);
    expect(batchShapeFor([28, 28, 1], undefined, 8)).toEqual([8, 28, 28, 1]);
    expect(() => batchShapeFor([28, 28, 1], [32, 32, 3], 1)).toThrowError(/takes 3072 values per sample but the data has \[28, 28, 1\] = 784/);
  });

  it('validation split: last fraction without seed (Keras), seeded shuffle with one, disjoint and complete', () => {
    const plain = validationSplit(10, 0.2);
    expect(Array.from(plain.validation)).toEqual([8, 9]);
    const a = validationSplit(1000, 0.1, 42);
    const b = validationSplit(1000, 0.1, 42);
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(a.validation.length).toBe(100);
    const all = new Set([...a.train, ...a.validation]);
    expect(all.size).toBe(1000);
    expect(Array.from(validationSplit(1000, 0.1, 43).validation)).not.toEqual(Array.from(a.validation));
    expect(() => validationSplit(10, 1)).toThrowError(/fraction must be in \[0, 1\)/);
  });

  it('seeded shuffling is a reproducible permutation', () => {
    const p = shuffledIndices(100, 7);
    expect(Array.from(p)).toEqual(Array.from(shuffledIndices(100, 7)));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('batches', () => {
  it('covers every sample once per epoch, with normalised xs and sparse or one-hot ys', () => {
    const n = fitNormaliser(image, 'scale');
    const got = [...batches(image, { batchSize: 2, normaliser: n, labels: 'onehot', numClasses: 3 })];
    expect(got.map((b) => b.size)).toEqual([2, 1]);
    expect(got[0].xShape).toEqual([2, 2, 1, 2]);
    expect(got[0].yShape).toEqual([2, 3]);
    expect(Array.from(got[0].ys)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(got[1].xs[0]).toBeCloseTo(32 / 255, 6);
    const sparse = [...batches(image, { batchSize: 3, shuffle: true, seed: 5 })][0];
    expect(sparse.ys).toBeInstanceOf(Int32Array);
    expect([...sparse.ys].sort()).toEqual([0, 1, 2]);
    // Each x row travels with its label.
    for (let r = 0; r < 3; r++) {
      const src = [0, 1, 2].find((i) => image.y[i] === sparse.ys[r])!;
      expect(sparse.xs[r * 4]).toBe(image.x[src * 4]);
    }
  });

  it('shuffle order depends on seed and epoch, reproducibly; dropRemainder and inputShape apply', () => {
    const big: LoadedSplit = { x: new Uint8Array(50), y: Uint8Array.from({ length: 50 }, (_, i) => i % 10), sampleShape: [1], count: 50 };
    big.x.forEach((_, i) => (big.x[i] = i));
    const order = (epoch: number) => [...batches(big, { batchSize: 8, shuffle: true, seed: 1, epoch })].flatMap((b) => Array.from(b.xs));
    expect(order(0)).toEqual(order(0));
    expect(order(0)).not.toEqual(order(1));
    expect([...order(1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...batches(big, { batchSize: 8, dropRemainder: true })]).toHaveLength(6);
    const idx = Uint32Array.from([3, 4, 5]);
    expect([...batches(big, { batchSize: 8, indices: idx })][0].xs).toEqual(Float32Array.from([3, 4, 5]));
    expect(() => [...batches(image, { batchSize: 1, inputShape: [5] })]).toThrowError(/takes 5 values/);
  });
});
