import { activationNames, type ActivationName } from './activations';
import { activationParam, regularizerNulls, useBiasParam } from './common-params';
import { defineLayer, single } from './define';
import { knownFeatures, requireSequence } from './sequence-arithmetic';
import type { LayerKind, ParamCount, ParamSpec, Shape } from './types';

/**
 * SimpleRNN, LSTM and GRU share their fields, shapes and Keras extras; they differ in the number of gates
 * (1, 4, 3) and in GRU's reset_after, which gives it a second bias. Bidirectional reuses all of it.
 */

export type RecurrentClassName = 'SimpleRNN' | 'LSTM' | 'GRU';
export const recurrentClassNames: readonly RecurrentClassName[] = ['SimpleRNN', 'LSTM', 'GRU'];

/**
 * Gate activations: every activation, Keras 1's default hard_sigmoid among them (tfjs knows it under the same name).
 * Not a second list with hard_sigmoid appended: it is in activationNames, and a repeated option broke the
 * inspector's keyed list of options (every recurrent layer's parameters went blank).
 */
export const recurrentActivationNames = activationNames;
export type RecurrentActivationName = ActivationName;

export type RecurrentConfig = {
  units: number;
  activation: ActivationName;
  recurrent_activation: RecurrentActivationName;
  use_bias: boolean;
  return_sequences: boolean;
  /** Also output the final state: LSTM [output, h, c], GRU and SimpleRNN [output, h] (Keras' extra outputs). */
  return_state: boolean;
  dropout: number;
  recurrent_dropout: number;
  /** GRU only: Keras 2/3's default (true) applies the reset gate after the recurrent matmul and keeps two biases. */
  reset_after: boolean;
};

const rate = (name: string, what: string): ParamSpec => ({
  name,
  type: 'float',
  min: 0,
  max: 1,
  exclusiveMax: true,
  description: `Fraction of the ${what} to drop during training.`,
});

export const unitsParam: ParamSpec = { name: 'units', type: 'int', min: 1, description: 'Size of the hidden state (output features).' };

export function recurrentParams(className: RecurrentClassName): ParamSpec[] {
  return [
    unitsParam,
    { ...activationParam, description: 'Activation of the candidate state (Keras: tanh).' },
    ...(className === 'SimpleRNN'
      ? []
      : [{ name: 'recurrent_activation', type: 'enum', description: 'Activation of the gates (Keras: sigmoid).', options: recurrentActivationNames } as ParamSpec]),
    useBiasParam,
    { name: 'return_sequences', type: 'bool', description: 'Output every timestep [batch, T, units] instead of the last [batch, units].' },
    { name: 'return_state', type: 'bool', description: 'Also output the final state [batch, units] (LSTM: h and c), e.g. to feed a Dense as an encoder.' },
    rate('dropout', 'inputs'),
    rate('recurrent_dropout', 'recurrent state'),
    ...(className === 'GRU'
      ? [{ name: 'reset_after', type: 'bool', description: 'Reset gate after the recurrent matmul (Keras 2/3 default, cuDNN-compatible).' } as ParamSpec]
      : []),
  ];
}

export function recurrentDefaults(): RecurrentConfig {
  return {
    units: 32,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    return_sequences: false,
    return_state: false,
    dropout: 0,
    recurrent_dropout: 0,
    reset_after: true,
  };
}

/** The config of one kind: SimpleRNN has no gates, only GRU has reset_after. */
export function recurrentConfigOf(className: RecurrentClassName, c: RecurrentConfig): Partial<RecurrentConfig> {
  const names = recurrentParams(className).map((p) => p.name) as (keyof RecurrentConfig)[];
  return Object.fromEntries(names.map((n) => [n, c[n]]));
}

/** The states a layer returns with return_state, in Keras' order: LSTM h and c, the others h. */
export function stateNames(className: RecurrentClassName): string[] {
  return className === 'LSTM' ? ['h', 'c'] : ['h'];
}

