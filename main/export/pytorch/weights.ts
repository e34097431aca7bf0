/**
 * Keras weights -> PyTorch state_dict arrays. Keras kernels are channels-last (HWIO); PyTorch wants OIHW for
 * convolutions, [out, in] for Linear, [in, out, H, W] for transposed convolutions (Keras: [H, W, out, in]).
 * TORCH_WEIGHTS has one entry per registry kind, so a new kind does not compile until its conversion is written.
 */
import type { LayerClassName } from '../../../shared/layers/registry';
import { forWeightless, weightsByLayer } from '../layer-weights';
import type { ExportGraph } from '../model';
import type { NpyArray } from '../npy';
import type { NamedWeight } from '../types';
import { torchAttributeNames } from './model-code';
import { TORCH_SEQUENCE_WEIGHTS } from './sequence-weights';

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

/** One layer's Keras arrays (by short name) -> state_dict entries under the module attribute `a`. */
type Convert = (a: string, w: Map<string, NpyArray>) => Record<string, NpyArray>;

const none: Convert = () => ({});
const withBias = (a: string, w: Map<string, NpyArray>, key = `${a}.bias`): Record<string, NpyArray> => (w.has('bias') ? { [key]: w.get('bias')! } : {});
const linear: Convert = (a, w) => ({ [`${a}.weight`]: permute(w.get('kernel')!, [1, 0]), ...withBias(a, w) });
/** Conv2D HWIO -> OIHW; Conv2DTranspose [H, W, out, in] -> [in, out, H, W]: the same permutation. */
const conv: Convert = (a, w) => ({ [`${a}.weight`]: permute(w.get('kernel')!, [3, 2, 0, 1]), ...withBias(a, w) });
/** Both gamma and beta: PyTorch's affine weight/bias; one of them: own parameters <attr>_gamma / <attr>_beta (layers.ts). */
const affine = (a: string, w: Map<string, NpyArray>): Record<string, NpyArray> => {
  const full = w.has('gamma') && w.has('beta');
  return {
    ...(w.has('gamma') ? { [full ? `${a}.weight` : `${a}_gamma`]: w.get('gamma')! } : {}),
    ...(w.has('beta') ? { [full ? `${a}.bias` : `${a}_beta`]: w.get('beta')! } : {}),
  };
};

export const TORCH_WEIGHTS: Record<LayerClassName, Convert> = {
  ...forWeightless(none),
  ...TORCH_SEQUENCE_WEIGHTS,
  Dense: linear,
  Conv2D: conv,
  SeparableConv2D: (a, w) => ({
    [`${a}.depthwise.weight`]: depthwiseToTorch(w.get('depthwise_kernel')!),
    [`${a}.pointwise.weight`]: permute(w.get('pointwise_kernel')!, [3, 2, 0, 1]),
    ...withBias(a, w, `${a}.pointwise.bias`),
  }),
  DepthwiseConv2D: (a, w) => ({ [`${a}.weight`]: depthwiseToTorch(w.get('depthwise_kernel')!), ...withBias(a, w) }),
  Conv2DTranspose: conv,
  BatchNormalization: (a, w) => ({ ...affine(a, w), [`${a}.running_mean`]: w.get('moving_mean')!, [`${a}.running_var`]: w.get('moving_variance')! }),
  LayerNormalization: affine,
};

/** state_dict entries (PyTorch layout) for the model written by generateTorchModel. */
export function torchStateDict(g: ExportGraph, weights: readonly NamedWeight[]): Record<string, NpyArray> {
  const byLayer = weightsByLayer(g, weights);
  const names = torchAttributeNames(g);
  const state: Record<string, NpyArray> = {};
  for (const l of g.layers) {
    const w = byLayer.get(l.name);
    if (w) Object.assign(state, TORCH_WEIGHTS[l.className](names.get(l.name)!, w));
  }
  return state;
}
