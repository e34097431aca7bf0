/**
 * A conv layer's filter tiles (shared/telemetry.ts FilterTiles: each tile normalised to 0..255, grey or RGB) as one
 * PNG grid for TensorBoard's Images tab: at most 64 filters, each enlarged with nearest-neighbour pixels so a 3x3
 * kernel is visible, 1-pixel dark gaps between them.
 */
import { PNG } from 'pngjs';
import { base64ToBytes, type FilterTiles } from '../../../shared/telemetry';
import type { ImageValue } from './events';

/** At most this many filters per picture (as the dashboard shows the first filters of a layer). */
export const MAX_FILTERS = 64;
/** Tiles are enlarged to at least this many pixels a side. */
const MIN_TILE_PIXELS = 24;

export function filterGridImage(f: FilterTiles): ImageValue {
  const bytes = base64ToBytes(f.data);
  const count = Math.min(f.tiles, MAX_FILTERS);
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const zoom = Math.max(1, Math.ceil(MIN_TILE_PIXELS / Math.max(f.tileWidth, f.tileHeight)));
  const cellW = f.tileWidth * zoom;
  const cellH = f.tileHeight * zoom;
  const width = cols * cellW + (cols - 1);
  const height = rows * cellH + (rows - 1);
  const png = new PNG({ width, height, colorType: f.channels === 3 ? 2 : 0, inputHasAlpha: true });
  png.data.fill(32);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  const tileSize = f.tileWidth * f.tileHeight * f.channels;
  for (let t = 0; t < count; t++) {
    const ox = (t % cols) * (cellW + 1);
    const oy = Math.floor(t / cols) * (cellH + 1);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = t * tileSize + (Math.floor(y / zoom) * f.tileWidth + Math.floor(x / zoom)) * f.channels;
        const dst = ((oy + y) * width + ox + x) * 4;
        for (let c = 0; c < 3; c++) png.data[dst + c] = bytes[src + (f.channels === 3 ? c : 0)]!;
      }
    }
  }
  return { width, height, colorspace: f.channels === 3 ? 3 : 1, encoded_image_string: new Uint8Array(PNG.sync.write(png, { colorType: f.channels === 3 ? 2 : 0, inputHasAlpha: true })) };
}
