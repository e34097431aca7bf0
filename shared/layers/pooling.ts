import { pairParam, paddingParam } from './common-params';
import { IMAGE_HINT, requireRank, windowOutput, type Padding } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { LayerKind } from './types';

/** Max and average pooling share everything but the reduction, which shapes and params do not see. */

export type Pooling2DConfig = {
  pool_size: [number, number];
  /** null: the same as pool_size (Keras' default). */
  strides: [number, number] | null;
  padding: Padding;
};

export function definePooling2D<N extends string>(className: N, description: string): LayerKind<Pooling2DConfig, N> {
  return defineLayer<Pooling2DConfig, N>({
    className,
    category: 'Pooling',
    description,
    params: [
      pairParam('pool_size', 'Height and width of the pooling window.'),
      pairParam('strides', 'Step of the window; empty (null) means the pool size.', true),
      paddingParam,
    ],
    defaults: () => ({ pool_size: [2, 2], strides: null, padding: 'valid' }),
    inferShape(c, inputShapes) {
      const input = single(inputShapes);
      requireRank(input, 4, className, IMAGE_HINT);
      return [...windowOutput(input, c.pool_size, c.strides ?? c.pool_size, c.padding), input[3] ?? null];
    },
    // Written out (not null) so that tfjs' toJSON, which writes the pool size, reads back to the same JSON.
    kerasExtras: (c) => ({ data_format: 'channels_last', strides: c.strides ?? c.pool_size }),
    // tfjs writes the default strides (null) as the pool size; read that back as the default.
    fromKeras: (_keras, read) =>
      Array.isArray(read.strides) && read.strides[0] === read.pool_size[0] && read.strides[1] === read.pool_size[1]
        ? { ...read, strides: null }
        : read,
  });
}

export type GlobalPooling2DConfig = Record<string, never>;

export function defineGlobalPooling2D<N extends string>(className: N, description: string): LayerKind<GlobalPooling2DConfig, N> {
  return defineLayer<GlobalPooling2DConfig, N>({
    className,
    category: 'Pooling',
    description,
    params: [],
    defaults: () => ({}),
    inferShape(_c, inputShapes) {
      const input = single(inputShapes);
      requireRank(input, 4, className, IMAGE_HINT);
      return [input[0] ?? null, input[3] ?? null];
    },
    // keepdims=True would keep 4-D in Keras but tfjs has no such option: always write false.
    kerasExtras: () => ({ data_format: 'channels_last', keepdims: false }),
  });
}
