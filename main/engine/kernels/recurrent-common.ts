/**
 * What the whole-sequence recurrent kernels (lstm-sequence.ts, gru-sequence.ts) share: the input check, scratch
 * buffers on the wasm heap, and the two layouts their gradients prepare (the recurrent kernel transposed for
 * dh_prev = dz·Uᵀ, and the h each step started from for dU = hPrevᵀ·dz).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { backendMemory, makeOutput, offsetOf } from './simd/module';

/** Throws unless every input is float32, the mask [B, T] and the recurrent kernel [U, gates·U]. */
export function checkSequenceInputs(kernel: string, inputs: Record<string, TensorInfo>, [b, t, u]: number[], gates: number): void {
  const bad = Object.values(inputs).some((v) => v.dtype !== 'float32');
  const mask = inputs.mask;
  if (bad || (mask && (mask.shape[0] !== b || mask.shape[1] !== t)) || inputs.recurrentKernel!.shape.join() !== `${u},${gates * u!}`) {
    const shapes = Object.entries(inputs).map(([k, v]) => `${k} ${v.dtype}[${v.shape.join(',')}]`).join(', ');
    throw new Error(`${kernel}: inputs ${shapes} do not fit (float32 only, mask [B,T], recurrent kernel [U,${gates}U]); the layer should have used tfjs' own loop (report this)`);
  }
}

/** Scratch tensors of one kernel call, released by dispose(). */
export class Scratch {
  private readonly list: TensorInfo[] = [];
  constructor(private readonly backend: KernelBackend) {}
  /** Byte offset of a new zero-filled float32 buffer of n values. */
  zeros(n: number): number {
    const t = makeOutput(this.backend, [n]);
    this.list.push(t);
    const at = offsetOf(this.backend, t);
    new Float32Array(backendMemory(this.backend).buffer, at, n).fill(0);
    return at;
  }
  dispose(): void {
    for (const t of this.list) this.backend.disposeData(t.dataId);
  }
}

/** Columns of the SIMD product's right operand come in multiples of 4: Uᵀ is padded to this width. */
export const paddedUnits = (u: number) => Math.ceil(u / 4) * 4;

/** Uᵀ [n, up] from U [u, n] (float indices into heap), columns u..up left as they are (zero). */
export function transposeInto(heap: Float32Array, src: number, dst: number, u: number, n: number, up: number): void {
  for (let j = 0; j < u; j++) for (let k = 0; k < n; k++) heap[dst + k * up + j] = heap[src + j * n + k]!;
}

/** hPrev [B, T, U]: step t of each row holds h of step t-1, step 0 zeros (the initial state). */
export function shiftStates(heap: Float32Array, h: number, hPrev: number, b: number, t: number, u: number): void {
  for (let i = 0; i < b; i++) {
    heap.fill(0, hPrev + i * t * u, hPrev + i * t * u + u);
    heap.copyWithin(hPrev + i * t * u + u, h + i * t * u, h + (i * t + t - 1) * u);
  }
}
