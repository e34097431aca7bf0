import { describe, expect, it } from 'vitest';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { push, initHistory, undo, redo } from '../../renderer/src/lib/editor/history';
import { normalizeIds } from '../../renderer/src/lib/editor/ops';
import { parseText, toText } from '../../renderer/src/lib/editor/paramText';
import { requireLayerKind } from '../../shared/layers/registry';
import type { ParamSpec } from '../../shared/layers/types';
import { templates } from '../../shared/templates';
import { chain, MNIST_CNN } from './fixtures';

const spec = (name: string): ParamSpec => {
  // ZeroPadding2D first: its `padding` is pairs of ints, Conv2D's is 'valid' / 'same'.
  for (const k of ['ZeroPadding2D', 'Conv2D', 'InputLayer', 'Dropout']) {
    const s = requireLayerKind(k).params.find((p) => p.name === name);
    if (s) return s;
  }
  throw new Error(`no param ${name}`);
};

describe('inspector text <-> values', () => {
  it.each([
    ['kernel_size', '3', [3, 3]],
    ['kernel_size', '5 x 3', [5, 3]],
    ['kernel_size', '(2, 2)', [2, 2]],
    ['batch_input_shape', '28, 28, 1', [null, 28, 28, 1]],
    ['batch_input_shape', '784', [null, 784]],
    ['padding', '1', [[1, 1], [1, 1]]],
    ['padding', '1, 2; 3, 4', [[1, 2], [3, 4]]],
    ['rate', '0.25', 0.25],
    ['filters', '64', 64],
  ])('%s = %j reads as %j', (name, text, value) => {
    const parsed = parseText(spec(name), text);
    expect(parsed).toEqual({ ok: true, value });
  });

  it.each([
    ['kernel_size', '3, 3, 3'],
    ['kernel_size', 'abc'],
    ['filters', '1.5'],
    ['rate', ''],
    ['batch_input_shape', ''],
  ])('%s = %j is refused with a message naming the field', (name, text) => {
    const parsed = parseText(spec(name), text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(`Received: ${name}=`);
  });

  it('writes values back as they are typed, without the batch axis', () => {
    expect(toText(spec('batch_input_shape'), [null, 28, 28, 1])).toBe('28, 28, 1');
    expect(toText(spec('kernel_size'), [3, 3])).toBe('3, 3');
  });
});

describe('history', () => {
  it('undoes and redoes, and merges quick edits of one field', () => {
    let h = initHistory(0);
    h = push(h, 1, 'units', 1000);
    h = push(h, 2, 'units', 1500);
    h = push(h, 3, 'rate', 1600);
    expect(h.past).toEqual([0, 2]);
    h = undo(h);
    expect(h.present).toBe(2);
    h = redo(h);
    expect(h.present).toBe(3);
    h = push(h, 4, 'units', 9000);
    expect(h.past).toEqual([0, 2, 3]);
  });
});

describe('editor store', () => {
  it('builds, connects, refuses a bad edge with the reason, and undoes each step', () => {
    const store = new EditorStore();
    const input = store.addNode('InputLayer', { x: 0, y: 0 });
    const conv = store.addNode('Conv2D', { x: 0, y: 100 });
    expect(store.connect(input, conv)).toBe(true);
    expect(store.analysis.nodes[conv].outputShape).toEqual([null, 26, 26, 32]);
    expect(store.connect(conv, input)).toBe(false);
    expect(store.notice?.tone).toBe('error');
    expect(store.notice?.text.length).toBeGreaterThan(10);
    store.undo();
    expect(store.graph.edges).toHaveLength(0);
    store.undo();
    expect(store.graph.nodes.map((n) => n.id)).toEqual([input]);
    store.redo();
    store.redo();
    expect(store.graph.edges).toHaveLength(1);
  });

  it('copies and pastes layers as JSON text, with fresh ids and names, into another project', () => {
    const a = new EditorStore(chain(MNIST_CNN));
    a.selected = ['n1', 'n2', 'n3'];
    const text = a.copyText();
    expect(text).toBeTruthy();
    const b = new EditorStore(chain(MNIST_CNN));
    expect(b.pasteText(text!)).toBe(true);
    expect(b.graph.nodes).toHaveLength(12);
    expect(b.graph.edges).toHaveLength(8 + 2);
    expect(new Set(b.graph.nodes.map((n) => n.name)).size).toBe(12);
    expect(new Set(b.graph.nodes.map((n) => n.id)).size).toBe(12);
    expect(b.selected).toHaveLength(3);
    expect(b.pasteText('not layers')).toBe(false);
  });

  it('duplicates and deletes the selection', () => {
    const store = new EditorStore(chain(MNIST_CNN));
    store.selected = ['n6'];
    store.duplicate();
    expect(store.graph.nodes.filter((n) => n.kind === 'Dense')).toHaveLength(3);
    store.remove(store.selected);
    expect(store.graph.nodes).toHaveLength(9);
    store.remove(['n5']);
    expect(store.graph.edges.find((e) => e.source === 'n5' || e.target === 'n5')).toBeUndefined();
    expect(store.analysis.totals.total).toBeLessThan(1_199_882);
  });

  it('gives template graphs ids the training API accepts', () => {
    for (const t of templates) {
      const g = normalizeIds(t.graph);
      for (const x of [...g.nodes, ...g.edges]) expect(x.id).toMatch(/^[A-Za-z0-9_.:-]+$/);
      const store = new EditorStore(g);
      expect(store.analysis.totals.total).toBe(new EditorStore(t.graph).analysis.totals.total);
    }
  });
});
