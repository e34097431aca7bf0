/**
 * Seeded data augmentation on float images (channels last): random shifts, rotations, zoom, horizontal flips and
 * Gaussian noise, as in the workshop slides. The geometric part is one affine map per sample, sampled bilinearly,
 * so combining several transforms blurs no more than one.
 */
import { createRng, type Rng } from '../../shared/random';

export interface AugmentConfig {
  /** Max shift as a fraction of width and height both, e.g. 0.1 (shiftX/shiftY override it per axis). */
  shift?: number;
  /** Max horizontal shift as a fraction of the width (Keras width_shift_range). */
  shiftX?: number;
  /** Max vertical shift as a fraction of the height (Keras height_shift_range). */
  shiftY?: number;
  /** Max rotation in degrees either way, e.g. 15. */
  rotation?: number;
  /** Zoom range: the scale factor is drawn from [1 - zoom, 1 + zoom], e.g. 0.1. */
  zoom?: number;
  /** Mirror left-right with probability 0.5 (not for digits: a mirrored 2 is no 2). */
  horizontalFlip?: boolean;
  /** Std of added Gaussian noise, in the units of the values being augmented (after normalisation). */
  noise?: number;
  /** Pixels that come from outside the image: copy the nearest edge pixel (Keras' default) or use fillValue. */
  fillMode?: 'nearest' | 'constant';
  fillValue?: number;
  /** Clamp results to this range (e.g. [0, 1] for scaled images) so noise cannot leave the data's range. */
  clamp?: [number, number];
  seed?: number;
}

export function validateAugmentConfig(cfg: AugmentConfig): void {
  const check = (name: keyof AugmentConfig, v: number | undefined, max: number) => {
    if (v !== undefined && !(v >= 0 && v <= max)) throw new Error(`augment.${name} must be between 0 and ${max}. Received: ${name}=${v}`);
  };
  check('shift', cfg.shift, 1);
  check('shiftX', cfg.shiftX, 1);
  check('shiftY', cfg.shiftY, 1);
  check('rotation', cfg.rotation, 180);
  check('zoom', cfg.zoom, 0.99);
  check('noise', cfg.noise, Number.MAX_VALUE);
}

/** Returns a function that augments one sample in place; successive calls draw fresh random parameters. */
export function createAugmenter(sampleShape: number[], cfg: AugmentConfig, seed = cfg.seed ?? 0): (sample: Float32Array) => void {
  validateAugmentConfig(cfg);
  const rng = createRng(seed);
  const isImage = sampleShape.length === 3;
  const [h, w, c] = isImage ? sampleShape : [1, sampleShape[0] ?? 1, 1];
  const geometric = isImage && (Boolean(cfg.shift) || Boolean(cfg.shiftX) || Boolean(cfg.shiftY) || Boolean(cfg.rotation) || Boolean(cfg.zoom) || Boolean(cfg.horizontalFlip));
  const scratch = new Float32Array(h * w * c);
  return (sample) => {
    if (geometric) {
      scratch.set(sample);
      warp(scratch, sample, h, w, c, drawParams(rng, cfg, h, w), cfg);
    }
    if (cfg.noise) for (let i = 0; i < sample.length; i++) sample[i] += cfg.noise * rng.normal();
    if (cfg.clamp) {
      const [lo, hi] = cfg.clamp;
      for (let i = 0; i < sample.length; i++) sample[i] = sample[i] < lo ? lo : sample[i] > hi ? hi : sample[i];
    }
  };
}

interface WarpParams {
  angle: number;
  zoom: number;
  tx: number;
  ty: number;
  flip: boolean;
}

function drawParams(rng: Rng, cfg: AugmentConfig, h: number, w: number): WarpParams {
  const shiftX = cfg.shiftX ?? cfg.shift ?? 0;
  const shiftY = cfg.shiftY ?? cfg.shift ?? 0;
  const rot = ((cfg.rotation ?? 0) * Math.PI) / 180;
  const zoom = cfg.zoom ?? 0;
  return {
    angle: rot ? rng.uniform(-rot, rot) : 0,
    zoom: zoom ? rng.uniform(1 - zoom, 1 + zoom) : 1,
    tx: shiftX ? rng.uniform(-shiftX, shiftX) * w : 0,
    ty: shiftY ? rng.uniform(-shiftY, shiftY) * h : 0,
    flip: cfg.horizontalFlip ? rng.next() < 0.5 : false,
  };
}

/** Inverse mapping: for each output pixel find its source point, then sample bilinearly. */
function warp(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, p: WarpParams, cfg: AugmentConfig): void {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(-p.angle) / p.zoom;
  const sin = Math.sin(-p.angle) / p.zoom;
  const nearest = (cfg.fillMode ?? 'nearest') === 'nearest';
  const fill = cfg.fillValue ?? 0;
  const at = (yy: number, xx: number, ch: number): number => {
    if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
      if (!nearest) return fill;
      xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
      yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
    }
    return src[(yy * w + xx) * c + ch];
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ox = (p.flip ? w - 1 - x : x) - cx - p.tx;
      const oy = y - cy - p.ty;
      const sx = cos * ox - sin * oy + cx;
      const sy = sin * ox + cos * oy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < c; ch++) {
        const top = at(y0, x0, ch) * (1 - fx) + at(y0, x0 + 1, ch) * fx;
        const bottom = at(y0 + 1, x0, ch) * (1 - fx) + at(y0 + 1, x0 + 1, ch) * fx;
        dst[(y * w + x) * c + ch] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

/** The training config's augmentation settings (Keras ImageDataGenerator names), as the augmenter's config. */
export interface AugmentationSettings {
  width_shift_range: number;
  height_shift_range: number;
  rotation_range: number;
  zoom_range: number;
  horizontal_flip: boolean;
  vertical_flip: boolean;
  gaussian_noise: number;
}

/** Undefined when every augmentation is off. `clamp01`: the values are pixels scaled to [0, 1]. */
export function augmentConfigFromSettings(a: AugmentationSettings, options: { clamp01: boolean; seed?: number }): AugmentConfig | undefined {
  if (a.vertical_flip) {
    throw new Error('augmentation.vertical_flip is not supported by the dataset augmenter: set it to false (a flipped digit is rarely the same digit)');
  }
  if (!a.width_shift_range && !a.height_shift_range && !a.rotation_range && !a.zoom_range && !a.horizontal_flip && !a.gaussian_noise) return undefined;
  return {
    shiftX: a.width_shift_range,
    shiftY: a.height_shift_range,
    rotation: a.rotation_range,
    zoom: Math.min(a.zoom_range, 0.99),
    horizontalFlip: a.horizontal_flip,
    noise: a.gaussian_noise,
    ...(options.clamp01 ? { clamp: [0, 1] as [number, number] } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}
