import { defineLayer, single } from './define';
import { GRU } from './gru';
import { LSTM } from './lstm';
import {
  recurrentClassNames,
  recurrentConfigOf,
  recurrentDefaults,
  recurrentParamCount,
  recurrentParams,
  recurrentShape,
  stateNames,
  type RecurrentClassName,
  type RecurrentConfig,
} from './recurrent';
import { SimpleRNN } from './simple-rnn';
import type { LayerKind, Shape } from './types';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/**
 * The wrapped layer's fields are edited flat, beside `layer` (which kind) and merge_mode; the Keras config nests
 * them as Keras writes it: {layer: {class_name: 'LSTM', config: {...}}, merge_mode: 'concat'}.
 */
export type BidirectionalConfig = RecurrentConfig & { layer: RecurrentClassName; merge_mode: MergeMode };

const inner: Record<RecurrentClassName, LayerKind<Partial<RecurrentConfig>>> = { SimpleRNN, LSTM, GRU };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRecurrent(v: unknown): v is RecurrentClassName {
  return typeof v === 'string' && (recurrentClassNames as readonly string[]).includes(v);
}

function mergedShape(c: BidirectionalConfig, input: Shape): Shape {
  const out = recurrentShape(`Bidirectional(${c.layer})`, c, input);
  if (c.merge_mode === 'concat') out[out.length - 1] = 2 * c.units;
  return out;
}

const base = defineLayer<BidirectionalConfig, 'Bidirectional'>({
  className: 'Bidirectional',
  category: 'Sequence',
  description: 'Runs a recurrent layer forwards and backwards over the sequence and merges both outputs.',
  params: [
    { name: 'layer', type: 'enum', description: 'The recurrent layer to run in both directions.', options: recurrentClassNames },
    ...recurrentParams('GRU'),
    {
      name: 'merge_mode',
      type: 'enum',
      description: "How the two directions combine: 'concat' (2 x units features), 'sum', 'mul' or 'ave'.",
      options: ['concat', 'sum', 'mul', 'ave'],
    },
  ],
  defaults: () => ({ layer: 'LSTM', ...recurrentDefaults(), merge_mode: 'concat' }),
  inferShape: (c, inputShapes) => mergedShape(c, single(inputShapes)),
  // Keras: [merged output, forward states..., backward states...], each state [batch, units].
  outputNames: (c) => (c.return_state ? ['out', ...stateNames(c.layer).map((s) => `${s}_fw`), ...stateNames(c.layer).map((s) => `${s}_bw`)] : ['out']),
  inferShapes(c, inputShapes) {
    const input = single(inputShapes);
    const states = c.return_state ? 2 * stateNames(c.layer).length : 0;
    return [mergedShape(c, input), ...Array.from({ length: states }, (): Shape => [input[0] ?? null, c.units])];
  },
  countParams(c, inputShapes) {
    const one = recurrentParamCount(c.layer, c, single(inputShapes));
    return { trainable: 2 * one.trainable, nonTrainable: 2 * one.nonTrainable };
  },
});

export const Bidirectional: LayerKind<BidirectionalConfig, 'Bidirectional'> = {
  ...base,
  toKerasConfig(c) {
    const kind = inner[c.layer] ?? LSTM;
    return { layer: { class_name: c.layer, config: kind.toKerasConfig(recurrentConfigOf(c.layer, c)) }, merge_mode: c.merge_mode };
  },
  fromKerasConfig(keras) {
    const wrapped = isObject(keras['layer']) ? keras['layer'] : {};
    const className = wrapped['class_name'];
    const defaults = base.defaults();
    const mergeMode = (keras['merge_mode'] === undefined ? defaults.merge_mode : keras['merge_mode']) as MergeMode;
    if (!isRecurrent(className)) {
      // Left for validation to report (it names the value): "expected one of 'SimpleRNN', 'LSTM', 'GRU'".
      return { ...defaults, layer: className as RecurrentClassName, merge_mode: mergeMode };
    }
    const config = inner[className].fromKerasConfig(isObject(wrapped['config']) ? wrapped['config'] : {});
    return { ...defaults, ...config, layer: className, merge_mode: mergeMode };
  },
};
