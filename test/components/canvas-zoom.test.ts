import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { fitViewport, FIT_MAX_ZOOM, FIT_MIN_ZOOM, FIT_OPTIONS } from '../../renderer/src/editor/zoom';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { getTemplate } from '../../shared/templates';
import { chain, MNIST_CNN } from './fixtures';

/** The editor's pane in the 1440 x 900 window with the palette and inspector open. */
const PANE = { width: 892, height: 826 };
/** Svelte Flow's node box for a layer (LayerNode is 216 px wide, about 70 px tall without an error). */
const NODE = { width: 216, height: 70 };

function boundsOf(graph: { nodes: { position?: { x: number; y: number } }[] }) {
  const xs = graph.nodes.map((n) => n.position!.x);
  const ys = graph.nodes.map((n) => n.position!.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) + NODE.width - x, height: Math.max(...ys) + NODE.height - y };
}

/** Where a flow point lands on screen under a viewport. */
const screen = (v: { x: number; y: number; zoom: number }, p: { x: number; y: number }) => ({ x: v.x + p.x * v.zoom, y: v.y + p.y * v.zoom });

describe('zoom to fit', () => {
  it('shows a small template whole, centred, not blown up past FIT_MAX_ZOOM', () => {
    const b = boundsOf(getTemplate('cnn-dropout')!.graph);
    const v = fitViewport(b, PANE.width, PANE.height, null);
    expect(v.zoom).toBeGreaterThanOrEqual(FIT_MIN_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(FIT_MAX_ZOOM);
    const tl = screen(v, b);
    const br = screen(v, { x: b.x + b.width, y: b.y + b.height });
    expect(tl.x).toBeGreaterThanOrEqual(0);
    expect(tl.y).toBeGreaterThanOrEqual(0);
    expect(br.x).toBeLessThanOrEqual(PANE.width);
    expect(br.y).toBeLessThanOrEqual(PANE.height);
    // Centred: equal margins left/right and top/bottom.
    expect(tl.x).toBeCloseTo(PANE.width - br.x, 5);
    expect(tl.y).toBeCloseTo(PANE.height - br.y, 5);

    const one = fitViewport({ x: 0, y: 0, width: NODE.width, height: NODE.height }, PANE.width, PANE.height, null);
    expect(one.zoom).toBe(FIT_MAX_ZOOM);
  });

  it('opens the residual network at a readable zoom with its input at the top', () => {
    const graph = getTemplate('resnet-cifar')!.graph;
    const b = boundsOf(graph);
    // Fitting the whole 38-layer column would need a zoom of about 0.2: text of 2-3 px.
    expect(PANE.height / (b.height * (1 + FIT_OPTIONS.padding))).toBeLessThan(0.25);
    const v = fitViewport(b, PANE.width, PANE.height, null);
    expect(v.zoom).toBe(FIT_MIN_ZOOM);
    const input = graph.nodes.find((n) => n.kind === 'InputLayer')!;
    const top = screen(v, input.position!);
    expect(top.y).toBeGreaterThanOrEqual(0);
    expect(top.y).toBeLessThanOrEqual(FIT_OPTIONS.topMargin + 1);
    // The column is narrower than the pane at this zoom: centred on it, all of its width on screen.
    expect(screen(v, b).x).toBeGreaterThanOrEqual(0);
    expect(screen(v, { x: b.x + b.width, y: 0 }).x).toBeLessThanOrEqual(PANE.width);
  });

  it('centres a graph too wide and too tall on its input', () => {
    const b = { x: 0, y: 0, width: 4000, height: 5000 };
    const v = fitViewport(b, PANE.width, PANE.height, 1800);
    expect(v.zoom).toBe(FIT_MIN_ZOOM);
    expect(screen(v, { x: 1800, y: 0 })).toEqual({ x: PANE.width / 2, y: FIT_OPTIONS.topMargin });
  });
});

describe('the canvas views of the analysis', () => {
  it('keep the view object of every node an edit does not change, and the error set while it stands', () => {
    const editor = new EditorStore(chain(MNIST_CNN));
    const before = new Map(editor.views);
    const errorsBefore = editor.errorIds;
    expect(editor.view('n1')?.shape).toBe('(None, 26, 26, 32)');
    expect(editor.view('n6')?.paramsText).toBe('1,179,776');

    // 128 -> 64 units in the first Dense: it and its Dropout change shape, the head its params; nothing above.
    editor.setConfig('n6', 'units', 64);
    flushSync();
    for (const id of ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']) expect(editor.view(id)).toBe(before.get(id));
    for (const id of ['n6', 'n7', 'n8']) expect(editor.view(id)).not.toBe(before.get(id));
    expect(editor.view('n7')?.shape).toBe('(None, 64)');
    expect(editor.view('n6')?.paramsText).toBe('589,888');
    expect(editor.errorIds).toBe(errorsBefore);
    expect(editor.errorIds.size).toBe(0);

    // A 0-unit Dense is an error on that node: the set changes, and the node's view carries the message.
    editor.setConfig('n6', 'units', 0);
    flushSync();
    expect([...editor.errorIds]).toContain('n6');
    expect(editor.view('n6')?.errors.length).toBeGreaterThan(0);
  });
});
