/**
 * What the engine's own sequence classes compute, against references written out by hand: GRU with Keras'
 * reset_after=True (tfjs refuses it), Conv1D padding='causal' (tfjs cannot run it), and masks from an Embedding
 * with mask_zero or a Masking layer, as in Keras: recurrent layers skip the masked steps, the average pool leaves
 * them out, Dense hands the mask on and Conv1D ends it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { GraphBuilder } from '../../../shared/templates/builder';
import { buildModel } from '../../../main/engine/model';
import { initWasmAndCpu, randomArray } from './backend-compare';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function model(input: (number | null)[], layers: [string, Record<string, unknown>][]): Promise<tf.LayersModel> {
  const b = new GraphBuilder();
  let last = b.layer('InputLayer', { batch_input_shape: input });
  for (const [kind, config] of layers) last = b.layer(kind, config, [last]);
  return buildModel(compileGraph(b.build()), { seed: 1 });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('GRU reset_after=True (Keras 2/3 default)', () => {
  it('computes h = z*h + (1-z)*tanh(xWh + bh0 + r*(hUh + bh1)) with two biases', async () => {
    const d = 3;
    const u = 2;
    const steps = 3;
    const m = await model([null, steps, d], [['GRU', { units: u, reset_after: true }]]);
    const [kernel, recurrent, bias] = m.getWeights();
    expect(bias!.shape).toEqual([2, 3 * u]);
    // Non-zero biases, so that mixing up the input and recurrent bias would show.
    const W = randomArray(d * 3 * u, 5);
    const U = randomArray(u * 3 * u, 6);
    const B = randomArray(2 * 3 * u, 7);
    m.setWeights([tf.tensor(W, kernel!.shape), tf.tensor(U, recurrent!.shape), tf.tensor(B, bias!.shape)]);
    const x = randomArray(steps * d, 8);
    const got = (m.predict(tf.tensor(x, [1, steps, d])) as tf.Tensor).dataSync();

    let h = [0, 0];
    for (let t = 0; t < steps; t++) {
      const xt = x.slice(t * d, t * d + d);
      const gx = (col: number) => xt.reduce((s, v, i) => s + v * W[i * 3 * u + col]!, 0) + B[col]!;
      const gh = (col: number) => h.reduce((s, v, i) => s + v * U[i * 3 * u + col]!, 0) + B[3 * u + col]!;
      const next = [];
      for (let j = 0; j < u; j++) {
        const z = sigmoid(gx(j) + gh(j));
        const r = sigmoid(gx(u + j) + gh(u + j));
        const hh = Math.tanh(gx(2 * u + j) + r * gh(2 * u + j));
        next.push(z * h[j]! + (1 - z) * hh);
      }
      h = next;
    }
    expect(Array.from(got)).toEqual(h.map((v) => expect.closeTo(v, 5)));
    m.dispose();
  });
});

describe("Conv1D padding='causal'", () => {
  it('pads dilation*(kernel-1) steps on the left: output t sees only inputs <= t', async () => {
    const m = await model([null, 8, 1], [['Conv1D', { filters: 1, kernel_size: [2], dilation_rate: [2], padding: 'causal', use_bias: false }]]);
    m.setWeights([tf.tensor([10, 1], [2, 1, 1])]);
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = Array.from((m.predict(tf.tensor(x, [1, 8, 1])) as tf.Tensor).dataSync());
    // y[t] = 10 * x[t - 2] + 1 * x[t], with x[<0] = 0.
    expect(y).toEqual(x.map((v, t) => 10 * (x[t - 2] ?? 0) + v));
    m.dispose();
  });
});

describe('masks propagate as in Keras', () => {
  it('an LSTM after Embedding(mask_zero) gives the same output for [0, 0, 5, 7] as for [5, 7]', async () => {
    const m = await model([null, null], [['Embedding', { input_dim: 10, output_dim: 4, mask_zero: true }], ['LSTM', { units: 3 }]]);
    const padded = (m.predict(tf.tensor([[0, 0, 5, 7]])) as tf.Tensor).dataSync();
    const plain = (m.predict(tf.tensor([[5, 7]])) as tf.Tensor).dataSync();
    expect(Array.from(padded)).toEqual(Array.from(plain).map((v) => expect.closeTo(v, 6)));
    // Without the mask the padding changes the result (the check above can fail).
    const unmasked = await model([null, null], [['Embedding', { input_dim: 10, output_dim: 4 }], ['LSTM', { units: 3 }]]);
    const a = (unmasked.predict(tf.tensor([[0, 0, 5, 7]])) as tf.Tensor).dataSync();
    const b = (unmasked.predict(tf.tensor([[5, 7]])) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-4);
    m.dispose();
    unmasked.dispose();
  });

  it('Masking(0) skips the all-zero steps: a SimpleRNN computes h = tanh(x W + h U + b) over the kept steps only, by hand', async () => {
    const m = await model([null, 4, 2], [['Masking', { mask_value: 0 }], ['SimpleRNN', { units: 2 }]]);
    const W = [0.5, -0.3, 0.8, 0.2];
    const U = [0.1, 0.4, -0.6, 0.3];
    const B = [0.05, -0.1];
    m.setWeights([tf.tensor(W, [2, 2]), tf.tensor(U, [2, 2]), tf.tensor(B, [2])]);
    // Steps 0 and 2 are all zeros (masked); a step with one zero feature is kept.
    const x = [0, 0, 1, 2, 0, 0, 0, -1];
    const got = Array.from((m.predict(tf.tensor(x, [1, 4, 2])) as tf.Tensor).dataSync());
    let h = [0, 0];
    for (const t of [1, 3]) {
      const xt = x.slice(t * 2, t * 2 + 2);
      h = [0, 1].map((j) => Math.tanh(xt[0]! * W[j]! + xt[1]! * W[2 + j]! + h[0]! * U[j]! + h[1]! * U[2 + j]! + B[j]!));
    }
    expect(got).toEqual(h.map((v) => expect.closeTo(v, 5)));
    m.dispose();
  });

  it('GlobalAveragePooling1D after Masking averages the kept steps only (Keras: sum(x * mask) / sum(mask))', async () => {
    const m = await model([null, 4, 2], [['Masking', { mask_value: 0 }], ['GlobalAveragePooling1D', {}]]);
    const got = Array.from((m.predict(tf.tensor([0, 0, 1, 2, 0, 0, 3, -1], [1, 4, 2])) as tf.Tensor).dataSync());
    expect(got).toEqual([2, 0.5].map((v) => expect.closeTo(v, 6)));
    m.dispose();
  });

  it('Dense, LeakyReLU and ELU hand the mask on (Keras: supports_masking), Conv1D ends it (Keras drops it with a warning)', async () => {
    const lstmAfter = async (middle: [string, Record<string, unknown>]) => {
      const m = await model([null, null], [['Embedding', { input_dim: 10, output_dim: 4, mask_zero: true }], middle, ['LSTM', { units: 3 }]]);
      const padded = Array.from((m.predict(tf.tensor([[0, 0, 5, 7]])) as tf.Tensor).dataSync());
      const plain = Array.from((m.predict(tf.tensor([[5, 7]])) as tf.Tensor).dataSync());
      m.dispose();
      return Math.max(...padded.map((v, i) => Math.abs(v - plain[i]!)));
    };
    expect(await lstmAfter(['Dense', { units: 4, activation: 'tanh' }])).toBeLessThan(1e-6);
    // tfjs' own LeakyReLU and ELU dropped it; Keras' hand it on (engine/layers/mask-passing-activations.ts).
    expect(await lstmAfter(['LeakyReLU', {}])).toBeLessThan(1e-6);
    expect(await lstmAfter(['ELU', {}])).toBeLessThan(1e-6);
    expect(await lstmAfter(['Conv1D', { filters: 4, kernel_size: [1] }])).toBeGreaterThan(1e-4);
  });

  /** An LSTM after `merge` of two Embeddings of the same ids: max |padded - plain| over [0, 0, 5, 7] and [5, 7]. */
  async function mergedPaddingEffect(merge: string, maskZero: [boolean, boolean]): Promise<number> {
    const b = new GraphBuilder();
    const ids = b.layer('InputLayer', { batch_input_shape: [null, null] });
    const embedded = maskZero.map((mask_zero) => b.layer('Embedding', { input_dim: 10, output_dim: 4, mask_zero }, [ids]));
    b.layer('LSTM', { units: 3 }, [b.layer(merge, {}, embedded)]);
    const m = await buildModel(compileGraph(b.build()), { seed: 1 });
    const padded = Array.from((m.predict(tf.tensor([[0, 0, 5, 7]])) as tf.Tensor).dataSync());
    const plain = Array.from((m.predict(tf.tensor([[5, 7]])) as tf.Tensor).dataSync());
    m.dispose();
    return Math.max(...padded.map((v, i) => Math.abs(v - plain[i]!)));
  }

  it('merges combine masks as Keras 3 does (tfjs failed on Add of two masked sequences)', async () => {
    for (const merge of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']) {
      expect(await mergedPaddingEffect(merge, [true, true]), merge).toBeLessThan(1e-6);
    }
    // Add of a masked and an unmasked sequence carries no mask; Concatenate keeps every step an input keeps, and the
    // unmasked input keeps them all: the padding reaches the LSTM either way.
    expect(await mergedPaddingEffect('Add', [true, false])).toBeGreaterThan(1e-4);
    expect(await mergedPaddingEffect('Concatenate', [true, false])).toBeGreaterThan(1e-4);
  });
});

