/**
 * The contract every layer kind implements. Pure TypeScript: no Node, no DOM, no tfjs.
 *
 * Shapes include the batch dimension first, as Keras prints them: `[null, 26, 26, 32]` is `(None, 26, 26, 32)`.
 * Configs use Keras' own field names (snake_case: `units`, `kernel_size`, `use_bias`), so that the config a user
 * edits is the config that goes into the Keras model JSON.
 */

export type Dim = number | null;
export type Shape = Dim[];

export type LayerCategory =
  | 'Input'
  | 'Core'
  | 'Convolution'
  | 'Pooling'
  | 'Normalization'
  | 'Regularization'
  | 'Activation'
  | 'Reshaping'
  | 'Merge'
  | 'Sequence';

/** Describes one config field, so the inspector can generate a form and validation can be generic. */
export type ParamSpec =
  | { name: string; type: 'int'; description: string; min?: number; max?: number; nullable?: boolean }
  | { name: string; type: 'float'; description: string; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; nullable?: boolean }
  | { name: string; type: 'bool'; description: string }
  | { name: string; type: 'enum'; description: string; options: readonly string[] }
  /** A fixed-length tuple of ints, e.g. kernel_size [3, 3]. */
  | { name: string; type: 'intTuple'; description: string; length: number; min?: number; nullable?: boolean }
  /** `length` pairs of non-negative ints, e.g. ZeroPadding2D padding [[top, bottom], [left, right]]. */
  | { name: string; type: 'intPairs'; description: string; length: number; min?: number }
  /** A variable-length list of ints, e.g. Reshape target_shape, or an int list with null (batch_input_shape). */
  | { name: string; type: 'shape'; description: string; /** Reshape: one entry may be -1 (inferred). */ allowInfer?: boolean }
  | { name: string; type: 'string'; description: string };

/** A problem with one config field: names the value and the fix, e.g. "expected a positive integer. Received: units=0". */
export interface ConfigIssue {
  field: string;
  message: string;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** Thrown by inferShape when the inputs do not fit the layer; the message says what is wrong and how to fix it. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

export interface LayerKind<C extends Record<string, unknown> = Record<string, unknown>, N extends string = string> {
  /** Keras class name, e.g. 'Conv2D'. Also the registry key. */
  readonly className: N;
  readonly category: LayerCategory;
  /** One line for the palette. */
  readonly description: string;
  /** How many inputs the layer takes. InputLayer: {min: 0, max: 0}; merges: {min: 2, max: Infinity}. */
  readonly inputs: { min: number; max: number };
  /** The fields of C in display order, for the inspector form. */
  readonly params: readonly ParamSpec[];
  /** A fresh config with Keras' defaults (and, where Keras has no default, a sensible one, e.g. units: 32). */
  defaults(): C;
  /** All problems of the config alone (not its inputs); [] when valid. */
  validate(config: C): ConfigIssue[];
  /** Output shape from input shapes (batch dim included). Throws ShapeError with a clear message. */
  inferShape(config: C, inputShapes: Shape[]): Shape;
  /**
   * Optional: the labels of the layer's outputs when it can have several, in Keras' tensor order (an LSTM with
   * return_state: out, h, c). Absent: one output. An edge reads output i as Keras' inbound [name, 0, i].
   */
  outputNames?(config: C): string[];
  /** Optional, with outputNames: the shape of every output; the first is inferShape's. */
  inferShapes?(config: C, inputShapes: Shape[]): Shape[];
  /** Weights this layer creates, given its input shapes. */
  countParams(config: C, inputShapes: Shape[]): ParamCount;
  /** The `config` object of this layer in Keras model JSON (without `name`, which the compiler adds). */
  toKerasConfig(config: C): Record<string, unknown>;
  /** Reads a Keras layer config (from tf.keras `to_json()` or tfjs `toJSON()`) back into C. */
  fromKerasConfig(kerasConfig: Record<string, unknown>): C;
  /**
   * Optional: the config with shape-dependent values made explicit, for JSON readers that cannot work them out
   * (tfjs' Reshape leaves a -1 axis unknown, which breaks the layers after it). Used by the compiler.
   */
  exportConfig?(config: C, inputShapes: Shape[]): C;
  /**
   * Optional: the config in canonical form given its inputs (tfjs writes axis=-1 of a 4-D input as 3), so that an
   * imported model compares equal to the one that was exported. Used by the importer.
   */
  canonicalConfig?(config: C, inputShapes: Shape[]): C;
}
