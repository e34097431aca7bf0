import { ShapeError, type Dim, type Shape } from './types';

/**
 * Keras' spatial arithmetic (keras/src/ops/operation_utils.py, tfjs-layers conv_utils.ts), channels_last only.
 * Unknown sizes (null) stay unknown.
 */

export type Padding = 'valid' | 'same';

export function dilatedKernel(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/** Output length of a convolution or pooling window along one axis. Can be <= 0 for too small inputs. */
export function convOutputLength(input: Dim, kernel: number, padding: Padding, stride: number, dilation = 1): Dim {
  if (input === null) return null;
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.floor((input - dilatedKernel(kernel, dilation)) / stride) + 1;
}

/** Output length of a transposed convolution (no output_padding), as Keras' deconv_output_length. */
export function deconvOutputLength(input: Dim, kernel: number, padding: Padding, stride: number): Dim {
  if (input === null) return null;
  if (padding === 'same') return input * stride;
  return input * stride + Math.max(kernel - stride, 0);
}

/** "(None, 784)", as Keras prints shapes and as the editor shows them everywhere (never "[null, 784]"). */
export function showShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** Throws unless the input has exactly `rank` axes (batch included). `what` names the layer in the message. */
export function requireRank(shape: Shape, rank: number, what: string, hint: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `${what} expects a ${rank}-D input (batch${rank === 4 ? ', height, width, channels' : ', ...'}), ` +
        `got ${shape.length}-D ${showShape(shape)}. ${hint}`,
    );
  }
}

// Said without knowing the graph, so it must hold whether the Input is an image or not: the usual mistake is a
// spatial layer placed after Flatten or Dense, whose outputs are flat, while the Input already is 28x28x1.
export const IMAGE_HINT =
  'It needs images (height, width, channels): connect it to the Input or to a Conv2D/pooling layer, before any Flatten or Dense; ' +
  'for flat data, put a Reshape (e.g. 28, 28, 1) in front of it.';

/** Throws when a spatial size came out <= 0: the input is too small for the kernel, stride and padding. */
export function requirePositiveDims(out: Shape, input: Shape, what: string): void {
  for (let i = 1; i < out.length; i++) {
    const d = out[i];
    if (d !== null && d <= 0) {
      throw new ShapeError(
        `${what} shrinks input ${showShape(input)} to ${showShape(out)}: axis ${i} would have size ${d}. ` +
          `Use a smaller kernel or stride, padding 'same', or a larger input.`,
      );
    }
  }
}

/** Window output [batch, h, w] for a 4-D channels_last input. */
export function windowOutput(
  input: Shape,
  kernel: readonly number[],
  strides: readonly number[],
  padding: Padding,
  dilation: readonly number[] = [1, 1],
): [Dim, Dim, Dim] {
  return [
    input[0] ?? null,
    convOutputLength(input[1] ?? null, kernel[0]!, padding, strides[0]!, dilation[0]),
    convOutputLength(input[2] ?? null, kernel[1]!, padding, strides[1]!, dilation[1]),
  ];
}

/** The channel count of a channels_last input, which weights depend on, so it must be known. */
export function knownChannels(input: Shape, what: string): number {
  const c = input[input.length - 1];
  if (c === null || c === undefined) {
    throw new ShapeError(
      `${what} needs a known last (channel) dimension to create its weights, got ${showShape(input)}. ` +
        `Give the Input a fixed channel count.`,
    );
  }
  return c;
}
