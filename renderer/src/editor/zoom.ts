import type { Rect, Viewport } from '@xyflow/svelte';

/**
 * "Zoom to fit" never goes below this: node text is 11-13 px, so at 0.5 it is 5.5-6.5 px on screen, the least
 * that still reads. A taller graph opens at this zoom with its top (the input) in view and scrolls.
 */
export const FIT_MIN_ZOOM = 0.5;
/** Small graphs are not blown up past this. */
export const FIT_MAX_ZOOM = 1.1;
/**
 * Below this zoom the text layer draws none of the text nobody can read there (shapes, params, edge labels: under
 * 4.5 px) and handles are not painted: nodes keep their colour, kind, name and error mark.
 */
export const DETAIL_ZOOM = 0.4;

/** The minimap's box in the pane's bottom-right corner; "zoom to fit" keeps the graph left of it. */
export const MINIMAP = { width: 168, height: 112, margin: 15 } as const;

/** The pane width a fit may use: all of it, less the minimap's column where the pane is wide enough to spare it. */
export function fitWidth(paneWidth: number): number {
  const spare = MINIMAP.width + 2 * MINIMAP.margin;
  return paneWidth > 3 * spare ? paneWidth - spare : paneWidth;
}

export interface FitOptions {
  /** Margin around the graph, as a fraction of its size (Svelte Flow's fitView padding). */
  padding: number;
  minZoom: number;
  maxZoom: number;
  /** Screen pixels between the top of the pane and the top of a graph too tall to fit. */
  topMargin: number;
}

export const FIT_OPTIONS: FitOptions = { padding: 0.15, minZoom: FIT_MIN_ZOOM, maxZoom: FIT_MAX_ZOOM, topMargin: 28 };

/**
 * The viewport that shows `bounds` (the graph, in flow coordinates) in a pane of `width` x `height` pixels.
 * A graph that fits at `minZoom` or more is centred whole, as Svelte Flow's fitView does. A larger one is shown
 * at `minZoom`, its top edge `topMargin` below the pane's top, centred horizontally on the graph when its width
 * fits, else on `anchorX` (the input's centre), so the user starts at the input and scrolls down.
 */
export function fitViewport(bounds: Rect, width: number, height: number, anchorX: number | null, options: FitOptions = FIT_OPTIONS): Viewport {
  const w = Math.max(bounds.width, 1) * (1 + options.padding);
  const h = Math.max(bounds.height, 1) * (1 + options.padding);
  const zoom = Math.min(width / w, height / h, options.maxZoom);
  const centreX = bounds.x + bounds.width / 2;
  if (zoom >= options.minZoom) {
    return { x: width / 2 - centreX * zoom, y: height / 2 - (bounds.y + bounds.height / 2) * zoom, zoom };
  }
  const z = options.minZoom;
  const x = bounds.width * z <= width - 2 * options.topMargin ? centreX : (anchorX ?? centreX);
  return { x: width / 2 - x * z, y: options.topMargin - bounds.y * z, zoom: z };
}
