import type { Graph } from '../graph/types';
import type { TrainingConfigInput } from '../training';
import { GraphBuilder, sequentialGraph } from './builder';

export interface ModelTemplate {
  id: string;
  title: string;
  description: string;
  /** The dataset the template is shaped for (reuters-mlp takes its multi-hot form: 10,000 words per sample). */
  dataset: 'mnist' | 'cifar10' | 'boston-housing' | 'imdb' | 'reuters';
  graph: Graph;
  /** Training settings the template is meant to train with (a TrainingConfig input); absent: the defaults. */
  training?: TrainingConfigInput;
}

const MNIST: (number | null)[] = [null, 28, 28, 1];
const relu = { activation: 'relu' };
const softmax10: [string, Record<string, unknown>] = ['Dense', { units: 10, activation: 'softmax' }];

function residualCifar(): Graph {
  const b = new GraphBuilder();
  const input = b.layer('InputLayer', { batch_input_shape: [null, 32, 32, 3] });
  let x = b.chain(input, [
    ['Conv2D', { filters: 16, kernel_size: [3, 3], padding: 'same', use_bias: false }],
    ['BatchNormalization'],
    ['ReLU'],
  ]);
  const block = (from: string, filters: number, stride: number): string => {
    const main = b.chain(from, [
      ['Conv2D', { filters, kernel_size: [3, 3], strides: [stride, stride], padding: 'same', use_bias: false }],
      ['BatchNormalization'],
      ['ReLU'],
      ['Conv2D', { filters, kernel_size: [3, 3], padding: 'same', use_bias: false }],
      ['BatchNormalization'],
    ]);
    // The skip path needs a 1x1 projection wherever the block changes the shape.
    const skip =
      stride === 1
        ? from
        : b.chain(from, [
            ['Conv2D', { filters, kernel_size: [1, 1], strides: [stride, stride], padding: 'same', use_bias: false }],
            ['BatchNormalization'],
          ]);
    return b.chain(b.layer('Add', {}, [main, skip]), [['ReLU']]);
  };
  x = block(x, 16, 1);
  x = block(x, 16, 1);
  x = block(x, 32, 2);
  x = block(x, 64, 2);
  b.chain(x, [['GlobalAveragePooling2D'], softmax10]);
  return b.build();
}

/** Token ids padded to 200 (the catalog's text datasets), 10,000-word vocabulary. */
const TOKENS: (number | null)[] = [null, 200];

/** The text exercises' training (Deep Learning with Python, ch. 3 and 6): RMSprop 0.001, 20% of the training data held out. */
const TEXT_TRAINING = {
  optimizer: { name: 'rmsprop', learning_rate: 0.001 },
  metrics: ['accuracy'],
  validation: { kind: 'split', fraction: 0.2 },
} satisfies TrainingConfigInput;
/** Positive or negative from one sigmoid unit. */
const TEXT_BINARY = { ...TEXT_TRAINING, loss: 'binary_crossentropy' } satisfies TrainingConfigInput;
/** One of 46 topics from a softmax, labels as class indices. */
const TEXT_TOPICS = { ...TEXT_TRAINING, loss: 'sparse_categorical_crossentropy' } satisfies TrainingConfigInput;

