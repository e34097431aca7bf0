/**
 * The recurrent part of a GRU layer with Keras' reset_after=True (layers/keras-gru.ts) over a whole sequence, as two
 * kernels on wasm, built like lstm-sequence.ts (see there why): the input projection x·W + b_in of every step is one
 * product before the loop, and per step one SIMD product h·U + b_rec, then the gate arithmetic in place:
 *   z = σ(xz + hz), r = σ(xr + hr), q = hh (h·Uh + bh_rec), n = tanh(xh + r·q), h' = z·h + (1-z)·n
 * Masked steps carry h over (tfjs' rnn()); their gates get no gradient.
 *
 * LayerlabGRUSequence  inputs {xw [B,T,3U], recurrentKernel [U,3U], recurrentBias? [3U], mask? [B,T] float 0/1}
 *                      -> [h [B,T,U], gates [B,T,4U] (z, r, n, q)]
 * LayerlabGRUSequenceGrad  inputs {dh [B,T,U] or [B,U] (the last step's alone), recurrentKernel, h, gates, mask?}
 *                      -> [dx [B,T,3U] (gradient of x·W + b_in), dr [B,T,3U] (of h·U + b_rec), hPrev [B,T,U]]
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { backendMemory, makeOutput, offsetOf } from './simd/module';
import { runnerFor, simdCalls } from './simd/gemm';
import { Scratch, checkSequenceInputs, sigmoid, paddedUnits, recurrentBackward } from './recurrent-common';
import type { KernelArgs } from './recurrent-common';

export const GRU_SEQUENCE = 'LayerlabGRUSequence';
export const GRU_SEQUENCE_GRAD = 'LayerlabGRUSequenceGrad';

/** How many sequences each kernel ran (tests check that a layer took this path, not tfjs' loop). */
export const gruSequenceCalls = { forward: 0, backward: 0 };

export function gruSequenceWasm(backend: KernelBackend) {
  return ({ inputs }: KernelArgs): TensorInfo[] => {
    const { xw, recurrentKernel, recurrentBias, mask } = inputs as Record<string, TensorInfo> & { recurrentBias?: TensorInfo; mask?: TensorInfo };
    const [b, t, u3] = xw!.shape as [number, number, number];
    const u = u3 / 3;
    checkSequenceInputs(GRU_SEQUENCE, inputs, [b, t, u], 3);
    gruSequenceCalls.forward++;
    const r = runnerFor(backend);
    const h = makeOutput(backend, [b, t, u]);
    const gates = makeOutput(backend, [b, t, 4 * u]);
    const scratch = new Scratch(backend);
    try {
      // The product's N must be a multiple of 4: with 3U not one, U and the bias are copied with zero columns added.
      const n = paddedUnits(u3);
      const hState = scratch.zeros(b * u);
      const product = scratch.zeros(b * n);
      const at = (x: TensorInfo) => offsetOf(backend, x) / 4;
      const [XW, H, G, M, HS, P] = [at(xw!), at(h), at(gates), mask ? at(mask) : -1, hState / 4, product / 4];
      let [ukAt, biasAt] = [offsetOf(backend, recurrentKernel!), recurrentBias ? offsetOf(backend, recurrentBias) : 0];
      let heap = new Float32Array(backendMemory(backend).buffer);
      if (n !== u3) {
        const [uk, bias] = [scratch.zeros(u * n), recurrentBias ? scratch.zeros(n) : 0];
        heap = new Float32Array(backendMemory(backend).buffer);
        for (let k = 0; k < u; k++) heap.copyWithin(uk / 4 + k * n, ukAt / 4 + k * u3, ukAt / 4 + (k + 1) * u3);
        if (bias) heap.copyWithin(bias / 4, biasAt / 4, biasAt / 4 + u3);
        [ukAt, biasAt] = [uk, bias];
      }
      for (let s = 0; s < t; s++) {
        // At step 0 h is zero and the product is the recurrent bias alone; the kernel computes that too.
        simdCalls.nn++;
        r.exports.nn(hState, ukAt, product, biasAt, b, u, n, 0, 0, b);
        for (let i = 0; i < b; i++) {
          const row = i * t + s;
          const on = M < 0 || heap[M + row] !== 0;
          const x = XW + row * u3;
          const g = G + row * 4 * u;
          const p = P + i * n;
          const hs = HS + i * u;
          for (let j = 0; j < u; j++) {
            const z = sigmoid(heap[x + j]! + heap[p + j]!);
            const rr = sigmoid(heap[x + u + j]! + heap[p + u + j]!);
            const q = heap[p + 2 * u + j]!;
            const n = Math.tanh(heap[x + 2 * u + j]! + Math.fround(rr * q));
            heap[g + j] = z;
            heap[g + u + j] = rr;
            heap[g + 2 * u + j] = n;
            heap[g + 3 * u + j] = q;
            if (on) heap[hs + j] = z * heap[hs + j]! + (1 - z) * n;
            heap[H + row * u + j] = heap[hs + j]!;
          }
        }
      }
    } finally {
      scratch.dispose();
    }
    return [h, gates];
  };
}

export function gruSequenceGradWasm(backend: KernelBackend) {
  return ({ inputs }: KernelArgs): TensorInfo[] => {
    gruSequenceCalls.backward++;
    const u3 = 3 * inputs.h!.shape[2]!;
    return recurrentBackward(backend, GRU_SEQUENCE_GRAD, inputs, 3, [u3, u3], (f, i, row, dy, on) => {
      const { heap, u } = f;
      const [x, rec, g, hp, dhn] = [f.outputs[0]! + row * u3, f.outputs[1]! + row * u3, f.input.gates! + row * 4 * u, f.outputs[2]! + row * u, f.dhNext + i * u];
      for (let j = 0; j < u; j++) {
        const dhT = heap[dhn + j]! + (dy < 0 ? 0 : heap[dy + j]!);
        if (!on) {
          heap[x + j] = heap[x + u + j] = heap[x + 2 * u + j] = 0;
          heap[rec + j] = heap[rec + u + j] = heap[rec + 2 * u + j] = 0;
          heap[dhn + j] = dhT;
          continue;
        }
        const z = heap[g + j]!;
        const rr = heap[g + u + j]!;
        const n = heap[g + 2 * u + j]!;
        const q = heap[g + 3 * u + j]!;
        const dn = dhT * (1 - z) * (1 - n * n);
        const dz = dhT * (heap[hp + j]! - n) * z * (1 - z);
        const dReset = dn * q * rr * (1 - rr);
        heap[x + j] = heap[rec + j] = dz;
        heap[x + u + j] = heap[rec + u + j] = dReset;
        heap[x + 2 * u + j] = dn;
        heap[rec + 2 * u + j] = dn * rr;
        // The recurrent product's part is added after the step.
        heap[dhn + j] = dhT * z;
      }
      heap.copyWithin(f.step + i * u3, rec, rec + u3);
    });
  };
}
