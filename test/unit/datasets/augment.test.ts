import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { augmentConfigFromSettings, createAugmenter } from '../../../main/datasets/augment';
import { parseIdx } from '../../../main/datasets/idx';

const shared = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets');
const images = parseIdx(readFileSync(resolve(shared, 'mnist/t10k-images-idx3-ubyte.gz')));
/** MNIST test image i as floats in [0, 1]. */
const digit = (i: number) => Float32Array.from(images.data.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
const shape = [28, 28, 1];

function centroid(img: Float32Array): [number, number] {
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const v = img[y * 28 + x];
    m += v;
    cx += v * x;
    cy += v * y;
  }
  return [cx / m, cy / m];
}
const sum = (a: Float32Array) => a.reduce((p, q) => p + q, 0);

describe('augmentation on a real MNIST digit', () => {
  it('an empty config leaves the image untouched', () => {
    const img = digit(0);
    createAugmenter(shape, {}, 1)(img);
    expect(img).toEqual(digit(0));
  });

  it('horizontal flip gives either the image or its exact mirror, both over a few draws', () => {
    const aug = createAugmenter(shape, { horizontalFlip: true }, 3);
    const src = digit(0);
    const mirror = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) mirror[y * 28 + x] = src[y * 28 + 27 - x];
    const seen = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const img = digit(0);
      aug(img);
      const isSame = img.every((v, i) => Math.abs(v - src[i]) < 1e-5);
      const isMirror = img.every((v, i) => Math.abs(v - mirror[i]) < 1e-5);
      expect(isSame || isMirror).toBe(true);
      seen.add(isSame ? 'same' : 'mirror');
    }
    expect(seen.size).toBe(2);
  });

  it('width and height shift ranges act on their own axis only (Keras width_shift_range / height_shift_range)', () => {
    const [x0, y0] = centroid(digit(1));
    for (const [cfg, axis] of [[{ shiftX: 0.15 }, 0], [{ shiftY: 0.15 }, 1]] as const) {
      const aug = createAugmenter(shape, { ...cfg, fillMode: 'constant' }, 4);
      const moves: number[] = [];
      for (let k = 0; k < 8; k++) {
        const img = digit(1);
        aug(img);
        const c = centroid(img);
        // Not exactly 0: ink pushed off one side changes the other axis' centroid a little.
        expect(Math.abs(c[1 - axis]! - [x0, y0][1 - axis]!), "the other axis stays put").toBeLessThan(0.5);
        moves.push(Math.abs(c[axis]! - [x0, y0][axis]!));
      }
      expect(Math.max(...moves)).toBeGreaterThan(1);
      expect(Math.max(...moves)).toBeLessThanOrEqual(28 * 0.15 + 0.3);
    }
  });

  it('the training config keeps its width and height shift ranges apart', () => {
    const off = { width_shift_range: 0, height_shift_range: 0, rotation_range: 0, zoom_range: 0, horizontal_flip: false, vertical_flip: false, gaussian_noise: 0 };
    expect(augmentConfigFromSettings(off, { clamp01: true })).toBeUndefined();
    expect(augmentConfigFromSettings({ ...off, width_shift_range: 0.2 }, { clamp01: true, seed: 3 })).toMatchObject({ shiftX: 0.2, shiftY: 0, clamp: [0, 1], seed: 3 });
    expect(augmentConfigFromSettings({ ...off, height_shift_range: 0.1 }, { clamp01: false })).toMatchObject({ shiftX: 0, shiftY: 0.1 });
  });

  it('shifts move the ink centroid by at most the configured fraction and keep the ink', () => {
    const aug = createAugmenter(shape, { shift: 0.1, fillMode: 'constant' }, 9);
    const [x0, y0] = centroid(digit(1));
    let moved = 0;
    for (let k = 0; k < 10; k++) {
      const img = digit(1);
      aug(img);
      const [x1, y1] = centroid(img);
      expect(Math.abs(x1 - x0)).toBeLessThanOrEqual(2.8 + 0.3);
      expect(Math.abs(y1 - y0)).toBeLessThanOrEqual(2.8 + 0.3);
      if (Math.hypot(x1 - x0, y1 - y0) > 0.5) moved++;
      expect(sum(img) / sum(digit(1))).toBeGreaterThan(0.9);
    }
    expect(moved).toBeGreaterThan(5);
  });

  it('rotation and zoom change the pixels but keep the digit (ink within range); same seed, same result', () => {
    const cfg = { rotation: 20, zoom: 0.1, fillMode: 'constant' as const };
    const a = digit(2);
    const b = digit(2);
    createAugmenter(shape, cfg, 4)(a);
    createAugmenter(shape, cfg, 4)(b);
    expect(a).toEqual(b);
    const c = digit(2);
    createAugmenter(shape, cfg, 5)(c);
    expect(c).not.toEqual(a);
    expect(a).not.toEqual(digit(2));
    const ratio = sum(a) / sum(digit(2));
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.3);
  });

  it('Gaussian noise has the configured std and clamping keeps values in range', () => {
    const img = new Float32Array(784 * 10).fill(0.5);
    createAugmenter([28 * 28 * 10], { noise: 0.1 }, 2)(img);
    const mean = sum(img) / img.length;
    const std = Math.sqrt(img.reduce((p, v) => p + (v - mean) ** 2, 0) / img.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
    const d = digit(3);
    createAugmenter(shape, { noise: 0.5, clamp: [0, 1] }, 2)(d);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d)).toBeLessThanOrEqual(1);
  });

  it('bad settings are refused with the value', () => {
    expect(() => createAugmenter(shape, { zoom: 1.5 })).toThrowError(/augment.zoom must be between 0 and 0.99. Received: zoom=1.5/);
    expect(() => createAugmenter(shape, { rotation: -3 })).toThrowError(/rotation/);
  });
});
