import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { getTemplate, templates } from '../../../shared/templates/registry';
import { lossOutputProblem } from '../../../shared/losses';
import { parseTrainingConfig } from '../../../shared/training';

describe('workshop templates', () => {
  it('has the workshop models, with unique ids', () => {
    expect(templates.map((t) => t.id)).toEqual([
      'mlp-64', 'mlp-512', 'mlp-deep', 'cnn-first', 'cnn-scaled', 'cnn-dropout', 'cnn-batchnorm', 'resnet-cifar',
      'imdb-embedding-pool', 'imdb-lstm', 'reuters-mlp', 'reuters-conv1d', 'boston-mlp',
    ]);
  });

  it.each(templates.map((t) => [t.id, t] as const))('%s is valid, positioned and compiles', (_id, t) => {
    const a = analyzeGraph(t.graph);
    expect(a.errors).toEqual([]);
    for (const n of t.graph.nodes) expect(n.position, n.id).toBeDefined();
    const positions = new Set(t.graph.nodes.map((n) => `${n.position!.x},${n.position!.y}`));
    expect(positions.size).toBe(t.graph.nodes.length);
    expect(compileGraph(t.graph).config.layers).toHaveLength(t.graph.nodes.length);
  });

  it.each([
    ['mlp-64', 55_050],
    ['mlp-512', 669_706],
    ['cnn-dropout', 1_199_882],
    // The counts Keras prints for these models (text classification tutorial; Deep Learning with Python, ch. 3/6).
    ['imdb-embedding-pool', 160_289],
    ['imdb-lstm', 328_353],
    ['reuters-mlp', 647_214],
    ['reuters-conv1d', 10000 * 64 + (5 * 64 * 64 + 64) * 2 + 64 * 46 + 46],
    // 13*64+64 + 64*64+64 + 64+1, as Keras' summary of the Boston Housing model.
    ['boston-mlp', 5_121],
  ] as const)('%s has %i parameters', (id, total) => {
    expect(analyzeGraph(getTemplate(id)!.graph).totals.total).toBe(total);
  });

  it('boston-mlp trains with rmsprop 0.001, mse and mae on boston-housing (a valid TrainingConfig)', () => {
    const t = getTemplate('boston-mlp')!;
    const parsed = parseTrainingConfig(t.training);
    expect(parsed.ok && parsed.config).toMatchObject({
      dataset: { name: 'boston-housing' }, optimizer: { name: 'rmsprop', learning_rate: 0.001 }, loss: 'mse', metrics: ['mae'],
    });
    expect(t.graph.nodes.map((n) => [n.kind, n.config.units ?? null, n.config.activation ?? null])).toEqual([
      ['InputLayer', null, null], ['Dense', 64, 'relu'], ['Dense', 64, 'relu'], ['Dense', 1, 'linear'],
    ]);
  });

  it.each([
    ['imdb-embedding-pool', 'imdb', 'binary_crossentropy', 200],
    ['imdb-lstm', 'imdb', 'binary_crossentropy', 200],
    ['reuters-mlp', 'reuters', 'sparse_categorical_crossentropy', 10000],
    ['reuters-conv1d', 'reuters', 'sparse_categorical_crossentropy', 200],
  ] as const)('%s trains on %s with %s, rmsprop and accuracy; its input takes the %i values a sample has', (id, dataset, loss, width) => {
    const t = getTemplate(id)!;
    const parsed = parseTrainingConfig(t.training);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const c = parsed.config;
    expect(c).toMatchObject({ dataset: { name: dataset }, loss, metrics: ['accuracy'], optimizer: { name: 'rmsprop', learning_rate: 0.001 } });
    // The samples the catalog gives for these options: num_words 0/1 values multi-hot, else 200 padded ids.
    const text = (c.dataset as { text?: { multi_hot?: boolean; num_words?: number } }).text;
    expect(text?.multi_hot ? text.num_words : 200).toBe(width);
    expect(t.graph.nodes[0]!.config['batch_input_shape']).toEqual([null, width]);
    const out = t.graph.nodes.at(-1)!;
    expect(lossOutputProblem(c.loss, { units: out.config['units'] as number, activation: out.config['activation'] as string })).toBeNull();
  });

  it('a 1-unit sigmoid output with a categorical cross-entropy is refused, naming binary_crossentropy', () => {
    expect(lossOutputProblem('sparse_categorical_crossentropy', { units: 1, activation: 'sigmoid' })).toBe(
      'a 1-unit sigmoid output needs binary_crossentropy, not sparse_categorical_crossentropy (which takes one softmax unit per class): set the loss to binary_crossentropy, or end with Dense(units=number of classes, activation=softmax)',
    );
    expect(lossOutputProblem('categorical_crossentropy', { units: 1 })).toMatch(/^a 1-unit output needs binary_crossentropy/);
    expect(lossOutputProblem('binary_crossentropy', { units: 1, activation: 'sigmoid' })).toBeNull();
    expect(lossOutputProblem('sparse_categorical_crossentropy', { units: 46, activation: 'softmax' })).toBeNull();
    expect(lossOutputProblem('mse', { units: 1 })).toBeNull();
  });

  it('cnn-dropout is the Keras mnist_cnn layer for layer', () => {
    const g = getTemplate('cnn-dropout')!.graph;
    expect(g.nodes.map((n) => n.kind)).toEqual([
      'InputLayer', 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dropout', 'Dense',
    ]);
    expect(g.nodes[0]!.config['batch_input_shape']).toEqual([null, 28, 28, 1]);
  });

  it('resnet-cifar has Add skip connections on 32x32x3', () => {
    const t = getTemplate('resnet-cifar')!;
    expect(t.graph.nodes[0]!.config['batch_input_shape']).toEqual([null, 32, 32, 3]);
    expect(t.graph.nodes.filter((n) => n.kind === 'Add').length).toBeGreaterThanOrEqual(3);
    expect(compileGraph(t.graph).class_name).toBe('Functional');
    expect(analyzeGraph(t.graph).outputs).toHaveLength(1);
  });

  it('getTemplate hands out copies', () => {
    const a = getTemplate('mlp-64')!;
    a.graph.nodes[1]!.config['units'] = 1;
    expect(getTemplate('mlp-64')!.graph.nodes[1]!.config['units']).toBe(64);
    expect(getTemplate('nope')).toBeUndefined();
  });
});
