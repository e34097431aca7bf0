/**
 * The recurrent part of an LSTM layer over a whole sequence, as two kernels of our own on wasm (forward and its
 * gradient), called by layers/keras-lstm.ts. tfjs-layers runs an LSTM as a JavaScript loop of ~17 ops per time step
 * (two products, an add, a split, four activations, five products and sums, masks), each allocating its output,
 * and its gradient as the same number of taped ops backwards; for the imdb-lstm template (200 steps) that is ~8,000
 * kernel calls a batch, and unstacking the input alone cost 70 ms. Here the input projection x·W + b of every step
 * is one product before the loop (the layer does it with tfjs ops), and the loop is one kernel: per step one SIMD
 * product h·U (simd/gemm-code.ts, straight on the heap) and the gate arithmetic in place, writing the states and
 * the activated gates that the gradient reads. Its gradient walks the steps backwards the same way and returns the
 * pre-activation gate gradients dZ of every step; the weight and input gradients are then three large products.
 *
 * Keras' gate order (i, f, c, o), sigmoid gates and tanh activations (the layer checks; others keep tfjs' loop).
 * Masked steps carry h and c over (tfjs' rnn(): out = m·new + (1-m)·old, with m 0 or 1), so a masked step's output
 * is the previous h and its gates get no gradient.
 *
 * LayerlabLSTMSequence  inputs {xw [B,T,4U], recurrentKernel [U,4U], mask? [B,T] float 0/1}
 *                       -> [h [B,T,U], c [B,T,U], gates [B,T,4U]] (gates after their activations)
 * LayerlabLSTMSequenceGrad  inputs {dh [B,T,U] or [B,U] (the last step's alone), recurrentKernel, h, c, gates, mask?}
 *                       -> [dz [B,T,4U], hPrev [B,T,U]] (hPrev: the h each step started from, for dU = hPrevᵀ·dz)
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { backendMemory, makeOutput, offsetOf } from './simd/module';
import { Scratch, checkSequenceInputs, sigmoid, recurrentBackward } from './recurrent-common';
import type { KernelArgs } from './recurrent-common';
import { runnerFor, simdCalls } from './simd/gemm';

export const LSTM_SEQUENCE = 'LayerlabLSTMSequence';
export const LSTM_SEQUENCE_GRAD = 'LayerlabLSTMSequenceGrad';

/** How many sequences each kernel ran (tests check that a layer took this path, not tfjs' loop). */
export const lstmSequenceCalls = { forward: 0, backward: 0 };

