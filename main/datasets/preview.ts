/**
 * A PNG grid of samples with their labels, for previews in the CLI and the UI. Labels are drawn with a tiny 3x5
 * bitmap font under each image, next to a colour bar per class, so the file needs no font on the machine.
 */
import { PNG } from 'pngjs';
import { createAugmenter, type AugmentConfig } from './augment';
import { shuffledIndices } from '../../shared/random';
import type { LoadedSplit } from './types';

// 3x5 glyphs, rows top to bottom, '#' = ink.
const GLYPHS: Record<string, string> = {
  '0': '###,#.#,#.#,#.#,###', '1': '.#.,##.,.#.,.#.,###', '2': '###,..#,###,#..,###', '3': '###,..#,.##,..#,###',
  '4': '#.#,#.#,###,..#,..#', '5': '###,#..,###,..#,###', '6': '###,#..,###,#.#,###', '7': '###,..#,.#.,.#.,.#.',
  '8': '###,#.#,###,#.#,###', '9': '###,#.#,###,..#,###', A: '.#.,#.#,###,#.#,#.#', B: '##.,#.#,##.,#.#,##.',
  C: '.##,#..,#..,#..,.##', D: '##.,#.#,#.#,#.#,##.', E: '###,#..,##.,#..,###', F: '###,#..,##.,#..,#..',
  G: '.##,#..,#.#,#.#,.##', H: '#.#,#.#,###,#.#,#.#', I: '###,.#.,.#.,.#.,###', J: '..#,..#,..#,#.#,.#.',
  K: '#.#,#.#,##.,#.#,#.#', L: '#..,#..,#..,#..,###', M: '#.#,###,###,#.#,#.#', N: '##.,#.#,#.#,#.#,#.#',
  O: '.#.,#.#,#.#,#.#,.#.', P: '##.,#.#,##.,#..,#..', Q: '.#.,#.#,#.#,##.,.##', R: '##.,#.#,##.,#.#,#.#',
  S: '.##,#..,.#.,..#,##.', T: '###,.#.,.#.,.#.,.#.', U: '#.#,#.#,#.#,#.#,###', V: '#.#,#.#,#.#,#.#,.#.',
  W: '#.#,#.#,###,###,#.#', X: '#.#,#.#,.#.,#.#,#.#', Y: '#.#,#.#,.#.,.#.,.#.', Z: '###,..#,.#.,#..,###',
  '-': '...,...,###,...,...', '/': '..#,..#,.#.,#..,#..', '_': '...,...,...,...,###', '.': '...,...,...,...,.#.',
  ' ': '...,...,...,...,...', '?': '##.,..#,.#.,...,.#.',
};

const PALETTE: [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export function classColour(label: number): [number, number, number] {
  if (label < PALETTE.length) return PALETTE[label];
  const h = (label * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.5 - 0.4 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export interface PreviewOptions {
  /** Number of samples (default 32) and columns (default 8). */
  count?: number;
  cols?: number;
  /** Pixel magnification (default: 3 for images up to 32 px, else 1). */
  scale?: number;
  /** Pick random samples with this seed instead of the first ones. */
  seed?: number;
  augment?: AugmentConfig;
  classNames?: string[];
}

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  set(x: number, y: number, [r, g, b]: [number, number, number]): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }
  rect(x: number, y: number, w: number, h: number, c: [number, number, number]): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, c);
  }
  /** Draws text in the 3x5 font at `size` px per font pixel; returns the width used. */
  text(x: number, y: number, s: string, size: number, c: [number, number, number]): number {
    let cx = x;
    for (const ch of s.toUpperCase()) {
      const rows = (GLYPHS[ch] ?? GLYPHS['?']).split(',');
      rows.forEach((row, ry) => {
        for (let rx = 0; rx < 3; rx++) if (row[rx] === '#') this.rect(cx + rx * size, y + ry * size, size, size, c);
      });
      cx += 4 * size;
    }
    return cx - x;
  }
}

/** Renders samples of a split (uint8 or float values) as a labelled grid; returns the PNG file bytes. */
export function renderPreview(split: LoadedSplit, opts: PreviewOptions = {}): Buffer {
  if (split.sampleShape.length !== 3) throw new Error(`preview needs image samples [h, w, c]; this data has shape [${split.sampleShape.join(', ')}].`);
  const [h, w, c] = split.sampleShape;
  const count = Math.min(opts.count ?? 32, split.count);
  const cols = Math.min(opts.cols ?? 8, count);
  const rows = Math.ceil(count / cols);
  const scale = opts.scale ?? (Math.max(h, w) <= 32 ? 3 : 1);
  const font = scale >= 3 ? 2 : 1;
  const labelH = 5 * font + 6;
  const cellW = Math.max(w * scale, 40) + 4;
  const cellH = h * scale + labelH + 4;
  const canvas = new Canvas(cols * cellW, rows * cellH);
  const picks = opts.seed === undefined ? Uint32Array.from({ length: count }, (_, i) => i) : shuffledIndices(split.count, opts.seed).subarray(0, count);
  const per = h * w * c;
  // Floats are shown by the range of the shown samples so standardised data stays visible.
  let lo = 0;
  let hi = 255;
  if (!(split.x instanceof Uint8Array)) {
    lo = Infinity;
    hi = -Infinity;
    for (const r of picks) for (let i = r * per; i < (r + 1) * per; i++) {
      lo = Math.min(lo, split.x[i]);
      hi = Math.max(hi, split.x[i]);
    }
    if (hi <= lo) hi = lo + 1;
  }
  const augment = opts.augment ? createAugmenter(split.sampleShape, { ...opts.augment, clamp: [0, 1] }, opts.augment.seed ?? opts.seed ?? 0) : undefined;
  const sample = new Float32Array(per);
  picks.forEach((r, k) => {
    for (let i = 0; i < per; i++) sample[i] = (split.x[r * per + i] - lo) / (hi - lo);
    augment?.(sample);
    const ox = (k % cols) * cellW + 2;
    const oy = Math.floor(k / cols) * cellH + 2;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * c;
      const v = (ch: number) => Math.max(0, Math.min(255, Math.round(sample[i + ch] * 255)));
      const rgb: [number, number, number] = c >= 3 ? [v(0), v(1), v(2)] : [v(0), v(0), v(0)];
      canvas.rect(ox + x * scale, oy + y * scale, scale, scale, rgb);
    }
    const label = split.y[r];
    const isClass = !(split.y instanceof Float32Array);
    const name = isClass ? (opts.classNames?.[label] ?? String(label)) : label.toFixed(2);
    const ty = oy + h * scale + 3;
    if (isClass) canvas.rect(ox, ty, 3 * font, 5 * font, classColour(label));
    const maxChars = Math.floor((cellW - 4 - 4 * font) / (4 * font));
    canvas.text(ox + 4 * font, ty, name.length > maxChars ? name.slice(0, maxChars) : name, font, [0, 0, 0]);
  });
  return PNG.sync.write(canvas.png);
}
