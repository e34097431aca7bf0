/** Keras' merge broadcast rule: Add of (28, 28, 8) and (28, 28, 1) is valid in the summary and trains in tfjs alike. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../main/engine/model';
import { analyzeGraph, compileGraph, summaryTable } from '../../../shared/graph';
import { edge, graph, node } from '../../support/graphs';

describe('Add broadcasting a size-1 channel axis', () => {
  const g = graph(
    [
      node('in', 'InputLayer', { batch_input_shape: [null, 28, 28, 1] }),
      node('conv', 'Conv2D', { filters: 8, kernel_size: [3, 3], padding: 'same' }),
      node('add', 'Add'),
      node('flat', 'Flatten'),
      node('out', 'Dense', { units: 10, activation: 'softmax' }),
    ],
    [edge('in', 'conv'), edge('conv', 'add', 0), edge('in', 'add', 1), edge('add', 'flat'), edge('flat', 'out')],
  );

  it('summary and shape inference accept it with the Keras output shape', () => {
    const analysis = analyzeGraph(g);
    expect(analysis.errors).toEqual([]);
    expect(analysis.nodes.add!.outputShape).toEqual([null, 28, 28, 8]);
    expect(summaryTable(g, analysis).valid).toBe(true);
  });

  it('tfjs builds the same shapes and trains a step on it', async () => {
    await tf.setBackend('cpu');
    const model = await buildModel(compileGraph(g), { seed: 1 });
    expect(model.getLayer('add').outputShape).toEqual([null, 28, 28, 8]);
    expect(model.countParams()).toBe(analyzeGraph(g).totals.total);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10).toFloat();
    const h = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(h.history.loss![0] as number)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });
});
