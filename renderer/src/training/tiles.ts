/**
 * Draws `tiles` images of tileWidth x tileHeight x channels bytes (one after another in `base64`) into a grid on
 * a canvas, 1px apart: conv filters and activation maps arrive in this layout.
 */
export interface TileSet {
  tileWidth: number;
  tileHeight: number;
  tiles: number;
  channels?: 1 | 3;
  data: string;
}

export function drawTiles(canvas: HTMLCanvasElement, set: TileSet): void {
  const channels = set.channels ?? 1;
  const bytes = Uint8Array.from(atob(set.data), (c) => c.charCodeAt(0));
  const cols = Math.max(1, Math.ceil(Math.sqrt(set.tiles)));
  const rows = Math.max(1, Math.ceil(set.tiles / cols));
  const pad = 1;
  canvas.width = cols * (set.tileWidth + pad) + pad;
  canvas.height = rows * (set.tileHeight + pad) + pad;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const per = set.tileWidth * set.tileHeight * channels;
  for (let t = 0; t < set.tiles; t++) {
    const ox = pad + (t % cols) * (set.tileWidth + pad);
    const oy = pad + Math.floor(t / cols) * (set.tileHeight + pad);
    for (let y = 0; y < set.tileHeight; y++) {
      for (let x = 0; x < set.tileWidth; x++) {
        const src = t * per + (y * set.tileWidth + x) * channels;
        const dst = ((oy + y) * canvas.width + ox + x) * 4;
        const r = bytes[src] ?? 0;
        img.data[dst] = r;
        img.data[dst + 1] = channels === 3 ? (bytes[src + 1] ?? 0) : r;
        img.data[dst + 2] = channels === 3 ? (bytes[src + 2] ?? 0) : r;
        img.data[dst + 3] = 255;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** A Svelte action: `<canvas use:tiles={set}>`. */
export function tiles(canvas: HTMLCanvasElement, set: TileSet) {
  drawTiles(canvas, set);
  return { update: (next: TileSet) => drawTiles(canvas, next) };
}
