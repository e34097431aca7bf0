import { describe, expect, it } from 'vitest';
import { showShape } from '../../../shared/layers/conv-arithmetic';
import { requireLayerKind } from '../../../shared/layers/registry';
import { ShapeError, type Shape } from '../../../shared/layers/types';

function infer(kind: string, config: Record<string, unknown>, inputs: Shape[]): Shape {
  const k = requireLayerKind(kind);
  return k.inferShape({ ...k.defaults(), ...config }, inputs);
}

function params(kind: string, config: Record<string, unknown>, inputs: Shape[]) {
  const k = requireLayerKind(kind);
  return k.countParams({ ...k.defaults(), ...config }, inputs);
}

/** The textbook form of the output size, written differently from the implementation on purpose. */
function expectedLength(n: number, k: number, s: number, padding: string, d = 1): number {
  const span = d * (k - 1) + 1;
  return padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - span + 1) / s);
}

const kernels = [[3, 3], [3, 5], [5, 3], [1, 1], [7, 7]] as const;
const convSweep = kernels.flatMap((kernel) =>
  [1, 2, 3].flatMap((stride) =>
    (['valid', 'same'] as const).map((padding) => {
      const input: Shape = [null, 28, 28, 3];
      const title = `Conv2D kernel=[${kernel.join(',')}] strides=${stride} padding=${padding} input=[null,28,28,3]`;
      return [title, kernel, stride, padding, input] as const;
    }),
  ),
);

describe('Conv2D shape sweep', () => {
  it.each(convSweep)('%s', (_title, kernel, stride, padding, input) => {
    const out = infer('Conv2D', { filters: 16, kernel_size: [...kernel], strides: [stride, stride], padding }, [input]);
    expect(out).toEqual([null, expectedLength(28, kernel[0], stride, padding), expectedLength(28, kernel[1], stride, padding), 16]);
  });

  it.each([
    [[3, 3], [2, 2], 'valid', [null, 20, 20, 1], [null, 16, 16, 4]],
    [[3, 3], [2, 3], 'valid', [null, 20, 20, 1], [null, 16, 14, 4]],
    [[3, 3], [2, 2], 'same', [null, 9, 9, 1], [null, 9, 9, 4]],
  ] as const)('Conv2D kernel=%j dilation_rate=%j padding=%s input=%j', (kernel, dilation, padding, input, expected) => {
    expect(infer('Conv2D', { filters: 4, kernel_size: [...kernel], dilation_rate: [...dilation], padding }, [[...input]])).toEqual(expected);
  });

  it('keeps an unknown spatial size unknown', () => {
    expect(infer('Conv2D', { filters: 2 }, [[null, null, 10, 3]])).toEqual([null, null, 8, 2]);
  });
});

describe('pooling shape sweep', () => {
  const sweep = ['MaxPooling2D', 'AveragePooling2D'].flatMap((kind) =>
    [[2, 2], [3, 3], [2, 3]].flatMap((pool) =>
      [null, [1, 1], [2, 2]].flatMap((strides) =>
        (['valid', 'same'] as const).map(
          (padding) => [`${kind} pool_size=[${pool.join(',')}] strides=${strides ? `[${strides.join(',')}]` : 'null'} padding=${padding} input=[null,13,14,2]`, kind, pool, strides, padding] as const,
        ),
      ),
    ),
  );
  it.each(sweep)('%s', (_title, kind, pool, strides, padding) => {
    const s = strides ?? pool;
    const out = infer(kind, { pool_size: pool, strides, padding }, [[null, 13, 14, 2]]);
    expect(out).toEqual([null, expectedLength(13, pool[0]!, s[0]!, padding), expectedLength(14, pool[1]!, s[1]!, padding), 2]);
  });

  it('global pooling keeps the channels', () => {
    expect(infer('GlobalAveragePooling2D', {}, [[null, 7, 7, 64]])).toEqual([null, 64]);
    expect(infer('GlobalMaxPooling2D', {}, [[null, 3, 5, 8]])).toEqual([null, 8]);
  });
});

describe('other layers: shapes', () => {
  it.each([
    ['Dense units=10 input=[null,784]', 'Dense', { units: 10 }, [[null, 784]], [null, 10]],
    ['Dense on 4-D acts on the last axis', 'Dense', { units: 5 }, [[null, 4, 4, 3]], [null, 4, 4, 5]],
    ['Flatten [null,5,5,64]', 'Flatten', {}, [[null, 5, 5, 64]], [null, 1600]],
    ['Reshape [-1,4] of [null,4,4,2]', 'Reshape', { target_shape: [-1, 4] }, [[null, 4, 4, 2]], [null, 8, 4]],
    ['ZeroPadding2D [[0,2],[3,1]]', 'ZeroPadding2D', { padding: [[0, 2], [3, 1]] }, [[null, 4, 6, 2]], [null, 6, 10, 2]],
    ['UpSampling2D [3,2]', 'UpSampling2D', { size: [3, 2] }, [[null, 4, 5, 2]], [null, 12, 10, 2]],
    ['Conv2DTranspose stride 2 same', 'Conv2DTranspose', { filters: 8, strides: [2, 2], padding: 'same' }, [[null, 7, 7, 16]], [null, 14, 14, 8]],
    ['Conv2DTranspose kernel [4,3] strides [2,3] valid', 'Conv2DTranspose', { filters: 3, kernel_size: [4, 3], strides: [2, 3] }, [[null, 5, 6, 2]], [null, 12, 18, 3]],
    ['DepthwiseConv2D depth_multiplier=3', 'DepthwiseConv2D', { depth_multiplier: 3 }, [[null, 10, 10, 4]], [null, 8, 8, 12]],
    ['SeparableConv2D stride 2 same', 'SeparableConv2D', { filters: 8, strides: [2, 2], padding: 'same' }, [[null, 13, 14, 4]], [null, 7, 7, 8]],
    ['Concatenate channels', 'Concatenate', {}, [[null, 8, 8, 16], [null, 8, 8, 32]], [null, 8, 8, 48]],
    ['Concatenate axis=1', 'Concatenate', { axis: 1 }, [[null, 3, 5], [null, 4, 5]], [null, 7, 5]],
    ['Add of three', 'Add', {}, [[null, 6], [null, 6], [null, 6]], [null, 6]],
    ['Add broadcasts a size-1 axis (Keras)', 'Add', {}, [[null, 28, 28, 8], [null, 28, 28, 1]], [null, 28, 28, 8]],
    ['Add broadcasts either way and over leading axes', 'Add', {}, [[null, 1, 5], [null, 4, 1], [null, 5]], [null, 4, 5]],
    ['Multiply with an unknown size gives unknown', 'Multiply', {}, [[null, null, 3], [null, 7, 3]], [null, null, 3]],
    ['BatchNormalization keeps the shape', 'BatchNormalization', {}, [[null, 6, 6, 8]], [null, 6, 6, 8]],
  ] as const)('%s', (_title, kind, config, inputs, expected) => {
    expect(infer(kind, config, inputs.map((s) => [...s]))).toEqual(expected);
  });
});

