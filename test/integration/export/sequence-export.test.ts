/**
 * Sequence layers (issue 16) in the Keras and TF.js exports (PyTorch: sequence-parity.test.ts): the Keras model.py
 * writes each layer with its non-default arguments (Bidirectional wrapping its layer call), weights.npz holds each
 * layer's get_weights() arrays in Keras' order, the code compiles; the TF.js export of imdb-lstm loads back; and
 * what PyTorch cannot express (merging masked sequences) is refused with the fix.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { decodeNpz } from '../../../main/export/npy';
import { buildTfjsModel, namedWeights } from '../../../main/export/tfjs-model';
import { compileGraph } from '../../../shared/graph';
import { templates } from '../../../shared/templates';
import { GraphBuilder, sequentialGraph } from '../../../shared/templates/builder';
import { runPython, torchMissing } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-seq-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Keras export of sequence layers', () => {
  it('writes Embedding, Conv1D, the pools, GRU and Bidirectional with their arguments and weights in get_weights() order', async () => {
    const spec = compileGraph(
      sequentialGraph([null, 20], [
        ['Embedding', { input_dim: 500, output_dim: 8, mask_zero: true }],
        ['Bidirectional', { layer: 'GRU', units: 4, return_sequences: true, merge_mode: 'sum' }],
        ['Conv1D', { filters: 6, kernel_size: [3], padding: 'causal', dilation_rate: [2], activation: 'relu' }],
        ['MaxPooling1D', { pool_size: [2] }],
        ['LSTM', { units: 5, recurrent_activation: 'hard_sigmoid', dropout: 0.2 }],
        ['Dense', { units: 1, activation: 'sigmoid' }],
      ]),
    );
    const model = await buildTfjsModel(spec);
    const out = join(dir, 'keras');
    await exportModel({ spec, weights: namedWeights(model) }, { format: 'keras', outDir: out });
    const code = readFileSync(join(out, 'model.py'), 'utf8');
    expect(code).toContain("layers.Embedding(500, 8, mask_zero=True, name='embedding')");
    expect(code).toContain("layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode='sum', name='bidirectional')");
    expect(code).toContain("layers.Conv1D(6, (3,), padding='causal', dilation_rate=(2,), activation='relu', name='conv1d')");
    expect(code).toContain("layers.MaxPooling1D(name='max_pooling1d')");
    expect(code).toContain("layers.LSTM(5, recurrent_activation='hard_sigmoid', dropout=0.2, name='lstm')");
    const npz = decodeNpz(readFileSync(join(out, 'weights.npz')));
    // Bidirectional: the forward GRU's kernel, recurrent kernel, two-row bias (reset_after), then the backward copy's.
    expect([0, 1, 2, 3, 4, 5].map((i) => npz[`bidirectional/${i}`]!.shape)).toEqual([[8, 12], [4, 12], [2, 12], [8, 12], [4, 12], [2, 12]]);
    const backwardKernel = model.weights.find((w) => /bidirectional\/backward_.*\/kernel/.test(w.originalName))!;
    expect(Array.from(npz['bidirectional/3']!.data)).toEqual(Array.from(backwardKernel.read().dataSync()));
    expect([0, 1, 2].map((i) => npz[`lstm/${i}`]!.shape)).toEqual([[6, 20], [5, 20], [20]]);
    expect(npz['embedding/0']!.shape).toEqual([500, 8]);
    if (!torchMissing()) runPython(['-m', 'py_compile', join(out, 'model.py'), join(out, 'train.py')]);
    model.dispose();
  });
});

describe('Keras and TF.js exports of return_state', () => {
  it("unpack the states as Keras returns them and feed each reader its state; the TF.js model.json predicts", async () => {
    const b = new GraphBuilder();
    const ids = b.layer('InputLayer', { batch_input_shape: [null, 12] }, [], 'ids');
    const embedded = b.layer('Embedding', { input_dim: 60, output_dim: 6 }, [ids]);
    const lstm = b.layer('LSTM', { units: 4, return_state: true }, [embedded], 'encoder');
    const bi = b.layer('Bidirectional', { layer: 'GRU', units: 3, return_state: true }, [embedded], 'bi');
    const fromOut = b.layer('Dense', { units: 2 }, [lstm], 'from_out');
    const fromH = b.layer('Dense', { units: 2 }, [[lstm, 1]], 'from_h');
    b.layer('Concatenate', {}, [fromOut, fromH, [lstm, 2], [bi, 2]], 'joined');
    const spec = compileGraph(b.build());
    const model = await buildTfjsModel(spec);
    const out = join(dir, 'keras-state');
    await exportModel({ spec, weights: namedWeights(model) }, { format: 'keras', outDir: out });
    const code = readFileSync(join(out, 'model.py'), 'utf8');
    expect(code).toContain("encoder, encoder_h, encoder_c = layers.LSTM(4, return_state=True, name='encoder')(embedding)");
    expect(code).toContain("bi, bi_h_fw, bi_h_bw = layers.Bidirectional(layers.GRU(3, return_state=True), name='bi')(embedding)");
    expect(code).toContain("from_out = layers.Dense(2, name='from_out')(encoder)");
    expect(code).toContain("from_h = layers.Dense(2, name='from_h')(encoder_h)");
    expect(code).toContain("joined = layers.Concatenate(name='joined')([from_out, from_h, encoder_c, bi_h_bw])");
    if (!torchMissing()) runPython(['-m', 'py_compile', join(out, 'model.py')]);
    const tfjsOut = join(dir, 'tfjs-state');
    await exportModel({ spec, weights: namedWeights(model) }, { format: 'tfjs', outDir: tfjsOut });
    const json = JSON.parse(readFileSync(join(tfjsOut, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const loaded = await tf.models.modelFromJSON({ modelTopology: json.modelTopology });
    const x = tf.ones([2, 12]);
    const y = loaded.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 2 + 2 + 4 + 3]);
    tf.dispose([x, y]);
    loaded.dispose();
    model.dispose();
  });
});

describe('TF.js export of a sequence model', () => {
  it('imdb-lstm is written as model.json + weights that tfjs loads with the same parameter count', async () => {
    const spec = compileGraph(templates.find((t) => t.id === 'imdb-lstm')!.graph);
    const out = join(dir, 'tfjs');
    await exportModel({ spec }, { format: 'tfjs', outDir: out });
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const loaded = await tf.models.modelFromJSON({ modelTopology: json.modelTopology });
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Embedding', 'LSTM', 'Dense']);
    expect(loaded.countParams()).toBe(10000 * 32 + 4 * (32 * (32 + 32) + 32) + 33);
    loaded.dispose();
  });
});

describe('merged masks in the PyTorch export', () => {
  it('a merge of masked sequences combines their masks as Keras 3 does (parity: sequence-parity.test.ts)', async () => {
    const b = new GraphBuilder();
    const ids = b.layer('InputLayer', { batch_input_shape: [null, 10] }, [], 'ids');
    const a = b.chain(ids, [['Embedding', { input_dim: 50, output_dim: 4, mask_zero: true }]]);
    const c = b.chain(ids, [['Embedding', { input_dim: 50, output_dim: 4, mask_zero: true }]]);
    const sum = b.layer('Add', {}, [a, c], 'sum');
    const joined = b.layer('Concatenate', { axis: 1 }, [sum, b.chain(ids, [['Embedding', { input_dim: 50, output_dim: 4 }]])], 'joined');
    b.chain(joined, [['LSTM', { units: 3 }]]);
    const out = join(dir, 'merged');
    await exportModel({ spec: compileGraph(b.build()) }, { format: 'pytorch', outDir: out });
    const code = readFileSync(join(out, 'model.py'), 'utf8');
    expect(code).toMatch(/sum_mask = (\w+_mask) \| (?!\1)\w+_mask\n/);
    expect(code).toContain('joined_mask = concat_mask([sum, embedding_2], [sum_mask, None], dim=1)');
    expect(code).toMatch(/self\.lstm\(joined, joined_mask\)/);
  });

  it('refuses a Concatenate of masked image tensors (channels-first inside model.py), naming the layer and the fix', async () => {
    const b = new GraphBuilder();
    const image = b.layer('InputLayer', { batch_input_shape: [null, 6, 6, 2] }, [], 'image');
    const masked = b.chain(image, [['Masking', { mask_value: 0 }]]);
    b.layer('Concatenate', {}, [masked, image], 'joined');
    await expect(exportModel({ spec: compileGraph(b.build()) }, { format: 'pytorch', outDir: join(dir, 'refused') })).rejects.toThrow(
      "layer 'joined' (Concatenate) joins masked image tensors; the PyTorch export combines masks of sequences only: end the mask (a Conv2D, Flatten) before the Concatenate.",
    );
  });
});
