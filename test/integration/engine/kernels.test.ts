import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initWasmAndCpu, on, randomArray, relError } from './backend-compare';
import { WASM_KERNELS } from '../../../main/engine/kernels/index';
import { transposedProductIsCheaper } from '../../../main/engine/kernels/matmul';

type Pad = 'valid' | 'same';
interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  strides: [number, number];
  pad: Pad;
  dilations: [number, number];
}

const convCases: ConvCase[] = [];
for (const pad of ['valid', 'same'] as Pad[]) {
  for (const strides of [[1, 1], [2, 2], [3, 2]] as [number, number][]) {
    convCases.push({ x: [2, 9, 8, 3], k: [3, 3], cout: 4, strides, pad, dilations: [1, 1] });
    convCases.push({ x: [3, 10, 7, 2], k: [2, 4], cout: 5, strides, pad, dilations: [1, 1] });
  }
  convCases.push({ x: [2, 11, 9, 3], k: [3, 3], cout: 4, strides: [1, 1], pad, dilations: [2, 2] });
  convCases.push({ x: [2, 12, 10, 2], k: [3, 2], cout: 3, strides: [1, 1], pad, dilations: [2, 3] });
}
convCases.push({ x: [4, 28, 28, 1], k: [3, 3], cout: 8, strides: [1, 1], pad: 'valid', dilations: [1, 1] });
convCases.push({ x: [2, 5, 5, 3], k: [5, 5], cout: 2, strides: [1, 1], pad: 'valid', dilations: [1, 1] });
convCases.push({ x: [2, 7, 7, 2], k: [1, 1], cout: 3, strides: [2, 2], pad: 'same', dilations: [1, 1] });

const title = (c: ConvCase) =>
  `x=${c.x.join('x')} kernel=${c.k.join('x')} cout=${c.cout} strides=${c.strides.join('x')} ${c.pad} dilation=${c.dilations.join('x')}`;

/** Zero-inserts a [KH,KW,..] filter so an undilated convolution with it equals the dilated one with the original. */
function dilateFilter(f: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = f.shape;
  const r = f.reshape([kh, 1, kw, 1, ci, co]).pad([[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = r.reshape([kh * dh, kw * dw, ci, co]);
  return full.slice([0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]) as tf.Tensor4D;
}

/** Both conv gradients of sum(conv(x, w) * dyWeights), via tf.grads (our Conv2D gradient and kernels). */
function convGrads(c: ConvCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(randomArray(c.x.reduce((a, b) => a * b), seed), c.x);
    const w = tf.tensor4d(randomArray(c.k[0] * c.k[1] * c.x[3] * c.cout, seed + 1), [c.k[0], c.k[1], c.x[3], c.cout]);
    const y = tf.conv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations);
    const dy = tf.tensor(randomArray(y.size, seed + 2), y.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations).mul(dy).sum());
    return g([x, w]);
  };
}

/** Reference on cpu: dilated cases go through the equivalent undilated convolution with a zero-inserted filter. */
function referenceGrads(c: ConvCase, seed: number): () => tf.Tensor[] {
  if (c.dilations[0] === 1 && c.dilations[1] === 1) return convGrads(c, seed);
  return () => {
    const x = tf.tensor4d(randomArray(c.x.reduce((a, b) => a * b), seed), c.x);
    const w = tf.tensor4d(randomArray(c.k[0] * c.k[1] * c.x[3] * c.cout, seed + 1), [c.k[0], c.k[1], c.x[3], c.cout]);
    const wd = dilateFilter(w, c.dilations);
    const y = tf.conv2d(x, wd, c.strides, c.pad);
    const dy = tf.tensor(randomArray(y.size, seed + 2), y.shape);
    const [gx, gwd] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).mul(dy).sum())([x, wd]);
    const [kh, kw] = c.k;
    const [dh, dw] = c.dilations;
    const full = (gwd as tf.Tensor4D).pad([[0, dh - 1], [0, dw - 1], [0, 0], [0, 0]]);
    const gw = full.reshape([kh, dh, kw, dw, c.x[3], c.cout]).slice([0, 0, 0, 0, 0, 0], [kh, 1, kw, 1, c.x[3], c.cout]);
    return [gx as tf.Tensor, gw.reshape(w.shape)];
  };
}

beforeAll(initWasmAndCpu);

