import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { canConnect, createNode, kerasBaseName, uniqueLayerName } from '../../../shared/graph/edit';
import { edge, graph, node } from '../../support/graphs';

describe('layer names', () => {
  it.each([
    ['Dense', 'dense'],
    ['Conv2D', 'conv2d'],
    ['MaxPooling2D', 'max_pooling2d'],
    ['BatchNormalization', 'batch_normalization'],
    ['GlobalAveragePooling2D', 'global_average_pooling2d'],
    ['Conv2DTranspose', 'conv2d_transpose'],
    ['ReLU', 're_lu'],
    ['LeakyReLU', 'leaky_re_lu'],
    ['InputLayer', 'input_layer'],
  ])('%s -> %s (Keras to_snake_case)', (className, expected) => {
    expect(kerasBaseName(className)).toBe(expected);
  });

  it('numbers further layers like Keras: dense, dense_1, dense_2, filling gaps', () => {
    const g = graph([], []);
    expect(uniqueLayerName(g, 'Dense')).toBe('dense');
    g.nodes.push(node('a', 'Dense', {}, 'dense'));
    expect(uniqueLayerName(g, 'Dense')).toBe('dense_1');
    g.nodes.push(node('b', 'Dense', {}, 'dense_2'));
    expect(uniqueLayerName(g, 'Dense')).toBe('dense_1');
    g.nodes.push(node('c', 'Dense', {}, 'dense_1'));
    expect(uniqueLayerName(g, 'Dense')).toBe('dense_3');
  });

  it('creates nodes with defaults and free names and ids', () => {
    const g = graph([node('dense', 'Dense', {}, 'x')], []);
    const n = createNode(g, 'Dense', { x: 1, y: 2 });
    expect(n.name).toBe('dense');
    expect(n.id).toBe('dense-1');
    expect(n.config).toEqual({ units: 32, activation: 'linear', use_bias: true, kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' });
    expect(n.position).toEqual({ x: 1, y: 2 });
    expect(() => createNode(g, 'Conv3D')).toThrow(/Unknown layer kind/);
  });
});

describe('canConnect (isValidConnection)', () => {
  const base = () =>
    graph(
      [
        node('in', 'InputLayer', { batch_input_shape: [null, 28, 28, 1] }),
        node('flat_in', 'InputLayer', { batch_input_shape: [null, 10] }),
        node('c1', 'Conv2D', { filters: 8, padding: 'same' }),
        node('c2', 'Conv2D', { filters: 16, padding: 'same' }),
        node('c3', 'Conv2D', { filters: 8 }),
        node('add', 'Add'),
        node('d', 'Dense'),
      ],
      [edge('in', 'c1'), edge('c1', 'c2'), edge('c1', 'add')],
    );

  it('allows a compatible edge', () => {
    expect(canConnect(base(), 'c2', 'd')).toEqual({ ok: true });
    expect(canConnect(base(), 'in', 'c3')).toEqual({ ok: true });
  });

  it('refuses self edges, duplicates, edges into an Input and full inputs', () => {
    const g = base();
    expect(canConnect(g, 'c1', 'c1')).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot feed itself/) });
    expect(canConnect(g, 'in', 'c1')).toMatchObject({ ok: false, reason: expect.stringMatching(/already feeds/) });
    expect(canConnect(g, 'c1', 'in')).toMatchObject({ ok: false, reason: expect.stringMatching(/is an Input/) });
    expect(canConnect(g, 'flat_in', 'c2')).toMatchObject({ ok: false, reason: expect.stringMatching(/takes one input and already has one/) });
    expect(canConnect(g, 'c1', 'nowhere').ok).toBe(false);
  });

  it('refuses a cycle', () => {
    expect(canConnect(base(), 'c2', 'c1')).toMatchObject({ ok: false, reason: expect.stringMatching(/loop/) });
  });

  it('refuses shapes that would not fit: Add of unequal shapes, Conv2D on 2-D', () => {
    const r = canConnect(base(), 'c2', 'add');
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/Add needs inputs of the same shape, got \(None, 28, 28, 8\) and \(None, 28, 28, 16\)/) });
    expect(canConnect(base(), 'flat_in', 'c3')).toMatchObject({ ok: false, reason: expect.stringMatching(/Conv2D expects a 4-D input/) });
  });

  it('Conv2D after Flatten: the advice fits a model whose Input already is 28x28x1', () => {
    const r = canConnect(base(), 'flat_in', 'c3');
    expect(r.ok).toBe(false);
    const reason = r.ok ? '' : r.reason;
    expect(reason).toMatch(/got 2-D \(None, \d+\)/);
    expect(reason).toMatch(/connect it to the Input or to a Conv2D\/pooling layer, before any Flatten or Dense/);
    expect(reason).not.toMatch(/Give the Input an image shape|\[null/);
  });

  it('leaves the graph untouched', () => {
    const g = base();
    const before = JSON.stringify(g);
    canConnect(g, 'c2', 'add');
    expect(JSON.stringify(g)).toBe(before);
    expect(analyzeGraph(g).nodes['add']!.errors.map((e) => e.code)).toEqual(['missing-input']);
  });
});
