import { describe, expect, it } from 'vitest';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { keySetting } from '../../renderer/src/lib/editor/keySetting';
import { CARD } from '../../renderer/src/lib/editor/placement';
import type { Graph } from '../../shared/graph/types';
import { requireLayerKind } from '../../shared/layers/registry';
import { chain, MNIST_CNN } from './fixtures';

/** No two cards' boxes (CARD size) overlap. */
function overlapping(g: Graph): string[] {
  const found: string[] = [];
  for (const [i, a] of g.nodes.entries()) {
    for (const b of g.nodes.slice(i + 1)) {
      const pa = a.position!;
      const pb = b.position!;
      if (Math.abs(pa.x - pb.x) < CARD.width && Math.abs(pa.y - pb.y) < CARD.height) found.push(`${a.name}/${b.name}`);
    }
  }
  return found;
}

describe('a refused connection explains itself on the target layer for as long as it stands', () => {
  const flatThenConv = () =>
    chain([['InputLayer', { batch_input_shape: [null, 28, 28, 1] }], ['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]]);

  it('Conv2D after Flatten: the reason replaces "not connected", is right for a 28x28x1 Input, and goes once fixed', () => {
    const store = new EditorStore(flatThenConv());
    const conv = store.addNode('Conv2D', { x: 400, y: 0 });
    expect(store.view(conv)!.errors).toEqual(['conv2d (Conv2D) is not connected: drag from a layer\'s bottom port onto it.']);
    expect(store.connect('n1', conv)).toBe(false);
    const shown = store.view(conv)!.errors;
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^Cannot connect flatten_1 here: Conv2D expects a 4-D input \(batch, height, width, channels\), got 2-D \(None, 784\)\. /);
    expect(shown[0]).toMatch(/connect it to the Input or to a Conv2D\/pooling layer, before any Flatten or Dense/);
    expect(shown[0]).not.toMatch(/not connected|image shape such as|\[null/);
    expect(store.refusals.get(conv)).toBe(shown[0]);
    // Still there after unrelated edits (it was a toast that vanished)...
    store.setConfig('n2', 'units', 12);
    store.addNode('Dropout', { x: 800, y: 0 });
    expect(store.view(conv)!.errors[0]).toMatch(/^Cannot connect flatten_1 here/);
    // ...and gone once the layer has an input.
    expect(store.connect('n0', conv)).toBe(true);
    expect(store.refusals.size).toBe(0);
    expect(store.view(conv)!.errors).toEqual([]);
  });

  it('goes when the refused source is deleted, leaving the plain "not connected"', () => {
    const store = new EditorStore(flatThenConv());
    const conv = store.addNode('Conv2D', { x: 400, y: 0 });
    store.connect('n1', conv);
    expect(store.refusals.has(conv)).toBe(true);
    store.remove(['n1']);
    expect(store.refusals.has(conv)).toBe(false);
    expect(store.view(conv)!.errors[0]).toMatch(/is not connected/);
  });
});

describe('node cards show the key setting', () => {
  it.each([
    ['Dense', { units: 64, activation: 'relu' }, '64 units · relu'],
    ['Dense', { units: 10, activation: 'softmax' }, '10 units · softmax'],
    ['Dense', { units: 10, activation: 'linear' }, '10 units'],
    ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, '32 × 3x3 · relu'],
    ['Dropout', { rate: 0.25 }, 'rate 0.25'],
    ['MaxPooling2D', { pool_size: [2, 2] }, '2x2'],
    ['InputLayer', { batch_input_shape: [null, 28, 28, 1] }, '28x28x1'],
    ['Activation', { activation: 'tanh' }, 'tanh'],
    ['Flatten', {}, ''],
  ] as const)('%s %j -> %j', (kind, config, text) => {
    expect(keySetting({ kind, config: { ...requireLayerKind(kind).defaults(), ...config } })).toBe(text);
  });

  it('follows an edit of the setting', () => {
    const store = new EditorStore(chain(MNIST_CNN));
    expect(store.view('n6')!.setting).toBe('128 units · relu');
    store.setConfig('n6', 'units', 256);
    expect(store.view('n6')!.setting).toBe('256 units · relu');
  });
});

describe('new, pasted and duplicated layers land on a free spot', () => {
  it('adding at an occupied place moves the new card clear of every other', () => {
    const store = new EditorStore(chain(MNIST_CNN));
    for (let i = 0; i < 5; i++) store.addNode('Dense', { x: 0, y: 120 });
    expect(overlapping(store.graph)).toEqual([]);
  });

  it('paste and duplicate shift the whole block clear, keeping its arrangement', () => {
    const store = new EditorStore(chain(MNIST_CNN));
    store.selected = ['n1', 'n2', 'n3'];
    store.duplicate();
    store.duplicate();
    const text = store.copyText(['n4', 'n5'])!;
    store.pasteText(text);
    expect(store.graph.nodes).toHaveLength(9 + 3 + 3 + 2);
    expect(overlapping(store.graph)).toEqual([]);
    const pasted = store.selected.map((id) => store.graph.nodes.find((n) => n.id === id)!.position!);
    expect(pasted[1]!.y - pasted[0]!.y).toBe(120);
    expect(pasted[1]!.x - pasted[0]!.x).toBe(0);
  });
});

describe('connecting with the keyboard', () => {
  it('C with two layers selected: the upper one feeds the lower one; anything else says what to do', () => {
    const store = new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 784] }]]));
    const dense = store.addNode('Dense', { x: 0, y: 200 });
    store.selected = [dense, 'n0'];
    expect(store.connectSelected()).toBe(true);
    expect(store.graph.edges).toEqual([expect.objectContaining({ source: 'n0', target: dense })]);
    expect(store.notice?.text).toBe('Connected inputlayer_0 to dense');
    store.selected = [dense];
    expect(store.connectSelected()).toBe(false);
    expect(store.notice).toMatchObject({ tone: 'error', text: expect.stringMatching(/select exactly two layers/) });
  });
});
