/**
 * Pictures of the canvas's changing text: a node's row (output shape and parameter count) and an edge's label
 * (its tensor shape in a rounded box). TextLayer copies them onto one canvas over the graph; see textLayer.ts for
 * why the text is not DOM text.
 */

/** Colours and fonts of the canvas text, read from the theme's CSS variables. */
export interface Ink {
  mono: string;
  text: string;
  dim: string;
  border: string;
  background: string;
}

/** The theme's values, as components' CSS uses them (app.css); outside a browser (tests), fixed ones. */
export function readInk(root: Element | null = typeof document === 'undefined' ? null : document.documentElement): Ink {
  const css = root && typeof getComputedStyle === 'function' ? getComputedStyle(root) : null;
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    mono: v('--mono', 'monospace'),
    text: v('--text', '#e6e8ee'),
    dim: v('--text-dim', '#9aa1ae'),
    border: v('--border', '#2a2e37'),
    background: v('--canvas-bg', '#121418'),
  };
}

/** CSS line box height of the node and edge text (line-height 14px). */
const LINE = 14;

/** CSS size of a node's text row: the node's 216 px less its borders (4 + 1) and padding (10 + 10). */
export const NODE_ROW = { width: 191, height: LINE } as const;
/** CSS size of an edge label: wide enough for any shape, centred on the edge's midpoint. */
export const EDGE_LABEL = { width: 240, height: 18 } as const;

/**
 * Finished pictures by kind, scale and text. A graph's shapes repeat (the layers of a block share theirs), so an
 * edit draws a handful of new pictures and copies the rest. Oldest-first eviction within a pixel budget: zooming
 * makes pictures at new scales (a row at zoom 2 on a 2x display is ~170 KB), and the old ones go first.
 */
const pictures = new Map<string, HTMLCanvasElement>();
/** 8 M pixels: 32 MB of pictures at most. */
const PIXEL_BUDGET = 8 * 1024 * 1024;
let pixels = 0;

function picture(key: string, width: number, height: number, scale: number, draw: (ctx: CanvasRenderingContext2D) => void): HTMLCanvasElement | null {
  const hit = pictures.get(key);
  if (hit) return hit;
  const image = document.createElement('canvas');
  image.width = Math.max(1, Math.round(width * scale));
  image.height = Math.max(1, Math.round(height * scale));
  const ctx = image.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  draw(ctx);
  pixels += image.width * image.height;
  for (const [k, old] of pictures) {
    if (pixels <= PIXEL_BUDGET) break;
    pictures.delete(k);
    pixels -= old.width * old.height;
  }
  pictures.set(key, image);
  return image;
}

/** Draws `text` with its font box centred on a LINE-high line whose top is `top`, as CSS places inline text. */
function line(ctx: CanvasRenderingContext2D, text: string, x: number, top: number, scale: number): void {
  const m = ctx.measureText(text);
  const ascent = m.fontBoundingBoxAscent;
  const baseline = top + (LINE - (ascent + m.fontBoundingBoxDescent)) / 2 + ascent;
  // On whole device pixels, as DOM text is.
  ctx.fillText(text, Math.round(x * scale) / scale, Math.round(baseline * scale) / scale);
}

/** Text cut with an ellipsis to fit `room` CSS pixels (shapes are short: a rare, tiny loop). */
function fitText(ctx: Pick<CanvasRenderingContext2D, 'measureText'>, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > room) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * A node's row at `scale` device pixels per CSS pixel: the output shape on the left (cut with an ellipsis where it
 * would meet the count), the parameter count on the right, 11 px mono.
 */
export function nodeRowPicture(shape: string, params: string, ink: Ink, scale: number): HTMLCanvasElement | null {
  const { width, height } = NODE_ROW;
  return picture(`row\u0000${scale}\u0000${shape}\u0000${params}`, width, height, scale, (ctx) => {
    ctx.font = `11px ${ink.mono}`;
    const p = ctx.measureText(params).width;
    ctx.fillStyle = ink.dim;
    line(ctx, params, width - p, 0, scale);
    ctx.fillStyle = ink.text;
    line(ctx, fitText(ctx, shape, width - p - 8), 0, 0, scale);
  });
}

/** An edge's tensor shape in a rounded box centred in EDGE_LABEL (10 px mono, 5 px side padding). */
export function edgeLabelPicture(label: string, ink: Ink, scale: number): HTMLCanvasElement | null {
  const { width, height } = EDGE_LABEL;
  return picture(`edge\u0000${scale}\u0000${label}`, width, height, scale, (ctx) => {
    ctx.font = `10px ${ink.mono}`;
    const text = fitText(ctx, label, width - 12);
    const boxW = Math.ceil(ctx.measureText(text).width) + 12;
    const x = Math.round((width - boxW) / 2) + 0.5;
    ctx.beginPath();
    ctx.roundRect(x, 0.5, boxW - 1, height - 1, 4);
    ctx.fillStyle = ink.background;
    ctx.fill();
    ctx.strokeStyle = ink.border;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.fillStyle = ink.dim;
    line(ctx, text, x + 5.5, 2, scale);
  });
}
