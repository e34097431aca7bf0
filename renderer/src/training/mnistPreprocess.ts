/**
 * A drawing made into an MNIST digit the way MNIST's were made (LeCun et al.): the ink's bounding box is scaled,
 * keeping its aspect ratio, to fit a 20 x 20 box (with anti-aliasing: each output pixel is the area average of
 * what it covers), then placed in a 28 x 28 image so that its centre of mass sits at the centre. A 7 that fills
 * the whole pad otherwise reaches the model at a size it never saw in training (and was read as a 2).
 */
export const MNIST_SIZE = 28;
const BOX = 20;
/** Grey levels at or below this are background (a canvas's anti-aliased edge leaves faint values around strokes). */
const INK = 8;

/** Area-average resampling of `src` (w x h, row-major) to dw x dh. */
function resample(src: Float64Array, w: number, h: number, dw: number, dh: number): Float64Array {
  const weights = (from: number, to: number) => {
    // For each output index: the source indices it covers and how much of each.
    const scale = from / to;
    const out: { i: number; w: number }[][] = [];
    for (let o = 0; o < to; o++) {
      const start = o * scale;
      const end = start + scale;
      const taps: { i: number; w: number }[] = [];
      for (let i = Math.floor(start); i < Math.min(Math.ceil(end), from); i++) {
        const cover = Math.min(end, i + 1) - Math.max(start, i);
        if (cover > 0) taps.push({ i, w: cover / scale });
      }
      out.push(taps);
    }
    return out;
  };
  const wx = weights(w, dw);
  const wy = weights(h, dh);
  const rows = new Float64Array(dw * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < dw; x++) {
      let sum = 0;
      for (const t of wx[x]!) sum += src[y * w + t.i]! * t.w;
      rows[y * dw + x] = sum;
    }
  }
  const out = new Float64Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      let sum = 0;
      for (const t of wy[y]!) sum += rows[t.i * dw + x]! * t.w;
      out[y * dw + x] = sum;
    }
  }
  return out;
}

/**
 * `grey` holds width x height grey levels 0..255 (white ink on black), row-major. Returns 28 x 28 grey levels
 * 0..255, or null when nothing is drawn.
 */
export function toMnist(grey: ArrayLike<number>, width: number, height: number): number[] | null {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (grey[y * width + x]! > INK) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return null;
  const bw = right - left + 1;
  const bh = bottom - top + 1;
  const crop = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = grey[(top + y) * width + left + x]!;
  // The longer side becomes 20 px; a thin stroke (a 1) stays thin rather than being stretched into a block.
  const scale = BOX / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale));
  const sh = Math.max(1, Math.round(bh * scale));
  const small = resample(crop, bw, bh, sw, sh);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // Pixel centres: the centre of mass of pixel (x, y) is at x + 0.5; the image's centre is at 14.
  const cx = mass > 0 ? mx / mass + 0.5 : sw / 2;
  const cy = mass > 0 ? my / mass + 0.5 : sh / 2;
  const ox = Math.round(MNIST_SIZE / 2 - cx);
  const oy = Math.round(MNIST_SIZE / 2 - cy);
  const out = new Array<number>(MNIST_SIZE * MNIST_SIZE).fill(0);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + ox;
      const ty = y + oy;
      if (tx >= 0 && ty >= 0 && tx < MNIST_SIZE && ty < MNIST_SIZE) out[ty * MNIST_SIZE + tx] = Math.min(255, Math.round(small[y * sw + x]!));
    }
  }
  return out;
}
