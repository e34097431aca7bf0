/**
 * The whole-sequence LSTM on wasm (kernels/lstm-sequence.ts through layers/fused-lstm.ts) against tfjs' own LSTM
 * layer on the cpu backend: outputs and the gradients of the input, kernel, recurrent kernel and bias within 1e-4,
 * with and without a mask (leading, inner and trailing padding, and a row with every step masked), every step or
 * the last one, go_backwards, no bias, and units that are not a multiple of 4; then whole models with an Embedding
 * (mask_zero) and a Bidirectional LSTM, built from their Keras config as training builds them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../main/engine/model';
import { lstmSequenceCalls } from '../../../main/engine/kernels/lstm-sequence';
import { fusedLstmAvailable, lstmSequence } from '../../../main/engine/layers/fused-lstm';
import { initWasmAndCpu, randomArray, relError } from './backend-compare';
import { gradients, inputFor, specFor } from './layer-models';

beforeAll(initWasmAndCpu);

const [B, T, D] = [4, 7, 6];
/** Row 0 padded at the start, row 1 in the middle, row 2 at the end, row 3 entirely (its output stays 0). */
const MASK = [
  [0, 0, 1, 1, 1, 1, 1],
  [1, 1, 0, 1, 0, 1, 1],
  [1, 1, 1, 1, 1, 0, 0],
  [0, 0, 0, 0, 0, 0, 0],
];

interface Case { units: number; returnSequences: boolean; mask: boolean; goBackwards?: boolean; useBias?: boolean }

type Result = { out: Float32Array; grads: Float32Array[] };