/** Labels of every output, in Keras' tensor order: the output, then the states when return_state is on. */
export function recurrentOutputNames(className: RecurrentClassName, c: Pick<RecurrentConfig, 'return_state'>): string[] {
  return c.return_state ? ['out', ...stateNames(className)] : ['out'];
}

/** Every output's shape: the output, then one [batch, units] per state. */
export function recurrentShapes(className: RecurrentClassName, c: Pick<RecurrentConfig, 'units' | 'return_sequences' | 'return_state'>, input: Shape): Shape[] {
  const out = recurrentShape(className, c, input);
  return [out, ...recurrentOutputNames(className, c).slice(1).map((): Shape => [input[0] ?? null, c.units])];
}

export function recurrentShape(className: string, c: Pick<RecurrentConfig, 'units' | 'return_sequences'>, input: Shape): Shape {
  requireSequence(input, className);
  return c.return_sequences ? [input[0] ?? null, input[1] ?? null, c.units] : [input[0] ?? null, c.units];
}

/** Keras' counts: gates * (u * (d + u) + u), and GRU with reset_after has a second (recurrent) bias. */
export function recurrentParamCount(className: RecurrentClassName, c: RecurrentConfig, input: Shape): ParamCount {
  const d = knownFeatures(input, className);
  const u = c.units;
  const gates = className === 'LSTM' ? 4 : className === 'GRU' ? 3 : 1;
  const biases = !c.use_bias ? 0 : className === 'GRU' && c.reset_after ? 2 : 1;
  return { trainable: gates * (u * (d + u) + biases * u), nonTrainable: 0 };
}

/** Fields tf.keras writes that are not editable here; recurrent_initializer is Keras' orthogonal. */
export function recurrentKerasExtras(className: RecurrentClassName): Record<string, unknown> {
  return {
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    ...regularizerNulls('kernel', 'recurrent', 'bias'),
    activity_regularizer: null,
    go_backwards: false,
    stateful: false,
    unroll: false,
    ...(className === 'SimpleRNN' ? {} : { implementation: 2 }),
    ...(className === 'LSTM' ? { unit_forget_bias: true } : {}),
  };
}

/** Files from Keras 1 have no reset_after, which then meant false; Keras 2/3 always write it. */
function readResetAfter(keras: Record<string, unknown>, read: RecurrentConfig): RecurrentConfig {
  return keras['reset_after'] === undefined && keras['units'] !== undefined ? { ...read, reset_after: false } : read;
}

export function defineRecurrent<N extends RecurrentClassName>(className: N, description: string): LayerKind<Partial<RecurrentConfig>, N> {
  const params = recurrentParams(className);
  const defaults = (): Partial<RecurrentConfig> => recurrentConfigOf(className, recurrentDefaults());
  const full = (c: Partial<RecurrentConfig>): RecurrentConfig => ({ ...recurrentDefaults(), ...c });
  return defineLayer<Partial<RecurrentConfig>, N>({
    className,
    category: 'Sequence',
    description,
    params,
    defaults,
    inferShape: (c, inputShapes) => recurrentShape(className, full(c), single(inputShapes)),
    outputNames: (c) => recurrentOutputNames(className, full(c)),
    inferShapes: (c, inputShapes) => recurrentShapes(className, full(c), single(inputShapes)),
    countParams: (c, inputShapes) => recurrentParamCount(className, full(c), single(inputShapes)),
    kerasExtras: () => recurrentKerasExtras(className),
    fromKeras: (keras, read) => {
      // Keras 1/tfjs' old default gate activation is hard_sigmoid: spelled hardSigmoid by some tfjs versions.
      const r = read.recurrent_activation === ('hardSigmoid' as RecurrentActivationName) ? { ...read, recurrent_activation: 'hard_sigmoid' as const } : read;
      return className === 'GRU' ? recurrentConfigOf(className, readResetAfter(keras, full(r))) : r;
    },
  });
}