export function lstmSequenceWasm(backend: KernelBackend) {
  return ({ inputs }: KernelArgs): TensorInfo[] => {
    const { xw, recurrentKernel, mask } = inputs as { xw: TensorInfo; recurrentKernel: TensorInfo; mask?: TensorInfo };
    const [b, t, u4] = xw.shape as [number, number, number];
    const u = u4 / 4;
    checkSequenceInputs(LSTM_SEQUENCE, inputs, [b, t, u], 4);
    lstmSequenceCalls.forward++;
    const r = runnerFor(backend);
    const h = makeOutput(backend, [b, t, u]);
    const c = makeOutput(backend, [b, t, u]);
    const gates = makeOutput(backend, [b, t, u4]);
    const scratch = new Scratch(backend);
    try {
      // The h each step starts from, contiguous for the product, and that product.
      const hState = scratch.zeros(b * u);
      const product = scratch.zeros(b * u4);
      const at = (x: TensorInfo) => offsetOf(backend, x) / 4;
      const [XW, H, C, G, M, HS, P] = [at(xw), at(h), at(c), at(gates), mask ? at(mask) : -1, hState / 4, product / 4];
      const ukAt = offsetOf(backend, recurrentKernel);
      // Every allocation is done: the heap cannot grow (and move) under this view.
      const heap = new Float32Array(backendMemory(backend).buffer);
      for (let s = 0; s < t; s++) {
        if (s > 0) {
          simdCalls.nn++;
          r.exports.nn(hState, ukAt, product, 0, b, u, u4, 0, 0, b);
        }
        for (let i = 0; i < b; i++) {
          const row = i * t + s;
          const on = M < 0 || heap[M + row] !== 0;
          const z = XW + row * u4;
          const g = G + row * u4;
          const p = P + i * u4;
          const prevC = s > 0 ? C + row * u - u : -1;
          const hs = HS + i * u;
          for (let j = 0; j < u; j++) {
            const gi = sigmoid(heap[z + j]! + (s > 0 ? heap[p + j]! : 0));
            const gf = sigmoid(heap[z + u + j]! + (s > 0 ? heap[p + u + j]! : 0));
            const gc = Math.tanh(heap[z + 2 * u + j]! + (s > 0 ? heap[p + 2 * u + j]! : 0));
            const go = sigmoid(heap[z + 3 * u + j]! + (s > 0 ? heap[p + 3 * u + j]! : 0));
            heap[g + j] = gi;
            heap[g + u + j] = gf;
            heap[g + 2 * u + j] = gc;
            heap[g + 3 * u + j] = go;
            const cPrev = prevC < 0 ? 0 : heap[prevC + j]!;
            if (on) {
              const cNew = gf * cPrev + gi * gc;
              heap[C + row * u + j] = cNew;
              heap[hs + j] = go * Math.tanh(Math.fround(cNew));
            } else {
              heap[C + row * u + j] = cPrev;
            }
            heap[H + row * u + j] = heap[hs + j]!;
          }
        }
      }
    } finally {
      scratch.dispose();
    }
    return [h, c, gates];
  };
}

export function lstmSequenceGradWasm(backend: KernelBackend) {
  return ({ inputs }: KernelArgs): TensorInfo[] => {
    lstmSequenceCalls.backward++;
    const t = inputs.h!.shape[1]!;
    return recurrentBackward(backend, LSTM_SEQUENCE_GRAD, inputs, 4, [4 * inputs.h!.shape[2]!], (f, i, row, dy, on) => {
      const { heap, u } = f;
      const [C, z, g, zs] = [f.input.c! + row * u, f.outputs[0]! + row * 4 * u, f.input.gates! + row * 4 * u, f.step + i * 4 * u];
      const [dhn, dcn] = [f.dhNext + i * u, f.stateNext + i * u];
      // c of the step before (zero before the first).
      const prevC = row % t > 0 ? C - u : -1;
      for (let j = 0; j < u; j++) {
        const dhT = heap[dhn + j]! + (dy < 0 ? 0 : heap[dy + j]!);
        if (!on) {
          // Carried over: h and c pass their gradients to the previous step unchanged, the gates get none.
          heap[z + j] = heap[z + u + j] = heap[z + 2 * u + j] = heap[z + 3 * u + j] = 0;
          heap[dhn + j] = dhT;
          continue;
        }
        const gi = heap[g + j]!;
        const gf = heap[g + u + j]!;
        const gc = heap[g + 2 * u + j]!;
        const go = heap[g + 3 * u + j]!;
        const tc = Math.tanh(heap[C + j]!);
        const dc = heap[dcn + j]! + dhT * go * (1 - tc * tc);
        const cPrev = prevC < 0 ? 0 : heap[prevC + j]!;
        heap[z + j] = dc * gc * gi * (1 - gi);
        heap[z + u + j] = dc * cPrev * gf * (1 - gf);
        heap[z + 2 * u + j] = dc * gi * (1 - gc * gc);
        heap[z + 3 * u + j] = dhT * tc * go * (1 - go);
        heap[dcn + j] = dc * gf;
        // The recurrent part is added from the product after the step.
        heap[dhn + j] = 0;
      }
      heap.copyWithin(zs, z, z + 4 * u);
    });
  };
}
