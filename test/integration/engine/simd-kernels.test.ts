/**
 * Our SIMD product kernels (main/engine/kernels/simd) against the cpu backend: every shape family they take, with
 * tails (rows not a multiple of 4, columns a multiple of 4 but not 8), large enough products that the work is split
 * with the helper thread (threaded wasm build), and shapes they refuse (stock path, still right).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initWasmAndCpu, on, randomArray, relError } from './backend-compare';
import { simdCalls } from '../../../main/engine/kernels/simd/gemm';

const tensor = (shape: number[], seed: number) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

/** Runs f on wasm and cpu, checks every output (< 1e-5 relative to the reference's scale) and returns the SIMD calls made. */
async function agree(f: () => tf.Tensor[], kernel: keyof typeof simdCalls): Promise<number> {
  const before = simdCalls[kernel];
  const got = await on('wasm', f);
  const calls = simdCalls[kernel] - before;
  const want = await on('cpu', f);
  got.forEach((g, i) => {
    expect(g.shape).toEqual(want[i]!.shape);
    expect(relError(g.data, want[i]!.data), `output ${i}`).toBeLessThan(1e-5);
  });
  return calls;
}

beforeAll(initWasmAndCpu);

describe('SIMD product kernels on wasm against cpu', () => {
  it.each([
    ['A·B, 4-row and single-row tiles, 8- and 4-wide columns', [33, 20], [20, 12], false, false],
    ['A·B, a Dense forward pass (split between threads)', [32, 9216], [9216, 128], false, false],
    ['Aᵀ·B, a Dense weight gradient xᵀ·dy (split between threads)', [32, 2304], [32, 128], true, false],
    ['A·Bᵀ, a Dense input gradient dy·Wᵀ (split between threads)', [32, 128], [2304, 128], false, true],
    ['A·Bᵀ, small', [8, 5], [12, 5], false, true],
  ] as const)('BatchMatMul %s', async (_t, sa, sb, ta, tb) => {
    const calls = await agree(() => [tf.matMul(tensor([...sa], 1), tensor([...sb], 2), ta, tb)], ta ? 'filterGrad' : 'nn');
    expect(calls).toBe(1);
  });

  it('leaves shapes it does not take to the stock kernels (columns not a multiple of 4, batched, both transposed)', async () => {
    const calls = await agree(() => [
      tf.matMul(tensor([6, 7], 3), tensor([7, 10], 4)),
      tf.matMul(tensor([2, 4, 8], 5), tensor([2, 8, 4], 6)),
      tf.matMul(tensor([8, 4], 7), tensor([8, 8], 8), true, true),
    ], 'nn');
    expect(calls).toBe(0);
  });

  it('_FusedMatMul with bias and ReLU (a Dense layer), and with other activations through the stock kernel', async () => {
    const calls = await agree(() => [
      tf.fused.matMul({ a: tensor([20, 36], 9), b: tensor([36, 16], 10), bias: tensor([16], 11), activation: 'relu' }),
      tf.fused.matMul({ a: tensor([5, 8], 12), b: tensor([8, 4], 13), bias: tensor([4], 14) }),
      tf.fused.matMul({ a: tensor([5, 8], 15), b: tensor([8, 4], 16), bias: tensor([4], 17), activation: 'sigmoid' }),
    ], 'nn');
    expect(calls).toBe(2);
  });

  it.each([
    // cpu's own filter gradient takes ~10 s per image of this size on a loaded machine: one image.
    ['workshop CNN conv2 (split between threads)', [1, 26, 26, 32], [3, 3], 64, 1, 'valid', 1],
    ['same padding, stride 2', [2, 9, 8, 8], [3, 3], 12, 2, 'same', 1],
    ['rectangular kernel, 4-wide output channels', [2, 11, 9, 4], [3, 2], 4, 1, 'valid', 1],
    ['workshop CNN conv1: one input channel (patches written first)', [2, 28, 28, 1], [3, 3], 32, 1, 'valid', 1],
    ['three input channels, same padding, stride 2 (patches written first)', [2, 9, 8, 3], [3, 3], 8, 2, 'same', 1],
  ] as const)('Conv2DBackpropFilter: %s', async (_t, xs, k, cout, stride, pad, dil) => {
    const f = () => {
      const x = tensor([...xs], 21) as tf.Tensor4D;
      const y = tf.conv2d(x, tf.zeros([k[0], k[1], xs[3], cout]) as tf.Tensor4D, stride, pad, 'NHWC', dil);
      const dy = tensor(y.shape, 22) as tf.Tensor4D;
      return [tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, stride, pad, 'NHWC', dil).mul(dy).sum())(tensor([k[0], k[1], xs[3], cout], 23))];
    };
    expect(await agree(f, 'filterGrad')).toBe(1);
  });

  it.each([
    ['workshop CNN conv2 (split between threads)', [4, 26, 26, 32], [3, 3], 64, 1, 'valid', 1],
    ['workshop CNN conv1: one input channel', [3, 28, 28, 1], [3, 3], 32, 1, 'valid', 1],
    ['same padding, stride 2, output width not a multiple of 4', [2, 9, 11, 3], [3, 3], 12, 2, 'same', 1],
    ['dilation 2, rectangular kernel, 4 output channels', [2, 11, 9, 4], [3, 2], 4, 1, 'same', 2],
    ['rows narrower than 4 pixels', [2, 5, 5, 4], [3, 3], 8, 1, 'valid', 1],
  ] as const)('Conv2D forward and input gradient: %s', async (_t, xs, k, cout, stride, pad, dil) => {
    const f = () => {
      const x = tensor([...xs], 31) as tf.Tensor4D;
      const w = tensor([k[0], k[1], xs[3], cout], 32) as tf.Tensor4D;
      const y = tf.conv2d(x, w, stride, pad, 'NHWC', dil);
      const dy = tensor(y.shape, 33);
      // The input gradient of undilated convolutions runs our Conv2DBackpropInput, whose convolution is ours too.
      return dil === 1 ? [y, tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, stride, pad).mul(dy).sum())(x)] : [y];
    };
    // tf.grad runs the forward pass again; the input gradient's convolution has Ci output channels.
    const pads = simdCalls.pad;
    expect(await agree(f, 'conv')).toBe(dil === 1 ? 2 + (xs[3] % 4 === 0 ? 1 : 0) : 1);
    // The input gradient pads dy (Co channels) by our kernel; 'same' forward passes pad x when Ci allows.
    const fourChannels = xs[3] % 4 === 0;
    expect(simdCalls.pad - pads).toBe((dil === 1 && fourChannels ? 1 : 0) + (pad === 'same' && fourChannels ? (dil === 1 ? 2 : 1) : 0));
  });

  it.each([
    // [title, x shape, output channels, padding, Winograd calls for forward + input gradient]
    ['workshop CNN conv2, 32 -> 64 (split between threads): forward and input gradient', [4, 26, 26, 32], 64, 'valid', 2],
    ['same padding, 8 -> 4 channels, one image', [1, 6, 10, 8], 4, 'same', 2],
    ['odd output (25x25): the direct kernel, forward and input gradient', [2, 27, 27, 4], 8, 'valid', 0],
    ['odd output height (27x28, same padding): the direct kernel', [1, 27, 28, 4], 4, 'same', 0],
  ] as const)('Conv2D 3x3 stride 1 by Winograd F(2x2, 3x3): %s', async (_t, xs, cout, pad, calls) => {
    const f = () => {
      const x = tensor([...xs], 61) as tf.Tensor4D;
      const w = tensor([3, 3, xs[3], cout], 62) as tf.Tensor4D;
      const y = tf.conv2d(x, w, 1, pad);
      const dy = tensor(y.shape, 63);
      return [y, tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, 1, pad).mul(dy).sum())(x)];
    };
    // tf.grad runs the forward pass again: three convolutions in all.
    expect(await agree(f, 'winoConv')).toBe(calls === 2 ? 3 : calls);
  });

  it.each([
    // cpu's own filter gradient takes ~10 s per image of the workshop size on a loaded machine: one image.
    ['workshop CNN conv2, 32 -> 64, one image', [1, 26, 26, 32], 64, 'valid', 1],
    ['same padding, two images of 10x6, 8 -> 12', [2, 10, 6, 8], 12, 'same', 1],
    ['odd output (7x7): the direct kernel', [2, 9, 9, 4], 4, 'valid', 0],
  ] as const)('Conv2DBackpropFilter 3x3 stride 1 by Winograd F(3x3, 2x2): %s', async (_t, xs, cout, pad, calls) => {
    const f = () => {
      const x = tensor([...xs], 71) as tf.Tensor4D;
      const dy = tensor(tf.conv2d(x, tf.zeros([3, 3, xs[3], cout]) as tf.Tensor4D, 1, pad).shape, 72);
      return [tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, pad).mul(dy).sum())(tensor([3, 3, xs[3], cout], 73))];
    };
    expect(await agree(f, 'winoFilterGrad')).toBe(calls);
  });

  it('Conv2DBackpropFilter by Winograd split with the helper thread (many tiles, few channels) equals cpu', async () => {
    const f = () => {
      const x = tensor([2, 66, 66, 8], 74) as tf.Tensor4D;
      const dy = tensor([2, 64, 64, 8], 75);
      return [tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, 'valid').mul(dy).sum())(tensor([3, 3, 8, 8], 76))];
    };
    expect(await agree(f, 'winoFilterGrad')).toBe(1);
  });

  it('FusedConv2D with bias and ReLU by Winograd equals cpu', async () => {
    const f = () => [tf.fused.conv2d({ x: tensor([2, 10, 8, 8], 64) as tf.Tensor4D, filter: tensor([3, 3, 8, 12], 65) as tf.Tensor4D, bias: tensor([12], 66), strides: 1, pad: 'valid', activation: 'relu' })];
    expect(await agree(f, 'winoConv')).toBe(1);
  });

  it.each([
    ['workshop CNN 2x2 (split between threads)', [4, 24, 24, 64], 2, 'valid', 1],
    ['3x3 windows, 4 channels', [2, 9, 6, 4], 3, 'valid', 1],
    ['2x2 same over an odd size (padding: the general path)', [2, 7, 5, 4], 2, 'same', 0],
  ] as const)('MaxPoolGrad %s', async (_t, shape, size, pad, calls) => {
    const f = () => {
      const x = tensor([...shape], 41) as tf.Tensor4D;
      const dy = tensor(tf.maxPool(x, size, size, pad).shape, 42);
      return [tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, size, pad).mul(dy).sum())(x)];
    };
    expect(await agree(f, 'maxPoolGrad')).toBe(calls);
  });

  it('MaxPoolGrad sends a tied window\'s gradient to its first maximum only (all-negative windows too)', async () => {
    const f = () => {
      const x = tensor([2, 3, 3, 8], 43).sub(2);
      const up = tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 6]);
      const dy = tensor([2, 3, 3, 8], 44);
      return [tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(up)];
    };
    expect(await agree(f, 'maxPoolGrad')).toBe(1);
    const got = await on('wasm', f);
    expect(Array.from(got[0]!.data).filter((v) => v !== 0).length).toBe(2 * 3 * 3 * 8);
  });

  it('frees its intermediates and allocates only its result', async () => {
    await tf.setBackend('wasm');
    const run = () => tf.tidy(() => [tf.matMul(tensor([8, 12], 1), tensor([16, 12], 2), false, true), tf.matMul(tensor([8, 12], 3), tensor([8, 16], 4), true)]);
    tf.dispose(run());
    const ids = (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
    const bytes = tf.memory().numBytes;
    tf.dispose(run());
    expect(tf.memory().numBytes).toBe(bytes);
    expect((tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds()).toBe(ids);
  });
});
