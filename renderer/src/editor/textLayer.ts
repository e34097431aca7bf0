import { getContext, setContext } from 'svelte';
import type { NodeView } from '../lib/editor/views';
import { EDGE_LABEL, edgeLabelPicture, nodeRowPicture, type Ink } from './paintText';

/**
 * The graph's changing text (each node's output shape and parameter count, each edge's tensor shape) drawn on
 * one canvas over the graph, instead of as DOM text in every node and label.
 *
 * Why: an edit such as the input size changes the shape of every layer below it. As DOM text each changed string
 * costs Chromium a layout and a repaint of its node or label (~40-100 µs each; a 300-node graph at the smallest fit
 * zoom shows ~280), and a <canvas> per node makes each its own compositor layer, which makes panning slow. Here an
 * edit writes the strings where the test ids and the accessibility tree read them but nothing is laid out (hidden
 * spans and the row's label in a node, the edge's SVG description) and copies a cached picture of each string onto
 * this one canvas: no layout, one layer (test/e2e/text-layer.spec.ts reads its pixels).
 *
 * The canvas lies over the nodes, so it keeps their stacking by hand: edge labels first (they are under the
 * nodes), then each node in stacking order clears its own box (hiding the labels and lower nodes' text beneath
 * it, as its opaque box would) and draws its row.
 */
export class TextLayer {
  #canvas: HTMLCanvasElement | null = null;
  #ctx: CanvasRenderingContext2D | null = null;
  #nodes = new Map<string, NodeEntry>();
  #edges = new Map<string, EdgeEntry>();
  #views: ReadonlyMap<string, NodeView> = new Map();
  #order: ReadonlyMap<string, number> = new Map();
  #viewport = { x: 0, y: 0, zoom: 1 };
  #dpr = 1;
  #queued = false;
  /**
   * Node boxes' sizes and their row's place in them, as laid out: read when the observer reports them (layout is
   * clean then), so drawing never forces a layout.
   */
  #boxes: ResizeObserver | null = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver((entries) => this.#measured(entries));
  #byRoot = new WeakMap<Element, NodeEntry>();
  #places = new Map<string, { x: number; y: number; z: number }>();

  /** `minZoom`: below it the text is too small to read and nothing is drawn (DETAIL_ZOOM). */
  constructor(
    readonly ink: Ink,
    readonly minZoom: number,
  ) {}

  /** Attachment for the canvas element: sizes its bitmap to its box and the display. */
  readonly attach = (canvas: HTMLCanvasElement): (() => void) => {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext('2d');
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.#resize());
    observer?.observe(canvas);
    this.#resize();
    return () => {
      observer?.disconnect();
      this.#canvas = null;
      this.#ctx = null;
    };
  };

  /** The analysis' views of the nodes (editor.views): rewrites the text of those that changed. */
  setViews(views: ReadonlyMap<string, NodeView>): void {
    if (views === this.#views) return;
    this.#views = views;
    for (const [id, n] of this.#nodes) this.#writeNode(id, n);
    for (const e of this.#edges.values()) this.#writeEdge(e);
    this.#schedule();
  }

  /** Svelte Flow's nodes in their DOM order, which breaks ties of z-index. */
  setOrder(nodes: readonly { id: string }[]): void {
    this.#order = new Map(nodes.map((n, i) => [n.id, i]));
    this.#schedule();
  }

  setViewport(x: number, y: number, zoom: number): void {
    this.#viewport = { x, y, zoom };
    this.#schedule();
  }

  setDevicePixelRatio(dpr: number): void {
    this.#dpr = dpr;
    this.#resize();
  }

  /**
   * A node on screen: `root` is its box (LayerNode's element), holding the row to draw over (`.row`) and the hidden
   * spans for its text. Registered once while it is mounted; `place` moves it. Returns the removal.
   */
  node(id: string, root: HTMLElement): () => void {
    const row = root.querySelector<HTMLElement>('.row');
    const shape = root.querySelector<HTMLElement>('[data-testid=node-shape]');
    const params = root.querySelector<HTMLElement>('[data-testid=node-params]');
    if (!row || !shape || !params) throw new Error(`node ${id}: LayerNode must render .row, node-shape and node-params`);
    const entry: NodeEntry = { root, row, shape, params, view: null, width: 0, height: 0, rowX: 0, rowY: 0 };
    this.#nodes.set(id, entry);
    this.#byRoot.set(root, entry);
    this.#boxes?.observe(root);
    this.#writeNode(id, entry);
    this.#schedule();
    return () => {
      if (this.#nodes.get(id) === entry) this.#nodes.delete(id);
      this.#boxes?.unobserve(root);
      this.#schedule();
    };
  }

  /** Where node `id` is: its flow position and z-index (Svelte Flow's), whether or not it is mounted yet. */
  place(id: string, x: number, y: number, z: number): void {
    this.#places.set(id, { x, y, z });
    this.#schedule();
  }

  /** Node `id` is gone from the canvas. */
  unplace(id: string): void {
    this.#places.delete(id);
  }

  #measured(entries: readonly ResizeObserverEntry[]): void {
    for (const e of entries) {
      const n = this.#byRoot.get(e.target);
      if (!n) continue;
      // Offset sizes: the node's box in flow units, whatever the zoom (transforms do not apply to them).
      n.width = n.root.offsetWidth;
      n.height = n.root.offsetHeight;
      n.rowX = n.row.offsetLeft - n.root.offsetLeft;
      n.rowY = n.row.offsetTop - n.root.offsetTop;
    }
    this.#schedule();
  }

  /** An edge's label on screen: `el` holds its text; (x, y) is the edge's midpoint. Returns the removal. */
  edge(id: string, source: string, el: Element, x: number, y: number, sourceIndex = 0): () => void {
    const entry: EdgeEntry = { el, source, sourceIndex, x, y, label: undefined };
    this.#edges.set(id, entry);
    this.#writeEdge(entry);
    this.#schedule();
    return () => {
      if (this.#edges.get(id) === entry) this.#edges.delete(id);
      this.#schedule();
    };
  }

  #writeNode(id: string, n: NodeEntry): void {
    const view = this.#views.get(id) ?? null;
    if (n.view === view && n.view !== null) return;
    n.view = view;
    const shape = view?.shape ?? '—';
    const params = view?.paramsText ?? '—';
    setText(n.shape, shape);
    setText(n.params, params);
    n.row.setAttribute('aria-label', `output ${shape}, ${params} parameters`);
  }

  #writeEdge(e: EdgeEntry): void {
    const view = this.#views.get(e.source);
    const label = (e.sourceIndex ? view?.outputShapes?.[e.sourceIndex] : view?.shape) ?? null;
    if (label === e.label) return;
    e.label = label;
    setText(e.el, label ?? '');
  }

  #resize(): void {
    const canvas = this.#canvas;
    if (!canvas) return;
    const w = Math.round(canvas.clientWidth * this.#dpr);
    const h = Math.round(canvas.clientHeight * this.#dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    this.#schedule();
  }

  /** Once per change burst, after Svelte's update and before the frame is painted. */
  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#draw();
    });
  }