describe("merged values where only some inputs mask a step (Keras 3's multiply.py, base_merge.py)", () => {
  /** `merge` of a Masking(0) input and a second input (masked too when `bothMasked`), both [1, 3, 1]; its values. */
  async function merged(merge: string, a: number[], b: number[], bothMasked: boolean): Promise<number[]> {
    const g = new GraphBuilder();
    const inputs = [0, 1].map(() => g.layer('InputLayer', { batch_input_shape: [null, 3, 1] }));
    const first = g.layer('Masking', { mask_value: 0 }, [inputs[0]!]);
    const second = bothMasked ? g.layer('Masking', { mask_value: 0 }, [inputs[1]!]) : inputs[1]!;
    g.layer(merge, {}, [first, second]);
    const m = await buildModel(compileGraph(g.build()), { seed: 1 });
    const out = Array.from((m.predict([tf.tensor(a, [1, 3, 1]), tf.tensor(b, [1, 3, 1])]) as tf.Tensor).dataSync());
    m.dispose();
    return out;
  }

  it('both masked: Multiply reads a masked entry as 1, Maximum/Minimum take the other input there (tfjs: the raw zeros)', async () => {
    // Step 1 masked in the first input, step 2 in the second; raw values would give [2, 0, 0], [2, 0, 3], [1, -5, 0].
    expect(await merged('Multiply', [1, 0, 3], [2, -5, 0], true)).toEqual([2, -5, 3]);
    expect(await merged('Maximum', [1, 0, 3], [2, -5, 0], true)).toEqual([2, -5, 3]);
    expect(await merged('Minimum', [1, 0, 3], [2, -5, 0], true)).toEqual([1, -5, 3]);
    // A step both inputs mask: Multiply gives 0 (Keras zeroes it where the OR of the masks is false).
    expect(await merged('Multiply', [1, 0, 3], [2, 0, 4], true)).toEqual([2, 0, 12]);
    // Add and the like merge the raw values.
    expect(await merged('Add', [1, 0, 3], [2, -5, 0], true)).toEqual([3, -5, 3]);
  });

  it('one input masked: its masked steps count as 1 in Multiply and as the other input in Maximum/Minimum', async () => {
    // Raw values would give [2, 0, 12], [2, 0, 4], [1, 0, 3].
    expect(await merged('Multiply', [1, 0, 3], [2, -5, 4], false)).toEqual([2, -5, 12]);
    expect(await merged('Maximum', [1, 0, 3], [2, -5, 4], false)).toEqual([2, -5, 4]);
    expect(await merged('Minimum', [1, 0, 3], [2, 5, 4], false)).toEqual([1, 5, 3]);
  });

  it.each(['cpu', 'wasm'])('gradients flow through the masked merge in training (%s)', async (backend) => {
    await initWasmAndCpu(); // wasm with Layerlab's kernels (the Embedding gradient's UnsortedSegmentSum)
    await tf.setBackend(backend);
    const g = new GraphBuilder();
    const ids = g.layer('InputLayer', { batch_input_shape: [null, 4] });
    const embedded = g.layer('Embedding', { input_dim: 10, output_dim: 3, mask_zero: true }, [ids]);
    const plain = g.layer('Embedding', { input_dim: 10, output_dim: 3 }, [ids]);
    g.layer('Dense', { units: 1 }, [g.layer('GlobalAveragePooling1D', {}, [g.layer('Maximum', {}, [g.layer('Multiply', {}, [embedded, plain]), plain])])]);
    const m = await buildModel(compileGraph(g.build()), { seed: 1 });
    m.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    await m.fit(tf.tensor([[0, 0, 5, 7], [0, 3, 2, 1]]), tf.tensor([[1], [-1]]), { epochs: 1, verbose: 0 });
    const after = m.getWeights().map((w) => Array.from(w.dataSync()));
    // Both embeddings learn (their rows for the ids seen change).
    for (const i of [0, 1]) expect(Math.max(...after[i]!.map((v, j) => Math.abs(v - before[i]![j]!)))).toBeGreaterThan(1e-6);
    m.dispose();
    await tf.setBackend('cpu');
  });
});