/** Output and [dx, dW, dU, db] of sum(lstm(x) * r) on one backend, the LSTM computed by `run`. */
async function lstmGradients(backend: string, c: Case, run: (x: tf.Tensor3D, w: tf.Variable[], mask: tf.Tensor | null) => tf.Tensor): Promise<Result> {
  await tf.setBackend(backend);
  const u = c.units;
  const vars = [
    tf.variable(tf.tensor(randomArray(B * T * D, 1), [B, T, D])),
    tf.variable(tf.tensor(randomArray(D * 4 * u, 2), [D, 4 * u]).mul(0.6)),
    tf.variable(tf.tensor(randomArray(u * 4 * u, 3), [u, 4 * u]).mul(0.6)),
    ...(c.useBias === false ? [] : [tf.variable(tf.tensor(randomArray(4 * u, 4), [4 * u]))]),
  ];
  const mask = c.mask ? tf.tensor2d(MASK.flat(), [B, T], 'bool') : null;
  const r = tf.tensor(randomArray(B * (c.returnSequences ? T : 1) * u, 5), c.returnSequences ? [B, T, u] : [B, u]);
  let out: Float32Array = new Float32Array();
  const { grads } = tf.variableGrads(() => {
    const y = run(vars[0] as tf.Variable as unknown as tf.Tensor3D, vars.slice(1), mask);
    out = y.dataSync() as Float32Array;
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  }, vars);
  const res = { out, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  tf.dispose([...vars, r, ...Object.values(grads), ...(mask ? [mask] : [])]);
  return res;
}

/** tfjs' own LSTM layer on cpu: its variables are set from w, and their gradients read back in w's order. */
async function reference(c: Case): Promise<Result> {
  await tf.setBackend('cpu');
  const u = c.units;
  const layer = tf.layers.lstm({ units: u, returnSequences: c.returnSequences, goBackwards: c.goBackwards ?? false, useBias: c.useBias ?? true, recurrentActivation: 'sigmoid' });
  const x = tf.variable(tf.tensor(randomArray(B * T * D, 1), [B, T, D]));
  // Built by a first call, as a model builds it (build() alone leaves it to be built again).
  tf.dispose(layer.apply(x) as tf.Tensor);
  const weights = [
    tf.tensor(randomArray(D * 4 * u, 2), [D, 4 * u]).mul(0.6),
    tf.tensor(randomArray(u * 4 * u, 3), [u, 4 * u]).mul(0.6),
    ...(c.useBias === false ? [] : [tf.tensor(randomArray(4 * u, 4), [4 * u])]),
  ];
  layer.setWeights(weights);
  const mask = c.mask ? tf.tensor2d(MASK.flat(), [B, T], 'bool') : null;
  const r = tf.tensor(randomArray(B * (c.returnSequences ? T : 1) * u, 5), c.returnSequences ? [B, T, u] : [B, u]);
  let out: Float32Array = new Float32Array();
  const vars = [x, ...layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)];
  const { grads } = tf.variableGrads(() => {
    const y = layer.apply(x, mask ? { mask } : {}) as tf.Tensor;
    out = y.dataSync() as Float32Array;
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  }, vars);
  const res = { out, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  tf.dispose([x, ...weights, r, ...Object.values(grads), ...(mask ? [mask] : [])]);
  layer.dispose();
  return res;
}

const cases: [string, Case][] = [
  ['last step, no mask', { units: 8, returnSequences: false, mask: false }],
  ['every step, no mask', { units: 8, returnSequences: true, mask: false }],
  ['last step, masked', { units: 8, returnSequences: false, mask: true }],
  ['every step, masked', { units: 8, returnSequences: true, mask: true }],
  ['5 units (not a multiple of 4), masked', { units: 5, returnSequences: true, mask: true }],
  ['go_backwards, masked, last step', { units: 4, returnSequences: false, mask: true, goBackwards: true }],
  ['go_backwards, every step', { units: 3, returnSequences: true, mask: false, goBackwards: true }],
  ['no bias, masked', { units: 4, returnSequences: false, mask: true, useBias: false }],
];

describe('LayerlabLSTMSequence on wasm against tfjs\' LSTM on cpu', () => {
  it.each(cases)('%s: output and gradients of x, W, U, b within 1e-4', async (_, c) => {
    const want = await reference(c);
    const before = { ...lstmSequenceCalls };
    const got = await lstmGradients('wasm', c, (x, [w, u, b], mask) => {
      expect(fusedLstmAvailable()).toBe(true);
      return lstmSequence(x, w as tf.Tensor2D, u as tf.Tensor2D, (b as tf.Tensor1D | undefined) ?? null, mask, { returnSequences: c.returnSequences, goBackwards: c.goBackwards });
    });
    expect(lstmSequenceCalls.forward - before.forward).toBe(1);
    expect(lstmSequenceCalls.backward - before.backward).toBe(1);
    expect(got.out.length).toBe(want.out.length);
    expect(relError(got.out, want.out), 'output').toBeLessThan(1e-4);
    expect(got.grads.length).toBe(want.grads.length);
    ['x', 'kernel', 'recurrent kernel', 'bias'].slice(0, want.grads.length).forEach((name, i) => {
      expect(relError(got.grads[i]!, want.grads[i]!), name).toBeLessThan(1e-4);
    });
    if (c.mask && c.returnSequences) {
      // Row 3 is masked at every step: tfjs keeps its zero initial state, and so must the kernel.
      const row3 = got.out.subarray(3 * T * c.units);
      expect(Math.max(...Array.from(row3, Math.abs))).toBe(0);
    }
  });
});

describe('LSTM layers of built models take the whole-sequence path on wasm', () => {
  const models: [string, string, Record<string, unknown>, number][] = [
    ['LSTM after a mask_zero Embedding', 'LSTM', { units: 5 }, 1],
    ['LSTM every step', 'LSTM', { units: 5, return_sequences: true }, 1],
    ['Bidirectional LSTM after a mask_zero Embedding', 'Bidirectional', { units: 3 }, 2],
    ['Bidirectional LSTM mul', 'Bidirectional', { layer: 'LSTM', units: 3, merge_mode: 'mul' }, 2],
  ];
  it.each(models)('%s: whole-model gradients equal cpu', async (title, kind, config, layers) => {
    const spec = specFor(title, kind, config);
    const before = { ...lstmSequenceCalls };
    const got = await gradients('wasm', spec, kind);
    expect(lstmSequenceCalls.forward - before.forward).toBe(layers);
    expect(lstmSequenceCalls.backward - before.backward).toBe(layers);
    const want = await gradients('cpu', spec, kind);
    expect(lstmSequenceCalls.forward - before.forward, 'cpu keeps tfjs\' own loop').toBe(layers);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, g] of want) expect(relError(got.get(name)!, g), name).toBeLessThan(1e-4);
  });

  it('an LSTM with dropout keeps tfjs\' loop while training (its masks are random) and takes the kernel to predict', async () => {
    await tf.setBackend('wasm');
    const model = await buildModel(specFor('LSTM with dropout', 'LSTM', { units: 4, dropout: 0.3, recurrent_dropout: 0.3 }), { seed: 3 });
    const before = lstmSequenceCalls.forward;
    tf.dispose(model.apply(inputFor('LSTM'), { training: true }) as tf.Tensor);
    expect(lstmSequenceCalls.forward).toBe(before);
    tf.dispose(model.predict(inputFor('LSTM')) as tf.Tensor);
    expect(lstmSequenceCalls.forward).toBe(before + 1);
    model.dispose();
  });
});