  #draw(): void {
    const ctx = this.#ctx;
    const canvas = this.#canvas;
    if (!ctx || !canvas) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const { x: vx, y: vy, zoom } = this.#viewport;
    if (zoom < this.minZoom) return;
    const dpr = this.#dpr;
    // Flow units to device pixels; pictures are drawn at that scale and copied 1:1 on whole pixels.
    const k = zoom * dpr;
    const scale = Math.round(k * 1000) / 1000;
    const ox = vx * dpr;
    const oy = vy * dpr;
    const cw = canvas.width;
    const ch = canvas.height;
    const visible = (x: number, y: number, w: number, h: number) => x < cw && y < ch && x + w > 0 && y + h > 0;

    for (const e of this.#edges.values()) {
      if (!e.label) continue;
      const x = Math.round(ox + (e.x - EDGE_LABEL.width / 2) * k);
      const y = Math.round(oy + (e.y - EDGE_LABEL.height / 2) * k);
      if (!visible(x, y, EDGE_LABEL.width * k, EDGE_LABEL.height * k)) continue;
      const pic = edgeLabelPicture(e.label, this.ink, scale);
      if (pic) ctx.drawImage(pic, x, y);
    }

    const order = this.#order;
    const nodes: [NodeEntry, { x: number; y: number; z: number }, number][] = [];
    for (const [id, n] of this.#nodes) {
      const p = this.#places.get(id);
      // Not laid out or placed yet: drawn once it is (in this frame, before it is painted).
      if (p && n.width > 0) nodes.push([n, p, order.get(id) ?? 0]);
    }
    nodes.sort(([, a, i], [, b, j]) => a.z - b.z || i - j);
    for (const [n, p] of nodes) {
      const left = ox + p.x * k;
      const top = oy + p.y * k;
      const w = n.width * k;
      const h = n.height * k;
      if (!visible(left, top, w, h)) continue;
      ctx.clearRect(Math.floor(left), Math.floor(top), Math.ceil(w) + 1, Math.ceil(h) + 1);
      const pic = nodeRowPicture(n.view?.shape ?? '—', n.view?.paramsText ?? '—', this.ink, scale);
      if (pic) ctx.drawImage(pic, Math.round(left + n.rowX * k), Math.round(top + n.rowY * k));
    }
  }
}

interface NodeEntry {
  root: HTMLElement;
  row: HTMLElement;
  shape: HTMLElement;
  params: HTMLElement;
  /** The view whose text the spans hold. */
  view: NodeView | null;
  /** The box's size and the row's offset in it, in flow units; 0 x 0 until measured. */
  width: number;
  height: number;
  rowX: number;
  rowY: number;
}

interface EdgeEntry {
  el: Element;
  source: string;
  /** Which output of a multi-output source the edge carries (its label is that output's shape). */
  sourceIndex: number;
  x: number;
  y: number;
  /** The label the hidden text holds (undefined: not written yet). */
  label: string | null | undefined;
}

/** Sets an element's text by changing its text node in place (one characterData mutation, no node churn). */
function setText(el: Element, text: string): void {
  const t = el.firstChild;
  if (t && t.nodeType === 3 && !t.nextSibling) (t as Text).data = text;
  else el.textContent = text;
}

const KEY = Symbol('layerlab-text-layer');

export function provideTextLayer(layer: TextLayer): void {
  setContext(KEY, layer);
}

/** The canvas's text layer; null outside a canvas. */
export function useTextLayer(): TextLayer | null {
  return getContext<TextLayer | undefined>(KEY) ?? null;
}
