/**
 * What the whole-sequence recurrent kernels (lstm-sequence.ts, gru-sequence.ts) share: the input check, scratch
 * buffers on the wasm heap, and the two layouts their gradients prepare (the recurrent kernel transposed for
 * dh_prev = dz·Uᵀ, and the h each step started from for dU = hPrevᵀ·dz).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { backendMemory, makeOutput, offsetOf } from './simd/module';
import { runnerFor, simdCalls } from './simd/gemm';

/** The inputs every recurrent kernel receives (runKernel's arguments; attributes unused). */
export type KernelArgs = { inputs: Record<string, TensorInfo> };

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

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

/** What a backward kernel's step sees: the heap and float indices into it. */
export interface BackwardFrame {
  heap: Float32Array;
  u: number;
  /** The gradient reaching h [B, U] from the later steps; a step adds its own output's dy and replaces it. */
  dhNext: number;
  /** A second running gradient [B, U] (the LSTM's dc), zero at the start. */
  stateNext: number;
  /** The step's gradient of h·U [B, gates·U], contiguous for the product dh_prev += step·Uᵀ. */
  step: number;
  /** Float index of each input by name, and of each output in order. */
  input: Record<string, number>;
  outputs: number[];
}

/**
 * The frame of a whole-sequence backward kernel: outputs [B, T, width] for each width given, then hPrev [B, T, U];
 * the steps walked from the last to the first, `row` called for each batch row of each step (with the index of its
 * dy, -1 where the step has none, and whether the mask lets it through), then the recurrent product added to dhNext.
 * inputs: dh [B, T, U] or [B, U] (the last step's alone), recurrentKernel [U, gates·U], h [B, T, U], mask?, others.
 */
export function recurrentBackward(
  backend: KernelBackend, kernel: string, inputs: Record<string, TensorInfo>, gates: number, widths: number[],
  row: (f: BackwardFrame, i: number, row: number, dy: number, on: boolean) => void,
): TensorInfo[] {
  const { dh, h, mask } = inputs;
  const [b, t, u] = h!.shape as [number, number, number];
  const width = gates * u;
  checkSequenceInputs(kernel, inputs, [b, t, u], gates);
  const lastOnly = dh!.shape.length === 2;
  const outputs = [...widths.map((w) => makeOutput(backend, [b, t, w])), makeOutput(backend, [b, t, u])];
  const scratch = new Scratch(backend);
  try {
    // Uᵀ [gates·U, Up], its columns padded to a multiple of 4 (the SIMD product's N), so that any U fits.
    const up = paddedUnits(u);
    const [ukT, step, product, dhNext, stateNext] = [scratch.zeros(width * up), scratch.zeros(b * width), scratch.zeros(b * up), scratch.zeros(b * u), scratch.zeros(b * u)];
    const heap = new Float32Array(backendMemory(backend).buffer);
    const at = (x: TensorInfo) => offsetOf(backend, x) / 4;
    const input = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, at(v)]));
    const f: BackwardFrame = { heap, u, dhNext: dhNext / 4, stateNext: stateNext / 4, step: step / 4, input, outputs: outputs.map(at) };
    const [DH, M, P, HP] = [input.dh!, mask ? input.mask! : -1, product / 4, f.outputs[widths.length]!];
    transposeInto(heap, input.recurrentKernel!, ukT / 4, u, width, up);
    shiftStates(heap, input.h!, HP, b, t, u);
    const r = runnerFor(backend);
    for (let s = t - 1; s >= 0; s--) {
      for (let i = 0; i < b; i++) {
        const at = i * t + s;
        row(f, i, at, lastOnly ? (s === t - 1 ? DH + i * u : -1) : DH + at * u, M < 0 || heap[M + at] !== 0);
      }
      if (s === 0) break;
      simdCalls.nn++;
      r.exports.nn(step, ukT, product, 0, b, width, up, 0, 0, b);
      for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) heap[f.dhNext + i * u + j] = heap[f.dhNext + i * u + j]! + heap[P + i * up + j]!;
    }
  } finally {
    scratch.dispose();
  }
  return outputs;
}
