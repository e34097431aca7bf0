import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import type { GraphErrorCode } from '../../../shared/graph/types';
import { bigResidualGraph, chain, edge, graph, node } from '../../support/graphs';

const input = (shape: (number | null)[] = [null, 28, 28, 1], id = 'in') => node(id, 'InputLayer', { batch_input_shape: shape });

function codes(g: Parameters<typeof analyzeGraph>[0]): GraphErrorCode[] {
  return analyzeGraph(g).errors.map((e) => e.code);
}

describe('analyzeGraph on valid graphs', () => {
  it('infers shapes, params and totals of the Keras mnist CNN', () => {
    const g = chain(
      input(),
      node('c1', 'Conv2D', { filters: 32, activation: 'relu' }),
      node('c2', 'Conv2D', { filters: 64, activation: 'relu' }),
      node('p', 'MaxPooling2D'),
      node('d1', 'Dropout', { rate: 0.25 }),
      node('f', 'Flatten'),
      node('h', 'Dense', { units: 128, activation: 'relu' }),
      node('d2', 'Dropout'),
      node('out', 'Dense', { units: 10, activation: 'softmax' }),
    );
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.valid).toBe(true);
    expect(a.nodes['c2']!.outputShape).toEqual([null, 24, 24, 64]);
    expect(a.nodes['f']!.outputShape).toEqual([null, 9216]);
    expect(a.nodes['h']!.inputShapes).toEqual([[null, 9216]]);
    expect(a.nodes['h']!.params).toEqual({ trainable: 1_179_776, nonTrainable: 0 });
    expect(a.totals).toEqual({ trainable: 1_199_882, nonTrainable: 0, total: 1_199_882 });
    expect(a.order).toEqual(['in', 'c1', 'c2', 'p', 'd1', 'f', 'h', 'd2', 'out']);
    expect(a.inputs).toEqual(['in']);
    expect(a.outputs).toEqual(['out']);
  });

  it('accepts Dense on a 4-D tensor (it acts on the last axis)', () => {
    const a = analyzeGraph(chain(input([null, 4, 4, 3]), node('d', 'Dense', { units: 5 })));
    expect(a.valid).toBe(true);
    expect(a.nodes['d']!.outputShape).toEqual([null, 4, 4, 5]);
    expect(a.nodes['d']!.params).toEqual({ trainable: 20, nonTrainable: 0 });
  });

  it('orders merge inputs by targetIndex', () => {
    const g = graph(
      [input([null, 8, 8, 3]), node('a', 'Conv2D', { filters: 4, padding: 'same' }), node('b', 'Conv2D', { filters: 6, padding: 'same' }), node('cat', 'Concatenate')],
      [edge('in', 'a'), edge('in', 'b'), edge('b', 'cat', 0), edge('a', 'cat', 1)],
    );
    const a = analyzeGraph(g);
    expect(a.valid).toBe(true);
    expect(a.nodes['cat']!.inputShapes).toEqual([[null, 8, 8, 6], [null, 8, 8, 4]]);
    expect(a.nodes['cat']!.outputShape).toEqual([null, 8, 8, 10]);
  });

  it('analyses a 300-node residual graph in under 5 ms', () => {
    const g = bigResidualGraph(60);
    expect(g.nodes.length).toBeGreaterThanOrEqual(300);
    expect(analyzeGraph(g).valid).toBe(true);
    // Warm the JIT first: the editor runs this on every edit, so steady-state time is what users feel.
    for (let i = 0; i < 50; i++) analyzeGraph(g);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      analyzeGraph(g);
      times.push(performance.now() - t0);
    }
    // The fastest run: the machine is shared, so the slower ones measure the neighbours.
    expect(Math.min(...times)).toBeLessThan(5);
  });
});

