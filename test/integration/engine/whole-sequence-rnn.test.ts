/**
 * The whole-sequence LSTM and GRU (reset_after=True) on wasm (kernels/lstm-sequence.ts, gru-sequence.ts, through
 * layers/fused-lstm.ts, fused-gru.ts) against tfjs' own step loops on the cpu backend (tfjs' LSTM layer; our
 * KerasGRU's cell, checked against hand-written math in sequence-semantics.test.ts): outputs and the gradients of
 * the input, kernel, recurrent kernel and bias within 1e-4, with and without a mask (leading, inner and trailing
 * padding, and a row with every step masked), every step or the last one, go_backwards, no bias, and units that are
 * not a multiple of 4; then whole models (Embedding with mask_zero, Bidirectional) built from their Keras config as
 * training builds them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../main/engine/model';
import { lstmSequenceCalls } from '../../../main/engine/kernels/lstm-sequence';
import { gruSequenceCalls } from '../../../main/engine/kernels/gru-sequence';
import { fusedLstmAvailable, lstmSequence } from '../../../main/engine/layers/fused-lstm';
import { gruSequence } from '../../../main/engine/layers/fused-gru';
import { KerasGRU } from '../../../main/engine/layers/keras-gru';
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

type Kind = 'LSTM' | 'GRU';
interface Case { units: number; returnSequences: boolean; mask: boolean; goBackwards?: boolean; useBias?: boolean }
type Result = { out: Float32Array; grads: Float32Array[] };

/** x, kernel, recurrent kernel and bias (LSTM [4U]; GRU [2, 3U]: input and recurrent rows), the same on each side. */
function values(kind: Kind, c: Case): tf.Tensor[] {
  const [u, g] = [c.units, kind === 'LSTM' ? 4 : 3];
  const biasShape = kind === 'LSTM' ? [4 * u] : [2, 3 * u];
  return [
    tf.tensor(randomArray(B * T * D, 1), [B, T, D]),
    tf.tensor(randomArray(D * g * u, 2), [D, g * u]).mul(0.6),
    tf.tensor(randomArray(u * g * u, 3), [u, g * u]).mul(0.6),
    ...(c.useBias === false ? [] : [tf.tensor(randomArray(g * u * (kind === 'LSTM' ? 1 : 2), 4), biasShape)]),
  ];
}

/** Output and the gradients of sum(y * r) for the given variables, y computed by `run`. */
function differentiate(c: Case, vars: tf.Variable[], run: (mask: tf.Tensor | null) => tf.Tensor): Result {
  const mask = c.mask ? tf.tensor2d(MASK.flat(), [B, T], 'bool') : null;
  const r = tf.tensor(randomArray(B * (c.returnSequences ? T : 1) * c.units, 5), c.returnSequences ? [B, T, c.units] : [B, c.units]);
  let out: Float32Array = new Float32Array();
  const { grads } = tf.variableGrads(() => {
    const y = run(mask);
    out = y.dataSync() as Float32Array;
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  }, vars);
  const res = { out, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  tf.dispose([r, ...Object.values(grads), ...(mask ? [mask] : [])]);
  return res;
}

/** The whole-sequence op on wasm. */
async function fused(kind: Kind, c: Case): Promise<Result> {
  await tf.setBackend('wasm');
  expect(fusedLstmAvailable()).toBe(true);
  const vars = values(kind, c).map((v) => tf.variable(v));
  const [x, w, u, b] = vars as unknown as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor | undefined];
  const options = { returnSequences: c.returnSequences, goBackwards: c.goBackwards };
  const res = differentiate(c, vars, (mask) =>
    kind === 'LSTM' ? lstmSequence(x, w, u, (b as tf.Tensor1D | undefined) ?? null, mask, options) : gruSequence(x, w, u, (b as tf.Tensor2D | undefined) ?? null, mask, options),
  );
  tf.dispose(vars);
  return res;
}

/** tfjs' own step loop on cpu: the layer's variables get the same values, their gradients are read back in order. */
async function reference(kind: Kind, c: Case): Promise<Result> {
  await tf.setBackend('cpu');
  const args = { units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards ?? false, useBias: c.useBias ?? true, recurrentActivation: 'sigmoid' as const };
  const layer = kind === 'LSTM' ? tf.layers.lstm(args) : new KerasGRU({ ...args, resetAfter: true });
  const [xValue, ...weights] = values(kind, c);
  const x = tf.variable(xValue!);
  // Built by a first call, as a model builds it (build() alone leaves it to be built again).
  tf.dispose(layer.apply(x) as tf.Tensor);
  layer.setWeights(weights);
  const vars = [x, ...layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)];
  const res = differentiate(c, vars, (mask) => layer.apply(x, mask ? { mask } : {}) as tf.Tensor);
  tf.dispose([x, xValue!, ...weights]);
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

const calls = (kind: Kind) => (kind === 'LSTM' ? lstmSequenceCalls : gruSequenceCalls);

describe.each(['LSTM', 'GRU'] as Kind[])('the whole-sequence %s on wasm against tfjs\' step loop on cpu', (kind) => {
  it.each(cases)('%s: output and gradients of x, W, U, b within 1e-4', async (_, c) => {
    const want = await reference(kind, c);
    const before = { ...calls(kind) };
    const got = await fused(kind, c);
    expect(calls(kind).forward - before.forward).toBe(1);
    expect(calls(kind).backward - before.backward).toBe(1);
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

describe('LSTM and GRU layers of built models take the whole-sequence path on wasm', () => {
  const models: [string, string, Record<string, unknown>, Kind, number][] = [
    ['LSTM after a mask_zero Embedding', 'LSTM', { units: 5 }, 'LSTM', 1],
    ['LSTM every step', 'LSTM', { units: 5, return_sequences: true }, 'LSTM', 1],
    ['Bidirectional LSTM after a mask_zero Embedding', 'Bidirectional', { units: 3 }, 'LSTM', 2],
    ['Bidirectional LSTM mul', 'Bidirectional', { layer: 'LSTM', units: 3, merge_mode: 'mul' }, 'LSTM', 2],
    ['GRU after a mask_zero Embedding', 'GRU', { units: 5 }, 'GRU', 1],
    ['GRU no bias', 'GRU', { units: 4, use_bias: false }, 'GRU', 1],
    ['Bidirectional GRU sum', 'Bidirectional', { layer: 'GRU', units: 4, merge_mode: 'sum' }, 'GRU', 2],
  ];
  it.each(models)('%s: whole-model gradients equal cpu', async (title, kind, config, rnn, layers) => {
    const spec = specFor(title, kind, config);
    const before = { ...calls(rnn) };
    const got = await gradients('wasm', spec, kind);
    expect(calls(rnn).forward - before.forward).toBe(layers);
    expect(calls(rnn).backward - before.backward).toBe(layers);
    const want = await gradients('cpu', spec, kind);
    expect(calls(rnn).forward - before.forward, 'cpu keeps tfjs\' own loop').toBe(layers);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, g] of want) expect(relError(got.get(name)!, g), name).toBeLessThan(1e-4);
  });

  it('GRU reset_after=false keeps tfjs\' own cell (the kernel computes reset_after=True only)', async () => {
    const spec = specFor('GRU reset_after=false', 'GRU', { units: 5, reset_after: false });
    const before = gruSequenceCalls.forward;
    const got = await gradients('wasm', spec, 'GRU');
    expect(gruSequenceCalls.forward).toBe(before);
    const want = await gradients('cpu', spec, 'GRU');
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
