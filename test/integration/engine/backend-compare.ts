/** Shared by the engine's integration tests: run the same computation on two backends and compare. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backend';

export async function initWasmAndCpu(): Promise<void> {
  await selectBackend({ force: 'cpu' });
  await selectBackend({ force: 'wasm' });
}

/** Runs `fn` on `backend` and returns its results as plain arrays (tensors are released). */
export async function on<T extends tf.Tensor | tf.Tensor[]>(backend: string, fn: () => T): Promise<{ shape: number[]; data: Float32Array }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const res = list.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose(list);
  return res;
}

/** max |a-b| / max |b|: the error relative to the reference's scale (elementwise ratios explode near zero). */
export function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
    den = Math.max(den, Math.abs(b[i] ?? 0));
  }
  if (a.length !== b.length || Number.isNaN(num)) return Infinity;
  return den === 0 ? num : num / den;
}

/** Deterministic pseudo-random values in [-1, 1) (an LCG), so failures reproduce. */
export function randomArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
