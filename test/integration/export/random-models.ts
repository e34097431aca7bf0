/**
 * Seeded random valid models on MNIST-shaped inputs: a DAG of conv-family, pooling, normalisation, activation,
 * reshaping and merge layers, then a head. Every choice respects the shapes, so each model builds in tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { rng } from './helpers';

type T = tf.SymbolicTensor;

export function randomModel(seed: number): tf.LayersModel {
  const r = rng(seed);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const L = tf.layers;
  let id = 0;
  const nm = (kind: string): string => `${kind}_${++id}`;
  const ap = (layer: tf.layers.Layer, x: T | T[]): T => layer.apply(x) as T;
  const input = tf.input({ shape: [28, 28, 1], name: 'input' });
  const pool: T[] = [input];
  const acts = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'swish', 'gelu', 'linear'] as const;
  const steps = int(5, 9);
  for (let s = 0; s < steps; s++) {
    const x = r() < 0.6 ? pool[pool.length - 1] : pick(pool); // mostly deepen the newest branch
    const [, h, w, c] = x.shape as number[];
    const options: (() => T | null)[] = [
      () => {
        const k = int(1, 4), st = int(1, 2), same = r() < 0.6;
        if (!same && h - k < 1) return null;
        return ap(L.conv2d({ filters: int(3, 8), kernelSize: k, strides: st, padding: same ? 'same' : 'valid', activation: pick(acts), useBias: r() < 0.8, name: nm('conv') }), x);
      },
      () => ap(L.conv2d({ filters: int(3, 6), kernelSize: pick([2, 3]), dilationRate: 2, padding: 'same', name: nm('dilated') }), x),
      () => ap(L.depthwiseConv2d({ kernelSize: int(2, 3), strides: int(1, 2), padding: 'same', depthMultiplier: int(1, 2), name: nm('dw') }), x),
      () => ap(L.separableConv2d({ filters: int(3, 8), kernelSize: int(2, 3), strides: int(1, 2), padding: pick(['same', 'valid']), activation: pick(acts), name: nm('sep') }), x),
      () => (h > 14 ? null : ap(L.conv2dTranspose({ filters: int(2, 6), kernelSize: int(2, 3), strides: int(1, 2), padding: pick(['same', 'valid']), name: nm('deconv') }), x)),
      () => (h < 4 ? null : ap(L.maxPooling2d({ poolSize: int(2, 3), strides: int(1, 2), padding: pick(['same', 'valid']), name: nm('maxpool') }), x)),
      () => (h < 4 ? null : ap(L.averagePooling2d({ poolSize: int(2, 3), strides: int(1, 2), padding: pick(['same', 'valid']), name: nm('avgpool') }), x)),
      () => ap(L.batchNormalization({ momentum: pick([0.9, 0.99]), epsilon: pick([1e-3, 1e-5]), center: r() < 0.7, scale: r() < 0.7, name: nm('bn') }), x),
      () => (c < 2 ? null : ap(L.layerNormalization({ center: r() < 0.7, scale: r() < 0.7, name: nm('ln') }), x)), // over one channel it is constant
      () => ap(L.activation({ activation: pick(acts), name: nm('act') }), x),
      () => ap(L.leakyReLU({ alpha: pick([0.1, 0.3]), name: nm('leaky') }), x),
      () => ap(L.zeroPadding2d({ padding: [[int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)]], name: nm('pad') }), x),
      () => (h > 14 ? null : ap(L.upSampling2d({ size: [int(1, 3), int(1, 2)], interpolation: pick(['nearest', 'bilinear']), name: nm('ups') }), x)),
      () => ap(L.reshape({ targetShape: [w, h, c], name: nm('reshape') }), x),
      () => ap(L.dense({ units: int(2, 6), activation: pick(acts), name: nm('dense4d') }), x),
      () => {
        const same = pool.filter((t) => t !== x && t.shape.join() === x.shape.join());
        if (!same.length) return null;
        const kind = pick(['add', 'multiply', 'average'] as const);
        const layer = kind === 'add' ? L.add({ name: nm('add') }) : kind === 'multiply' ? L.multiply({ name: nm('mul') }) : L.average({ name: nm('avg') });
        return ap(layer, [x, pick(same)]);
      },
      () => {
        const same = pool.filter((t) => t !== x && t.shape[1] === h && t.shape[2] === w);
        return same.length ? ap(L.concatenate({ name: nm('cat') }), [x, pick(same)]) : null;
      },
    ];
    let y: T | null = null;
    for (let tries = 0; y === null && tries < 10; tries++) y = pick(options)();
    if (y) pool.push(y);
  }
  // The head reads the newest tensor, plus anything still unused through a global pooling merge.
  const last = pool[pool.length - 1];
  const [, h, w, c] = last.shape as number[];
  let feat = h * w * c > 4000 || r() < 0.4 ? ap(pick([L.globalAveragePooling2d, L.globalMaxPooling2d])({ name: nm('gpool') }), last) : ap(L.flatten({ name: nm('flatten') }), last);
  if (r() < 0.5) feat = ap(L.dropout({ rate: 0.3, name: nm('dropout') }), feat);
  if (r() < 0.5) feat = ap(L.batchNormalization({ center: r() < 0.7, scale: r() < 0.7, name: nm('bn1d') }), feat);
  const hidden = ap(L.dense({ units: int(8, 24), activation: pick(acts), name: nm('fc') }), feat);
  // Logits, not probabilities: a saturated softmax would hide differences between inputs (and between exports).
  const out = ap(L.dense({ units: 10, name: nm('out') }), hidden);
  return tf.model({ inputs: input, outputs: out, name: `random_${seed}` });
}
