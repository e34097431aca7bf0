import { showShape } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { initializerJson, type InitializerName } from './initializers';
import { ShapeError } from './types';
import { regularizerNulls, initializerParam } from './common-params';

export type EmbeddingConfig = {
  input_dim: number;
  output_dim: number;
  mask_zero: boolean;
  /** Fixed sequence length, or null (any). Keras 3 dropped it; tf.keras 2 and tfjs still read it. */
  input_length: number | null;
  embeddings_initializer: InitializerName;
};

export const Embedding = defineLayer<EmbeddingConfig, 'Embedding'>({
  className: 'Embedding',
  category: 'Sequence',
  description: 'Turns token ids (0 .. input_dim - 1) into dense vectors: [batch, T] -> [batch, T, output_dim].',
  params: [
    { name: 'input_dim', type: 'int', min: 1, description: 'Vocabulary size: the largest token id + 1.' },
    { name: 'output_dim', type: 'int', min: 1, description: 'Length of each token vector.' },
    { name: 'mask_zero', type: 'bool', description: 'Treat id 0 as padding and mask it for the layers after (RNNs skip it).' },
    { name: 'input_length', type: 'int', min: 1, nullable: true, description: 'Fixed sequence length (empty: any).' },
    initializerParam('embeddings_initializer', 'Initializer of the embedding matrix.'),
  ],
  // Keras' default initializer is 'uniform' (RandomUniform in [-0.05, 0.05]), as is tfjs' randomUniform.
  defaults: () => ({ input_dim: 10000, output_dim: 16, mask_zero: false, input_length: null, embeddings_initializer: 'random_uniform' }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    if (input.length < 2) throw new ShapeError(`Embedding expects token ids of shape [batch, T], got ${showShape(input)}.`);
    if (c.input_length !== null) {
      if (input.length !== 2) {
        throw new ShapeError(
          `Embedding input_length=${c.input_length} needs a 2-D input [batch, T], got ${showShape(input)}. Clear input_length or reshape the input.`,
        );
      }
      const t = input[1] ?? null;
      if (t !== null && t !== c.input_length) {
        throw new ShapeError(
          `Embedding input_length=${c.input_length} does not match the input's length ${t} (${showShape(input)}). ` +
            `Set input_length to ${t} or clear it.`,
        );
      }
      return [input[0] ?? null, c.input_length, c.output_dim];
    }
    return [...input, c.output_dim];
  },
  countParams: (c) => ({ trainable: c.input_dim * c.output_dim, nonTrainable: 0 }),
  kerasExtras: (c) => ({
    embeddings_initializer: c.embeddings_initializer === 'random_uniform'
      ? { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } }
      : initializerJson(c.embeddings_initializer),
    ...regularizerNulls('embeddings'),
    activity_regularizer: null,
  }),
});
