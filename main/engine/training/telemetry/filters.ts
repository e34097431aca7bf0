/**
 * Conv kernels as image tiles, one per output filter. The first conv layer on 3-channel input is drawn in colour
 * (AlexNet's first-layer filters); deeper layers as grey tiles averaged over their input channels. Every tile is
 * normalised on its own to 0..255, so a filter's pattern shows whatever its scale.
 */
import type * as tf from '@tensorflow/tfjs';
import { bytesToBase64, type FilterTiles } from '../../../../shared/telemetry';

const CONV_CLASSES = new Set(['Conv2D', 'Conv2DTranspose']);

function normaliseInto(src: Float32Array, dst: Uint8Array, offset: number): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of src) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  for (let i = 0; i < src.length; i++) {
    dst[offset + i] = range > 0 && Number.isFinite(range) ? Math.round(((src[i]! - min) / range) * 255) : 128;
  }
}

/**
 * Tiles of one kernel laid out [kh, kw, in, out] (tfjs' Conv2D layout).
 * Conv2DTranspose stores [kh, kw, out, in]: pass `transposed` so channels are read the right way round.
 */
export function kernelTiles(kernel: Float32Array, shape: readonly number[], colour: boolean, transposed = false): { tiles: number; channels: 1 | 3; data: Uint8Array } {
  const [kh, kw, a, b] = shape as [number, number, number, number];
  const inC = transposed ? b : a;
  const outC = transposed ? a : b;
  const at = (y: number, x: number, i: number, o: number) =>
    kernel[((y * kw + x) * a + (transposed ? o : i)) * b + (transposed ? i : o)]!;
  const channels: 1 | 3 = colour && inC === 3 ? 3 : 1;
  const tileSize = kh * kw * channels;
  const data = new Uint8Array(outC * tileSize);
  const tile = new Float32Array(tileSize);
  for (let o = 0; o < outC; o++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        if (channels === 3) {
          for (let c = 0; c < 3; c++) tile[(y * kw + x) * 3 + c] = at(y, x, c, o);
        } else {
          let s = 0;
          for (let i = 0; i < inC; i++) s += at(y, x, i, o);
          tile[y * kw + x] = s / inC;
        }
      }
    }
    normaliseInto(tile, data, o * tileSize);
  }
  return { tiles: outC, channels, data };
}

/** Filter tiles of every conv layer of the model. */
export async function filterTiles(model: tf.LayersModel, epoch: number): Promise<FilterTiles[]> {
  const out: FilterTiles[] = [];
  let first = true;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (!CONV_CLASSES.has(cls)) continue;
    const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName ?? w.name));
    if (!kernel || kernel.shape.length !== 4) continue;
    const shape = kernel.shape as number[];
    const values = (await kernel.read().data()) as Float32Array;
    const t = kernelTiles(values, shape, first, cls === 'Conv2DTranspose');
    first = false;
    out.push({
      type: 'filters', epoch, layer: layer.name, kind: t.channels === 3 ? 'rgb' : 'grey',
      tileHeight: shape[0]!, tileWidth: shape[1]!, tiles: t.tiles, channels: t.channels, data: bytesToBase64(t.data),
    });
  }
  return out;
}
