/**
 * The PyTorch export of the sequence kinds computes the tfjs model's function on real text: the first 100
 * debian-package-sections test descriptions, tokenized with a vocabulary adapted on train.csv, post-padded (as
 * TextVectorization pads) and pre-padded (as pad_sequences pads), through Embedding (with and without mask_zero),
 * Masking, Conv1D (same/causal/strided/dilated), the 1-D pools, SimpleRNN, LSTM, GRU (reset_after both ways),
 * Bidirectional (every merge mode), non-default activations and dropout inside recurrent layers (eval mode), and the
 * masks as Keras carries them (the average pool over unmasked steps only, Dense passing a mask on, Conv1D ending it);
 * max abs diff < 1e-4 and Keras' parameter counts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { decodeNpy, encodeNpy } from '../../../main/export/npy';
import { buildTfjsModel, namedWeights } from '../../../main/export/tfjs-model';
import { readTextCsv } from '../../../main/datasets/text-source';
import { compileGraph } from '../../../shared/graph';
import { GraphBuilder, sequentialGraph } from '../../../shared/templates/builder';
import type { Graph } from '../../../shared/graph/types';
import { adaptVectorization, vectorize } from '../../../shared/text/vectorization';
import { DATASETS, maxAbsDiff, predict, randomizeWeights, REPO, runPython, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED sequence export parity: ${missing}`);

const T = 16;
const LONG = 200;
const N = 100;
const VOCAB = 2000;
type Layers = Parameters<typeof sequentialGraph>[1];

/** A functional model after an [T] id input (return_state: the states feed later layers). */
function functional(build: (b: GraphBuilder, tokens: string) => void): () => Graph {
  return () => {
    const b = new GraphBuilder();
    build(b, b.layer('InputLayer', { batch_input_shape: [null, T] }));
    return b.build();
  };
}