describe('parameter counts', () => {
  it.each([
    ['Dense 784->64', 'Dense', { units: 64 }, [[null, 784]], 50_240, 0],
    ['Dense 64->10 without bias', 'Dense', { units: 10, use_bias: false }, [[null, 64]], 640, 0],
    ['Conv2D 3x3 1->32', 'Conv2D', { filters: 32 }, [[null, 28, 28, 1]], 320, 0],
    ['Conv2D 3x3 32->64', 'Conv2D', { filters: 64 }, [[null, 26, 26, 32]], 18_496, 0],
    ['Conv2DTranspose 3x3 16->8', 'Conv2DTranspose', { filters: 8 }, [[null, 7, 7, 16]], 3 * 3 * 16 * 8 + 8, 0],
    ['SeparableConv2D 3x3 3->16 dm=2', 'SeparableConv2D', { filters: 16, depth_multiplier: 2 }, [[null, 12, 12, 3]], 9 * 3 * 2 + 3 * 2 * 16 + 16, 0],
    ['DepthwiseConv2D 3x3 4 dm=3', 'DepthwiseConv2D', { depth_multiplier: 3 }, [[null, 10, 10, 4]], 9 * 12 + 12, 0],
    ['BatchNormalization 8 channels', 'BatchNormalization', {}, [[null, 6, 6, 8]], 16, 16],
    ['BatchNormalization without center', 'BatchNormalization', { center: false }, [[null, 12]], 12, 24],
    ['LayerNormalization 12', 'LayerNormalization', {}, [[null, 12]], 24, 0],
    ['MaxPooling2D has none', 'MaxPooling2D', {}, [[null, 26, 26, 32]], 0, 0],
  ] as const)('%s', (_title, kind, config, inputs, trainable, nonTrainable) => {
    expect(params(kind, config, inputs.map((s) => [...s]))).toEqual({ trainable, nonTrainable });
  });
});

describe('shape errors say what is wrong', () => {
  it.each([
    ['Conv2D on a 2-D tensor', 'Conv2D', {}, [[null, 784]], /Conv2D expects a 4-D input .* got 2-D \[null, 784\]/],
    ['MaxPooling2D on a 2-D tensor', 'MaxPooling2D', {}, [[null, 10]], /MaxPooling2D expects a 4-D input/],
    ['Conv2D shrinking to zero', 'Conv2D', { kernel_size: [5, 5] }, [[null, 4, 4, 1]], /shrinks input \[null, 4, 4, 1\] to \[null, 0, 0, 32\]/],
    ['pooling shrinking below zero', 'MaxPooling2D', { pool_size: [3, 3] }, [[null, 1, 5, 1]], /axis 1 would have size/],
    ['Add of unequal shapes', 'Add', {}, [[null, 8, 8, 16], [null, 8, 8, 32]], /Add needs inputs of the same shape, got \[null, 8, 8, 16\] and \[null, 8, 8, 32\] \(only sizes of 1 broadcast, as in Keras\)/],
    ['Add of unequal shapes on a leading axis', 'Add', {}, [[null, 4, 5], [null, 3, 5]], /Add needs inputs of the same shape/],
    ['Concatenate along a mismatched axis', 'Concatenate', {}, [[null, 8, 8, 16], [null, 4, 4, 16]], /axis 1 differs/],
    ['Concatenate of different ranks', 'Concatenate', {}, [[null, 8], [null, 4, 4]], /same rank/],
    ['Reshape to a wrong size', 'Reshape', { target_shape: [5, 5] }, [[null, 24]], /holds 25 values but the input \[null, 24\] has 24/],
    ['Flatten of a flat tensor', 'Flatten', {}, [[null, 24]], /already flat/],
    ['Dense with an unknown last axis', 'Dense', {}, [[null, null]], /known last dimension/],
    ['BatchNormalization axis outside', 'BatchNormalization', { axis: 3 }, [[null, 5]], /axis=3 is outside/],
  ] as const)('%s', (_title, kind, config, inputs, message) => {
    const run = () => infer(kind, config, inputs.map((s) => [...s]));
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(message);
  });

  it('shows shapes as Keras lists', () => {
    expect(showShape([null, 28, 28, 1])).toBe('[null, 28, 28, 1]');
  });
});