describe('analyzeGraph reports every error, per node', () => {
  it('cycle', () => {
    const g = graph(
      [input([null, 4]), node('a', 'Dense'), node('b', 'Dense'), node('c', 'Add')],
      [edge('in', 'c'), edge('c', 'a'), edge('a', 'b'), edge('b', 'c')],
    );
    const a = analyzeGraph(g);
    const cycle = a.errors.filter((e) => e.code === 'cycle');
    expect(cycle.map((e) => e.nodeId).sort()).toEqual(['a', 'b', 'c']);
    expect(cycle[0]!.message).toMatch(/is on a cycle .* remove one of the edges/);
    expect(a.order).toEqual(['in']);
    expect(a.valid).toBe(false);
  });

  it('self loop', () => {
    expect(codes(graph([input([null, 4]), node('a', 'Add')], [edge('in', 'a'), edge('a', 'a')]))).toContain('cycle');
  });

  it('missing and extra inputs', () => {
    const g = graph(
      [input([null, 4]), input([null, 4], 'in2'), node('d', 'Dense'), node('add', 'Add'), node('lone', 'Dense')],
      [edge('in', 'd'), edge('in2', 'd'), edge('in', 'add'), edge('in2', 'in')],
    );
    const a = analyzeGraph(g);
    const byNode = (id: string) => a.nodes[id]!.errors.map((e) => e.code);
    expect(byNode('d')).toContain('extra-input');
    expect(byNode('add')).toContain('missing-input');
    expect(byNode('lone')).toContain('missing-input');
    expect(byNode('in')).toContain('extra-input');
    expect(a.nodes['add']!.errors[0]!.message).toMatch(/takes at least 2 inputs but has 1/);
  });

  it('unknown kind and config errors name the field', () => {
    const g = chain(input([null, 4]), node('d', 'Dense', { units: 0 }), { id: 'x', kind: 'Conv3D', name: 'x', config: {} });
    const a = analyzeGraph(g);
    expect(a.nodes['d']!.errors).toEqual([
      { nodeId: 'd', code: 'config', field: 'units', message: 'd (Dense): expected a positive integer. Received: units=0' },
    ]);
    expect(a.nodes['x']!.errors[0]!.code).toBe('unknown-kind');
    expect(a.nodes['d']!.outputShape).toBeNull();
  });

  it('incompatible shapes: Conv2D on 2-D, Add of unequal shapes, Concatenate on a mismatched axis', () => {
    const g = graph(
      [
        input([null, 8, 8, 3]),
        input([null, 784], 'flat'),
        node('conv', 'Conv2D'),
        node('a', 'Conv2D', { filters: 4, padding: 'same' }),
        node('b', 'Conv2D', { filters: 8, padding: 'same' }),
        node('add', 'Add'),
        node('s', 'Conv2D', { filters: 4, strides: [2, 2], padding: 'same' }),
        node('cat', 'Concatenate'),
      ],
      [edge('flat', 'conv'), edge('in', 'a'), edge('in', 'b'), edge('a', 'add'), edge('b', 'add'), edge('in', 's'), edge('a', 'cat'), edge('s', 'cat')],
    );
    const a = analyzeGraph(g);
    for (const id of ['conv', 'add', 'cat']) expect(a.nodes[id]!.errors.map((e) => e.code), id).toEqual(['shape']);
    expect(a.nodes['conv']!.errors[0]!.message).toMatch(/^conv: Conv2D expects a 4-D input/);
    expect(a.errors.filter((e) => e.code === 'shape')).toHaveLength(3);
  });

  it('dimensions that shrink to zero or below', () => {
    const g = chain(input([null, 6, 6, 1]), node('c1', 'Conv2D', { kernel_size: [3, 3] }), node('c2', 'Conv2D', { kernel_size: [5, 5] }), node('f', 'Flatten'));
    const a = analyzeGraph(g);
    expect(a.nodes['c2']!.errors[0]!.message).toMatch(/shrinks input \(None, 4, 4, 32\) to \(None, 0, 0, 32\)/);
    // Downstream of an error: unknown, without a second error.
    expect(a.nodes['f']!.outputShape).toBeNull();
    expect(a.nodes['f']!.errors).toEqual([]);
  });

  it('unreachable nodes, an unconnected input, duplicate names and ids, dangling edges', () => {
    const g = graph(
      [input([null, 4]), input([null, 4], 'spare'), node('d', 'Dense'), node('orphan', 'Dense'), node('after', 'Dense', {}, 'd'), node('d2', 'Dense'), node('d2', 'Dense')],
      [edge('in', 'd'), edge('orphan', 'after'), edge('d', 'ghost')],
    );
    const a = analyzeGraph(g);
    const c = a.errors.map((e) => `${e.nodeId}:${e.code}`);
    expect(c).toContain('after:unreachable');
    expect(c).toContain('spare:unreachable');
    expect(c).toContain('d:duplicate-name');
    expect(c).toContain('after:duplicate-name');
    expect(c).toContain('d2:duplicate-id');
    expect(c).toContain('d:dangling-edge');
    expect(c).toContain('orphan:missing-input');
    expect(c).not.toContain('orphan:unreachable');
  });

  it('no input layer, no output, empty graph, bad names', () => {
    expect(codes(graph([node('d', 'Dense'), node('e', 'Dense')], [edge('d', 'e')]))).toContain('no-input-layer');
    expect(codes({ nodes: [], edges: [] })).toEqual(['no-input-layer', 'no-output']);
    const a = analyzeGraph(chain(input([null, 4]), node('d', 'Dense', {}, 'my layer')));
    expect(a.errors[0]).toMatchObject({ code: 'config', field: 'name' });
  });
});
