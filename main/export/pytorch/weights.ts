/**
 * Keras weights -> PyTorch state_dict arrays. Keras kernels are channels-last (HWIO); PyTorch wants OIHW for
 * convolutions, [out, in] for Linear, [in, out, H, W] for transposed convolutions (Keras: [H, W, out, in]).
 */
import type { NpyArray } from '../npy';
import type { ModelIr } from '../ir';
import { weightsByLayer } from '../layer-weights';
import { ExportError, type NamedWeight } from '../types';
import { torchAttributeNames } from './model-code';

export function permute(a: NpyArray, perm: readonly number[]): NpyArray {
  const shape = perm.map((p) => a.shape[p]);
  const rank = a.shape.length;
  const srcStrides = new Array<number>(rank);
  srcStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) srcStrides[i] = srcStrides[i + 1] * a.shape[i + 1];
  const stepped = perm.map((p) => srcStrides[p]);
  const out = new Float32Array(a.data.length);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let n = 0; n < out.length; n++) {
    out[n] = a.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      src += stepped[d];
      if (index[d] < shape[d]) break;
      src -= stepped[d] * shape[d];
      index[d] = 0;
    }
  }
  return { shape, data: out };
}

function depthwiseToTorch(k: NpyArray): NpyArray {
  // [kh, kw, C, m] -> [C * m, 1, kh, kw]: PyTorch's group c produces channels c*m .. c*m+m-1, as TensorFlow orders them.
  const [kh, kw, c, m] = k.shape;
  const p = permute({ shape: [kh, kw, c * m], data: k.data }, [2, 0, 1]);
  return { shape: [c * m, 1, kh, kw], data: p.data };
}

/** state_dict entries (PyTorch layout) for the model written by generateTorchModel. */
export function torchStateDict(ir: ModelIr, weights: readonly NamedWeight[]): Record<string, NpyArray> {
  const byLayer = weightsByLayer(ir, weights);
  const names = torchAttributeNames(ir);
  const state: Record<string, NpyArray> = {};
  for (const l of ir.layers) {
    const w = byLayer.get(l.name);
    if (!w) continue;
    const a = names.get(l.name)!;
    const bias = w.get('bias');
    switch (l.className) {
      case 'Dense':
        state[`${a}.weight`] = permute(w.get('kernel')!, [1, 0]);
        if (bias) state[`${a}.bias`] = bias;
        break;
      case 'Conv2D':
      case 'Conv2DTranspose':
        state[`${a}.weight`] = permute(w.get('kernel')!, [3, 2, 0, 1]);
        if (bias) state[`${a}.bias`] = bias;
        break;
      case 'DepthwiseConv2D':
        state[`${a}.weight`] = depthwiseToTorch(w.get('depthwise_kernel')!);
        if (bias) state[`${a}.bias`] = bias;
        break;
      case 'SeparableConv2D':
        state[`${a}.depthwise.weight`] = depthwiseToTorch(w.get('depthwise_kernel')!);
        state[`${a}.pointwise.weight`] = permute(w.get('pointwise_kernel')!, [3, 2, 0, 1]);
        if (bias) state[`${a}.pointwise.bias`] = bias;
        break;
      case 'BatchNormalization':
      case 'LayerNormalization': {
        // Both on: PyTorch's affine weight/bias; one off: own parameters <attr>_gamma / <attr>_beta (model-code.ts).
        const full = w.has('gamma') && w.has('beta');
        if (w.has('gamma')) state[full ? `${a}.weight` : `${a}_gamma`] = w.get('gamma')!;
        if (w.has('beta')) state[full ? `${a}.bias` : `${a}_beta`] = w.get('beta')!;
        if (l.className === 'BatchNormalization') {
          state[`${a}.running_mean`] = w.get('moving_mean')!;
          state[`${a}.running_var`] = w.get('moving_variance')!;
        }
        break;
      }
      default:
        throw new ExportError(`layer '${l.name}' (${l.className}) has weights ${[...w.keys()].join(', ')}, but this kind should have none.`);
    }
  }
  return state;
}