/** The workshop's models, in the order the workshop builds them; its text follow-ons (#16) last. */
export const templates: readonly ModelTemplate[] = [
  {
    id: 'mlp-64',
    title: 'MLP 784-64-64-10',
    description: 'Two hidden layers of 64 ReLU units on flattened MNIST digits (55,050 parameters).',
    dataset: 'mnist',
    graph: sequentialGraph([null, 784], [['Dense', { units: 64, ...relu }], ['Dense', { units: 64, ...relu }], softmax10]),
  },
  {
    id: 'mlp-512',
    title: 'MLP 784-512-512-10',
    description: 'Two wide hidden layers of 512 ReLU units (669,706 parameters).',
    dataset: 'mnist',
    graph: sequentialGraph([null, 784], [['Dense', { units: 512, ...relu }], ['Dense', { units: 512, ...relu }], softmax10]),
  },
  {
    id: 'mlp-deep',
    title: 'Deep MLP 784-512x4-10',
    description: 'Four hidden layers of 512 ReLU units with dropout: deeper is not always better.',
    dataset: 'mnist',
    graph: sequentialGraph([null, 784], [
      ['Dense', { units: 512, ...relu }],
      ['Dropout', { rate: 0.2 }],
      ['Dense', { units: 512, ...relu }],
      ['Dropout', { rate: 0.2 }],
      ['Dense', { units: 512, ...relu }],
      ['Dropout', { rate: 0.2 }],
      ['Dense', { units: 512, ...relu }],
      softmax10,
    ]),
  },
  {
    id: 'cnn-first',
    title: 'First CNN',
    description: 'One convolution (32 3x3 filters), max pooling, then a dense classifier.',
    dataset: 'mnist',
    graph: sequentialGraph(MNIST, [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], ...relu }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 128, ...relu }],
      softmax10,
    ]),
  },
  {
    id: 'cnn-scaled',
    title: 'Scaled CNN',
    description: 'Two convolution blocks (32 and 64 filters, two convolutions each) before the classifier.',
    dataset: 'mnist',
    graph: sequentialGraph(MNIST, [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], ...relu }],
      ['Conv2D', { filters: 32, kernel_size: [3, 3], ...relu }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], ...relu }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], ...relu }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 256, ...relu }],
      softmax10,
    ]),
  },
  {
    id: 'cnn-dropout',
    title: 'CNN with dropout (Keras mnist_cnn)',
    description: 'The classic Keras MNIST CNN: two convolutions, pooling, dropout .25 and .5 (1,199,882 parameters).',
    dataset: 'mnist',
    graph: sequentialGraph(MNIST, [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], ...relu }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], ...relu }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Dropout', { rate: 0.25 }],
      ['Flatten'],
      ['Dense', { units: 128, ...relu }],
      ['Dropout', { rate: 0.5 }],
      softmax10,
    ]),
  },
  {
    id: 'cnn-batchnorm',
    title: 'CNN with batch normalization',
    description: 'Convolution blocks with BatchNormalization, which trains faster and tolerates higher learning rates.',
    dataset: 'mnist',
    graph: sequentialGraph(MNIST, [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', use_bias: false }],
      ['BatchNormalization'],
      ['Activation', { activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], padding: 'same', use_bias: false }],
      ['BatchNormalization'],
      ['Activation', { activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 128, ...relu }],
      ['Dropout', { rate: 0.5 }],
      softmax10,
    ]),
  },
  {
    id: 'resnet-cifar',
    title: 'Small ResNet (CIFAR-10)',
    description: 'Residual blocks with Add skip connections (1x1 projections where the shape changes) on 32x32 colour images.',
    dataset: 'cifar10',
    graph: residualCifar(),
  },
  {
    id: 'imdb-embedding-pool',
    title: 'IMDB: Embedding + average pooling',
    description: 'Embedding 10000x16, mean over the words, Dense 16 ReLU, one sigmoid output: positive or negative (160,289 parameters).',
    dataset: 'imdb',
    graph: sequentialGraph(TOKENS, [
      ['Embedding', { input_dim: 10000, output_dim: 16 }],
      ['GlobalAveragePooling1D'],
      ['Dense', { units: 16, ...relu }],
      ['Dense', { units: 1, activation: 'sigmoid' }],
    ]),
    // Deep Learning with Python's IMDB setup: RMSprop, binary cross-entropy on the sigmoid, 20% held out.
    training: { dataset: { name: 'imdb' }, ...TEXT_BINARY, batch_size: 32, epochs: 10 },
  },
  {
    id: 'imdb-lstm',
    title: 'IMDB: Embedding + LSTM',
    description: 'Embedding 10000x32 read by an LSTM of 32 units, one sigmoid output (328,353 parameters).',
    dataset: 'imdb',
    graph: sequentialGraph(TOKENS, [
      ['Embedding', { input_dim: 10000, output_dim: 32 }],
      ['LSTM', { units: 32 }],
      ['Dense', { units: 1, activation: 'sigmoid' }],
    ]),
    training: { dataset: { name: 'imdb' }, ...TEXT_BINARY, batch_size: 128, epochs: 10 },
  },
  {
    id: 'reuters-mlp',
    title: 'Reuters: multi-hot MLP',
    description: 'Bag of words (multi-hot over 10,000 words), two Dense 64 ReLU layers, softmax over 46 topics (647,214 parameters).',
    dataset: 'reuters',
    graph: sequentialGraph([null, 10000], [
      ['Dense', { units: 64, ...relu }],
      ['Dense', { units: 64, ...relu }],
      ['Dense', { units: 46, activation: 'softmax' }],
    ]),
    // The book's Reuters MLP: multi-hot vectors of the 10,000 most frequent words, 9 epochs of 512.
    training: { dataset: { name: 'reuters', text: { num_words: 10000, multi_hot: true } }, ...TEXT_TOPICS, batch_size: 512, epochs: 9 },
  },
  {
    id: 'reuters-conv1d',
    title: 'Reuters: Embedding + Conv1D',
    description: 'Embedding 10000x64, two 1-D convolutions of 64 filters (width 5) with pooling, softmax over 46 topics.',
    dataset: 'reuters',
    graph: sequentialGraph(TOKENS, [
      ['Embedding', { input_dim: 10000, output_dim: 64 }],
      ['Conv1D', { filters: 64, kernel_size: [5], ...relu }],
      ['MaxPooling1D', { pool_size: [2] }],
      ['Conv1D', { filters: 64, kernel_size: [5], ...relu }],
      ['GlobalMaxPooling1D'],
      ['Dense', { units: 46, activation: 'softmax' }],
    ]),
    training: { dataset: { name: 'reuters' }, ...TEXT_TOPICS, batch_size: 128, epochs: 10 },
  },
  {
    id: 'boston-mlp',
    title: 'Boston Housing regression MLP',
    description: 'Dense 64 ReLU, Dense 64 ReLU, Dense 1 on 13 standardised features, trained with RMSprop 0.001, mse loss and mae (the standard Boston Housing exercise; 5,121 parameters).',
    dataset: 'boston-housing',
    graph: sequentialGraph([null, 13], [['Dense', { units: 64, ...relu }], ['Dense', { units: 64, ...relu }], ['Dense', { units: 1 }]]),
    training: {
      dataset: { name: 'boston-housing' },
      optimizer: { name: 'rmsprop', learning_rate: 0.001 },
      loss: 'mse',
      metrics: ['mae'],
      batch_size: 16,
      epochs: 100,
      preprocessing: { normalize: 'standardize' },
    },
  },
];

/** A fresh copy of a template's graph (callers may edit it), or undefined for an unknown id. */
export function getTemplate(id: string): ModelTemplate | undefined {
  const t = templates.find((x) => x.id === id);
  return t && { ...t, graph: JSON.parse(JSON.stringify(t.graph)) as Graph };
}