/** Each case: its layers after an [T] id input (or a functional graph), and which padding its input uses. */
/** `steps`: the model takes [null, null] ids and this case's rows are post-padded to that many (default T). */
const CASES: { name: string; layers?: Layers; graph?: () => Graph; padding: 'post' | 'pre'; steps?: number }[] = [
  // return_state: nn.LSTM's (out, (h, c)) and the masked step loop's final states, read by later layers.
  {
    name: 'lstm_state_masked', padding: 'pre',
    graph: functional((b, tokens) => {
      const lstm = b.layer('LSTM', { units: 8, return_state: true }, [b.layer('Embedding', { input_dim: VOCAB, output_dim: 12, mask_zero: true }, [tokens])]);
      b.layer('Dense', { units: 8, activation: 'softmax' }, [b.layer('Concatenate', {}, [[lstm, 1], [lstm, 2]])]);
    }),
  },
  {
    name: 'state_fused_and_out', padding: 'post',
    graph: functional((b, tokens) => {
      const embedded = b.layer('Embedding', { input_dim: VOCAB, output_dim: 10 }, [tokens]);
      const gru = b.layer('GRU', { units: 6, return_state: true, return_sequences: true }, [embedded]);
      const rnn = b.layer('SimpleRNN', { units: 5, return_state: true }, [embedded]);
      const lstm = b.layer('LSTM', { units: 4, return_state: true }, [embedded]);
      // The RNN's output and its h read by two layers (the same tensor in tfjs).
      const fromOut = b.layer('Dense', { units: 3 }, [rnn]);
      const fromH = b.layer('Dense', { units: 3 }, [[rnn, 1]]);
      b.layer('Concatenate', {}, [b.layer('GlobalMaxPooling1D', {}, [gru]), [gru, 1], fromOut, fromH, [lstm, 2]]);
    }),
  },
  {
    name: 'bidirectional_state', padding: 'pre',
    graph: functional((b, tokens) => {
      const embedded = b.layer('Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }, [tokens]);
      const bi = b.layer('Bidirectional', { layer: 'LSTM', units: 5, return_state: true }, [embedded]);
      const bigru = b.layer('Bidirectional', { layer: 'GRU', units: 3, return_state: true, merge_mode: 'sum', return_sequences: true }, [embedded]);
      b.layer('Concatenate', {}, [bi, [bi, 1], [bi, 4], [bigru, 2], b.layer('GlobalAveragePooling1D', {}, [bigru])]);
    }),
  },
  { name: 'embedding_pool', padding: 'post', layers: [['Embedding', { input_dim: VOCAB, output_dim: 16 }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 8, activation: 'softmax' }]] },
  // The same descriptions padded to T and to 200 ids, weights shared: with mask_zero the pool averages the words only.
  ...(['masked', 'unmasked'] as const).flatMap((m) => [T, LONG].map((steps) => ({
    name: `${m}_pool_${steps}`, padding: 'post' as const, steps,
    layers: [['Embedding', { input_dim: VOCAB, output_dim: 16, mask_zero: m === 'masked' }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 8, activation: 'softmax' }]] as Layers,
  }))),
  {
    // Dense hands the mask on (Keras' supports_masking); the average pool uses it, the max pool ignores it (Keras 3).
    name: 'mask_through_dense_to_pools', padding: 'pre',
    graph: functional((b, tokens) => {
      const dense = b.layer('Dense', { units: 6, activation: 'tanh' }, [b.layer('Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }, [tokens])]);
      b.layer('Concatenate', {}, [b.layer('GlobalAveragePooling1D', {}, [dense]), b.layer('GlobalMaxPooling1D', {}, [dense])]);
    }),
  },
  // Merges of masked sequences (Keras 3's rules, merge-masks.ts): Add/Average/... keep the OR of their inputs' masks
  // when every input is masked, none otherwise; Concatenate keeps one when any input is masked. Multiply, Maximum
  // and Minimum fill a step only some inputs mask as Keras 3 does (merge-values.ts). The second mask
  // (Masking after a 1-unit ReLU) differs from the Embedding's, so the OR is neither of them.
  {
    name: 'merge_masks_elementwise', padding: 'pre',
    graph: functional((b, tokens) => {
      const embedded = b.layer('Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }, [tokens]);
      const relu = b.layer('Masking', { mask_value: 0 }, [b.layer('Dense', { units: 1, activation: 'relu' }, [embedded])]);
      const sum = b.layer('Add', {}, [b.layer('Dense', { units: 1 }, [embedded]), relu]);
      const plain = b.layer('Embedding', { input_dim: VOCAB, output_dim: 1 }, [tokens]);
      b.layer('Concatenate', {}, [
        b.layer('LSTM', { units: 4 }, [sum]),
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Average', {}, [relu, sum])]),
        b.layer('GRU', { units: 3 }, [b.layer('Multiply', {}, [sum, b.layer('Dense', { units: 1 }, [embedded])])]),
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Subtract', {}, [relu, plain])]),
        b.layer('SimpleRNN', { units: 2 }, [b.layer('Maximum', {}, [sum, relu])]),
        // Only the first input masked: Keras 3 reads its masked steps as 1 (Multiply) or as the other input (Minimum,
        // Maximum), and the result carries no mask (merge-values.ts).
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Multiply', {}, [relu, plain])]),
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Minimum', {}, [relu, plain])]),
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Maximum', {}, [plain, relu])]),
      ]);
    }),
  },
  {
    // Along the features: a masked and an unmasked sequence (kept everywhere); along the steps: [masked, masked] of
    // 2T steps with the first half's padding in the middle, which the LSTM must skip.
    name: 'merge_masks_concatenate', padding: 'post',
    graph: functional((b, tokens) => {
      const embedded = b.layer('Embedding', { input_dim: VOCAB, output_dim: 6, mask_zero: true }, [tokens]);
      const relu = b.layer('Masking', { mask_value: 0 }, [b.layer('Dense', { units: 6, activation: 'relu' }, [embedded])]);
      const plain = b.layer('Embedding', { input_dim: VOCAB, output_dim: 3 }, [tokens]);
      b.layer('Concatenate', {}, [
        b.layer('LSTM', { units: 4 }, [b.layer('Concatenate', { axis: 1 }, [embedded, relu])]),
        b.layer('GlobalAveragePooling1D', {}, [b.layer('Concatenate', {}, [embedded, plain])]),
        b.layer('GRU', { units: 3 }, [b.layer('Concatenate', { axis: -1 }, [embedded, relu])]),
      ]);
    }),
  },
  // LeakyReLU and ELU hand the mask on (Keras 3; Layerlab's classes, where tfjs' dropped it): the LSTM skips the padding.
  {
    name: 'mask_through_activations', padding: 'pre',
    layers: [['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }], ['Dense', { units: 6 }], ['LeakyReLU', {}], ['ELU', {}], ['LSTM', { units: 4 }]],
  },
  // Conv1D ends the mask (Keras: no supports_masking): the LSTM after it runs over every step in tfjs and PyTorch.
  { name: 'mask_ends_at_conv1d', padding: 'pre', layers: [['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }], ['Conv1D', { filters: 4, kernel_size: [3], padding: 'same' }], ['LSTM', { units: 5 }], ['Dense', { units: 3 }]] },
  { name: 'masked_lstm_post', padding: 'post', layers: [['Embedding', { input_dim: VOCAB, output_dim: 12, mask_zero: true }], ['LSTM', { units: 8 }], ['Dense', { units: 8, activation: 'softmax' }]] },
  { name: 'masked_lstm_pre', padding: 'pre', layers: [['Embedding', { input_dim: VOCAB, output_dim: 12, mask_zero: true }], ['LSTM', { units: 8 }], ['Dense', { units: 8, activation: 'softmax' }]] },
  { name: 'unmasked_lstm_post', padding: 'post', layers: [['Embedding', { input_dim: VOCAB, output_dim: 12 }], ['LSTM', { units: 8 }], ['Dense', { units: 8, activation: 'softmax' }]] },
  { name: 'unmasked_lstm_pre', padding: 'pre', layers: [['Embedding', { input_dim: VOCAB, output_dim: 12 }], ['LSTM', { units: 8 }], ['Dense', { units: 8, activation: 'softmax' }]] },
  { name: 'lstm_unmasked', padding: 'pre', layers: [['Embedding', { input_dim: VOCAB, output_dim: 12 }], ['LSTM', { units: 8, return_sequences: true }], ['GlobalMaxPooling1D', {}]] },
  {
    name: 'masked_gru_stack', padding: 'pre',
    layers: [['Embedding', { input_dim: VOCAB, output_dim: 10, mask_zero: true }], ['GRU', { units: 6, return_sequences: true }], ['Dropout', { rate: 0.3 }], ['GRU', { units: 5, reset_after: false }], ['Dense', { units: 3 }]],
  },
  { name: 'gru_reset_before', padding: 'post', layers: [['Embedding', { input_dim: VOCAB, output_dim: 10 }], ['GRU', { units: 7, reset_after: false, return_sequences: true }], ['Flatten', {}]] },
  {
    name: 'rnn_activations', padding: 'post',
    layers: [['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }], ['SimpleRNN', { units: 6, activation: 'relu', return_sequences: true }], ['LSTM', { units: 5, recurrent_activation: 'hard_sigmoid', activation: 'softsign' }]],
  },
  {
    name: 'bidirectional', padding: 'pre',
    layers: [
      ['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }],
      ['Bidirectional', { layer: 'LSTM', units: 5, return_sequences: true }],
      ['Bidirectional', { layer: 'GRU', units: 4, return_sequences: true, merge_mode: 'sum' }],
      ['Bidirectional', { layer: 'SimpleRNN', units: 3, merge_mode: 'mul' }],
    ],
  },
  { name: 'bidirectional_ave_unmasked', padding: 'post', layers: [['Embedding', { input_dim: VOCAB, output_dim: 8 }], ['Bidirectional', { layer: 'GRU', units: 4, merge_mode: 'ave', reset_after: false }]] },
  {
    name: 'conv1d', padding: 'post',
    layers: [
      ['Embedding', { input_dim: VOCAB, output_dim: 8 }],
      ['Conv1D', { filters: 6, kernel_size: [3], padding: 'same', activation: 'relu' }],
      ['Conv1D', { filters: 6, kernel_size: [2], padding: 'causal', dilation_rate: [2] }],
      ['MaxPooling1D', { pool_size: [3], strides: [2], padding: 'same' }],
      ['Conv1D', { filters: 5, kernel_size: [4], strides: [2], padding: 'same', activation: 'tanh' }],
      ['AveragePooling1D', { pool_size: [2], padding: 'same' }],
      ['Conv1D', { filters: 4, kernel_size: [1], use_bias: false }],
      ['AveragePooling1D', { pool_size: [2] }],
      ['Flatten', {}],
    ],
  },
  {
    // Dropout inside the recurrent layers acts in training only (recurrent-dropout.test.ts): eval mode is tfjs' predict.
    name: 'recurrent_dropout', padding: 'pre',
    layers: [
      ['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: true }],
      ['LSTM', { units: 6, dropout: 0.3, recurrent_dropout: 0.2, return_sequences: true }],
      ['Bidirectional', { layer: 'GRU', units: 4, dropout: 0.25, recurrent_dropout: 0.25, return_sequences: true }],
      ['GRU', { units: 4, reset_after: false, recurrent_dropout: 0.4, return_sequences: true }],
      ['SimpleRNN', { units: 3, dropout: 0.5 }],
    ],
  },
  {
    name: 'masking_layer', padding: 'pre',
    layers: [['Reshape', { target_shape: [T, 1] }], ['Masking', { mask_value: 0 }], ['Dense', { units: 4, activation: 'tanh' }], ['LSTM', { units: 4 }]],
  },
];

const root = mkdtempSync(join(tmpdir(), 'layerlab-seq-parity-'));
const expected = new Map<string, { y: Float32Array; params: number; trainable: number }>();
let counts: Record<string, { total: number; trainable: number; error?: string }> = {};

/** The first N test descriptions as ids: post-padded (TextVectorization) or moved to the end (pad_sequences' pre). */
async function realText(): Promise<{ post: Float32Array; pre: Float32Array }> {
  const debian = join(DATASETS, 'debian-package-sections');
  const v = adaptVectorization((await readTextCsv(join(debian, 'train.csv'))).texts, { maxTokens: VOCAB, sequenceLength: T });
  const post = vectorize(v, (await readTextCsv(join(debian, 'test.csv'))).texts.slice(0, N)).data;
  const pre = new Float32Array(post.length);
  for (let i = 0; i < N; i++) {
    const row = post.subarray(i * T, (i + 1) * T);
    const len = row.findIndex((id) => id === 0);
    const n = len === -1 ? T : len;
    pre.set(row.subarray(0, n), i * T + T - n);
  }
  return { post, pre };
}

/** Post-padded [N, T] rows padded on to `steps` ids each. */
function padSteps(post: Float32Array, steps: number): Float32Array {
  const out = new Float32Array(N * steps);
  for (let i = 0; i < N; i++) out.set(post.subarray(i * T, (i + 1) * T), i * steps);
  return out;
}

describe.skipIf(missing !== null)('PyTorch export of sequence layers equals tfjs on real text', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    const x = await realText();
    // Some descriptions are shorter than T: both paddings put real zeros into the batch.
    expect(Array.from(x.post).filter((id) => id === 0).length).toBeGreaterThan(N);
    for (const [i, c] of CASES.entries()) {
      const steps = c.steps ?? T;
      const spec = compileGraph(c.graph ? c.graph() : sequentialGraph([null, c.steps ? null : T], c.layers!));
      const model = await buildTfjsModel(spec);
      // The four (un)masked_lstm_ cases share their weights: with the mask, where the padding sits must not matter;
      // the four (un)masked_pool_ cases too: with the mask, how much padding there is must not matter.
      randomizeWeights(model, c.name.includes('masked_lstm_') ? 42 : c.name.includes('masked_pool_') ? 43 : 500 + i);
      const input = c.name === 'masking_layer' ? x.pre.map((id) => id / VOCAB) : c.steps ? padSteps(x.post, c.steps) : x[c.padding];
      const dir = join(root, c.name);
      await exportModel({ spec, weights: namedWeights(model) }, { format: 'pytorch', outDir: dir });
      writeFileSync(join(dir, 'x.npy'), encodeNpy([N, steps], input));
      const trainable = model.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d as number), 1), 0);
      expected.set(c.name, { y: predict(model, input, [N, steps]).data, params: model.countParams(), trainable });
      model.dispose();
    }
    const out = runPython([join(REPO, 'test/integration/export/run_torch_models.py'), ...CASES.map((c) => join(root, c.name))], undefined, 240_000);
    counts = JSON.parse(out.stdout.trim().split('\n').pop()!);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(CASES.map((c) => c.name))('%s: Keras parameter count and outputs within 1e-4', (name) => {
    const dir = join(root, name);
    const e = expected.get(name)!;
    expect(counts[dir]!.error, `${name}: PyTorch failed`).toBeUndefined();
    expect(counts[dir]!.total).toBe(e.params);
    expect(counts[dir]!.trainable).toBe(e.trainable);
    const torchY = decodeNpy(readFileSync(join(dir, 'torch_y.npy')));
    const diff = maxAbsDiff(torchY.data, e.y);
    expect(diff, `${name}: max abs diff ${diff}`).toBeLessThan(1e-4);
    // Different descriptions give different outputs: an export that ignored its input would not pass.
    const width = torchY.data.length / N;
    let spread = 0;
    for (let i = 1; i < N; i++) spread = Math.max(spread, maxAbsDiff(torchY.data.subarray(0, width), torchY.data.subarray(i * width, (i + 1) * width)));
    expect(spread).toBeGreaterThan(1e-4);
  });

  it('pre- and post-padding give the same masked LSTM outputs in PyTorch (the mask skips the padding wherever it is)', () => {
    const post = decodeNpy(readFileSync(join(root, 'masked_lstm_post', 'torch_y.npy'))).data;
    const pre = decodeNpy(readFileSync(join(root, 'masked_lstm_pre', 'torch_y.npy'))).data;
    expect(maxAbsDiff(post, pre)).toBeLessThan(1e-5);
    // Without a mask the padding's place changes the result (so the check above can fail).
    const unmasked = ['post', 'pre'].map((p) => decodeNpy(readFileSync(join(root, `unmasked_lstm_${p}`, 'torch_y.npy'))).data);
    expect(maxAbsDiff(unmasked[0]!, unmasked[1]!)).toBeGreaterThan(1e-3);
  });

  it('16 and 200 ids of padding give the same masked GlobalAveragePooling1D model outputs in PyTorch (and differ unmasked)', () => {
    const torchY = (name: string) => decodeNpy(readFileSync(join(root, name, 'torch_y.npy'))).data;
    expect(maxAbsDiff(torchY(`masked_pool_${T}`), torchY(`masked_pool_${LONG}`))).toBeLessThan(1e-5);
    expect(maxAbsDiff(torchY(`unmasked_pool_${T}`), torchY(`unmasked_pool_${LONG}`))).toBeGreaterThan(1e-3);
    expect(readFileSync(join(root, `masked_pool_${T}`, 'model.py'), 'utf8')).toContain('masked_mean(');
  });
});