describe('wasm training kernels against the cpu backend', () => {
  it('registers the kernels stock wasm lacks', () => {
    for (const name of Object.keys(WASM_KERNELS)) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it.each(convCases.map((c, i) => [title(c), c, i] as const))('Conv2D input and filter gradients, %s', async (_t, c, i) => {
    const got = await on('wasm', convGrads(c, 100 + i * 7));
    const want = await on('cpu', referenceGrads(c, 100 + i * 7));
    expect(got[0]?.shape).toEqual(want[0]?.shape);
    expect(got[1]?.shape).toEqual(want[1]?.shape);
    expect(relError(got[0]!.data, want[0]!.data), 'dx').toBeLessThan(1e-4);
    expect(relError(got[1]!.data, want[1]!.data), 'dW').toBeLessThan(1e-4);
  });

  it('dilated Conv2D gradients agree between cpu and wasm too (our gradient on both)', async () => {
    const c: ConvCase = { x: [2, 9, 9, 2], k: [3, 3], cout: 3, strides: [1, 1], pad: 'same', dilations: [2, 2] };
    const got = await on('wasm', convGrads(c, 5));
    const want = await on('cpu', convGrads(c, 5));
    expect(relError(got[0]!.data, want[0]!.data)).toBeLessThan(1e-4);
    expect(relError(got[1]!.data, want[1]!.data)).toBeLessThan(1e-4);
  });

  const dwCases = [
    { x: [2, 8, 9, 3], k: [3, 3], m: 1, strides: [1, 1], pad: 'valid' },
    { x: [2, 8, 9, 3], k: [3, 3], m: 2, strides: [1, 1], pad: 'same' },
    { x: [2, 9, 8, 2], k: [3, 2], m: 1, strides: [2, 2], pad: 'same' },
    { x: [3, 10, 10, 4], k: [5, 5], m: 3, strides: [2, 2], pad: 'valid' },
    { x: [1, 7, 7, 2], k: [2, 2], m: 1, strides: [3, 3], pad: 'valid' },
  ] as const;
  it.each(dwCases.map((c, i) => [`x=${c.x.join('x')} kernel=${c.k.join('x')} multiplier=${c.m} strides=${c.strides.join('x')} ${c.pad}`, c, i] as const))(
    'DepthwiseConv2dNative input and filter gradients, %s',
    async (_t, c, i) => {
      const f = () => {
        const x = tf.tensor4d(randomArray(c.x.reduce((a: number, b: number) => a * b, 1), 7 + i), [...c.x]);
        const w = tf.tensor4d(randomArray(c.k[0] * c.k[1] * c.x[3] * c.m, 8 + i), [c.k[0], c.k[1], c.x[3], c.m]);
        const y = tf.depthwiseConv2d(x, w, [...c.strides], c.pad);
        const dy = tf.tensor(randomArray(y.size, 9 + i), y.shape);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, [...c.strides], c.pad).mul(dy).sum())([x, w]);
      };
      const got = await on('wasm', f);
      const want = await on('cpu', f);
      expect(relError(got[0]!.data, want[0]!.data), 'dx').toBeLessThan(1e-4);
      expect(relError(got[1]!.data, want[1]!.data), 'dW').toBeLessThan(1e-4);
    },
  );

  it.each([
    [false, false], [true, false], [false, true], [true, true],
  ])('BatchMatMul transposeA=%s transposeB=%s, 2-D and batched', async (ta, tb) => {
    const f = () => {
      const a = tf.tensor(randomArray(7 * 5, 1), ta ? [5, 7] : [7, 5]);
      const b = tf.tensor(randomArray(5 * 6, 2), tb ? [6, 5] : [5, 6]);
      const a3 = tf.tensor(randomArray(3 * 4 * 5, 3), ta ? [3, 5, 4] : [3, 4, 5]);
      const b3 = tf.tensor(randomArray(3 * 5 * 2, 4), tb ? [3, 2, 5] : [3, 5, 2]);
      return [tf.matMul(a, b, ta, tb), tf.matMul(a3, b3, ta, tb)];
    };
    const got = await on('wasm', f);
    const want = await on('cpu', f);
    for (let k = 0; k < 2; k++) {
      expect(got[k]!.shape).toEqual(want[k]!.shape);
      expect(relError(got[k]!.data, want[k]!.data)).toBeLessThan(1e-5);
    }
  });

  it.each([
    ['2-D, B much larger than A', [3, 50], [40, 50]],
    ['2-D, one row (the product comes back by a reshape)', [1, 6], [50, 6]],
    ['batched', [2, 3, 50], [2, 40, 50]],
  ] as const)('BatchMatMul A·Bᵀ computed as (B·Aᵀ)ᵀ: %s', async (_t, sa, sb) => {
    expect(transposedProductIsCheaper(sa, sb)).toBe(true);
    const f = () => [tf.matMul(tf.tensor(randomArray(sa.reduce((x: number, y: number) => x * y, 1), 6), [...sa]), tf.tensor(randomArray(sb.reduce((x: number, y: number) => x * y, 1), 7), [...sb]), false, true)];
    const got = await on('wasm', f);
    const want = await on('cpu', f);
    expect(got[0]!.shape).toEqual(want[0]!.shape);
    expect(relError(got[0]!.data, want[0]!.data)).toBeLessThan(1e-5);
  });

  it('keeps the direct product when B is not the larger operand, or batch dimensions broadcast', () => {
    expect(transposedProductIsCheaper([32, 128], [9216, 128])).toBe(true);
    expect(transposedProductIsCheaper([7, 5], [6, 5])).toBe(false);
    expect(transposedProductIsCheaper([1, 3, 5], [2, 40, 5])).toBe(false);
  });

  it('Identity shares memory with its input and both outlive each other (reference counted)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const buffers = backend.numDataIds();
    const x = tf.tensor(randomArray(1000, 9), [10, 100]);
    const y = tf.clone(x);
    expect(backend.numDataIds() - buffers, 'one buffer for both').toBe(1);
    const want = Array.from(x.dataSync());
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(want);
    y.dispose();
    expect(backend.numDataIds()).toBe(buffers);
  });

  it.each([
    ['2x2 stride 2 valid', [2, 8, 8, 3], 2, 2, 'valid'],
    ['3x3 stride 2 same (overlapping windows)', [2, 9, 7, 2], 3, 2, 'same'],
    ['3x3 stride 1 valid', [1, 6, 6, 2], 3, 1, 'valid'],
    ['2x2 stride 2 same, odd size', [2, 7, 5, 2], 2, 2, 'same'],
  ] as const)('MaxPoolGrad %s', async (_t, shape, size, stride, pad) => {
    const f = () => {
      const x = tf.tensor4d(randomArray(shape.reduce((a: number, b: number) => a * b, 1), 3), [...shape]);
      const y = tf.maxPool(x, size, stride, pad);
      const dy = tf.tensor(randomArray(y.size, 4), y.shape);
      return tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad).mul(dy).sum())(x);
    };
    const got = await on('wasm', f);
    const want = await on('cpu', f);
    expect(relError(got[0]!.data, want[0]!.data)).toBeLessThan(1e-5);
  });

  it('MaxPoolGrad sends a tied window\'s gradient to its first maximum only, like cpu (all-negative windows too)', async () => {
    const f = () => {
      const x = tf.tensor4d(randomArray(2 * 3 * 3 * 2, 11), [2, 3, 3, 2]).sub(2);
      const up = tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 6]);
      const dy = tf.tensor(randomArray(2 * 3 * 3 * 2, 12), [2, 3, 3, 2]);
      return tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(up);
    };
    const got = await on('wasm', f);
    const want = await on('cpu', f);
    expect(relError(got[0]!.data, want[0]!.data)).toBeLessThan(1e-6);
    expect(Array.from(got[0]!.data).filter((v) => v !== 0).length).toBe(2 * 3 * 3 * 2);
  });

  it.each([
    ['bias gradient: leading axes [0,1,2]', [4, 6, 5, 7], [0, 1, 2], false],
    ['leading axis 0 with keepDims', [130, 3], [0], true],
    ['a conv bias gradient (average pool over 2,304 rows)', [4, 24, 24, 16], [0, 1, 2], false],
    ['inner axis (stock path)', [5, 9], [1], false],
    ['all axes (stock path)', [5, 9], [0, 1], false],
    // tf.sum(x) passes no axis: every axis, not the first one (which was summed alone before, from 64 rows up).
    ['no axis given, 130 rows (stock path)', [130, 8], null, false],
  ] as const)('Sum %s', async (_t, shape, axis, keepDims) => {
    const f = () => tf.sum(tf.tensor(randomArray(shape.reduce((a: number, b: number) => a * b, 1), 5), [...shape]), axis ? [...axis] : undefined, keepDims);
    const got = await on('wasm', f);
    const want = await on('cpu', f);
    expect(got[0]!.shape).toEqual(want[0]!.shape);
    expect(relError(got[0]!.data, want[0]!.data)).toBeLessThan(1e-5);
  });

  it('ResizeNearestNeighborGrad (UpSampling2D) equals the hand-computed block sums (cpu gets this shape wrong)', async () => {
    const [b, h, w, c] = [4, 8, 8, 4];
    const dyv = randomArray(b * 2 * h * 2 * w * c, 21);
    const got = await on('wasm', () => {
      const dy = tf.tensor4d(dyv, [b, 2 * h, 2 * w, c]);
      return tf.grad((a: tf.Tensor) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [2 * h, 2 * w]).mul(dy).sum())(tf.zeros([b, h, w, c]));
    });
    const want = new Float32Array(b * h * w * c);
    for (let n = 0; n < b; n++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      let v = 0;
      for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) v += dyv[((n * 2 * h + 2 * i + di) * 2 * w + 2 * j + dj) * c + k]!;
      want[((n * h + i) * w + j) * c + k] = v;
    }
    expect(relError(got[0]!.data, want)).toBeLessThan(1e-5);
  });

  it('frees every intermediate tensor of the composed kernels', async () => {
    await tf.setBackend('wasm');
    const c = convCases[3]!;
    tf.dispose(tf.tidy(convGrads(c, 1)));
    const before = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) tf.dispose(tf.tidy(convGrads(c, 1)));
    expect(tf.memory().numBytes).toBe(before);
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const ids = backend.dataIdMap.numDataIds();
    tf.dispose(tf.tidy(convGrads(c, 2)));
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
  });
});
