import { showShape } from './conv-arithmetic';
import { ShapeError, type Shape } from './types';

/**
 * What the 1-D (sequence) layers share: Keras' (None, T, D) layout, i.e. [batch, timesteps, features], and the
 * checks that say how to get there when the input has another shape.
 */

export const SEQUENCE_HINT =
  'Put an Embedding in front of this layer (token ids -> [batch, timesteps, features]), give the Input a shape ' +
  'such as [100, 16], or reshape to [timesteps, features].';

/** Throws unless the input is [batch, timesteps, features]. */
export function requireSequence(input: Shape, what: string): void {
  if (input.length !== 3) {
    throw new ShapeError(
      `${what} expects a 3-D input (batch, timesteps, features), got ${input.length}-D ${showShape(input)}. ${SEQUENCE_HINT}`,
    );
  }
}

/** The feature count of a sequence, which weights depend on, so it must be known. */
export function knownFeatures(input: Shape, what: string): number {
  requireSequence(input, what);
  const d = input[2];
  if (d === null || d === undefined) {
    throw new ShapeError(
      `${what} needs a known feature (last) dimension to create its weights, got ${showShape(input)}. ` +
        `Give the Input a fixed last dimension or put an Embedding in front.`,
    );
  }
  return d;
}

export function intParam1(name: string, description: string, nullable = false) {
  return { name, type: 'intTuple', length: 1, min: 1, description, ...(nullable ? { nullable } : {}) } as const;
}
