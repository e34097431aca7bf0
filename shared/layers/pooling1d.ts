import { paddingParam } from './common-params';
import { convOutputLength, type Padding } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { intParam1, requireSequence } from './sequence-arithmetic';
import type { LayerKind } from './types';

/** Max and average pooling along the timesteps; like their 2-D kin (pooling.ts) on [batch, T, features]. */

export type Pooling1DConfig = {
  pool_size: [number];
  /** null: the same as pool_size (Keras' default). */
  strides: [number] | null;
  padding: Padding;
};

export function definePooling1D<N extends string>(className: N, description: string): LayerKind<Pooling1DConfig, N> {
  return defineLayer<Pooling1DConfig, N>({
    className,
    category: 'Sequence',
    description,
    params: [
      intParam1('pool_size', 'Length of the pooling window.'),
      intParam1('strides', 'Step of the window; empty (null) means the pool size.', true),
      paddingParam,
    ],
    defaults: () => ({ pool_size: [2], strides: null, padding: 'valid' }),
    inferShape(c, inputShapes) {
      const input = single(inputShapes);
      requireSequence(input, className);
      const stride = (c.strides ?? c.pool_size)[0];
      return [input[0] ?? null, convOutputLength(input[1] ?? null, c.pool_size[0], c.padding, stride), input[2] ?? null];
    },
    // Written out, as the 2-D pools do, so tfjs' toJSON (which writes the pool size) reads back to the same JSON.
    kerasExtras: (c) => ({ data_format: 'channels_last', strides: c.strides ?? c.pool_size }),
    fromKeras: (_keras, read) =>
      Array.isArray(read.strides) && read.strides[0] === read.pool_size[0] ? { ...read, strides: null } : read,
  });
}

export type GlobalPooling1DConfig = Record<string, never>;

export function defineGlobalPooling1D<N extends string>(className: N, description: string): LayerKind<GlobalPooling1DConfig, N> {
  return defineLayer<GlobalPooling1DConfig, N>({
    className,
    category: 'Sequence',
    description,
    params: [],
    defaults: () => ({}),
    inferShape(_c, inputShapes) {
      const input = single(inputShapes);
      requireSequence(input, className);
      return [input[0] ?? null, input[2] ?? null];
    },
    kerasExtras: () => ({ data_format: 'channels_last', keepdims: false }),
  });
}
