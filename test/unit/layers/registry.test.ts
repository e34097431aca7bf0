import { describe, expect, it } from 'vitest';
import { getLayerKind, layerCategories, layerKinds, layerKindsByCategory, requireLayerKind } from '../../../shared/layers/registry';
import type { LayerKind, ParamSpec } from '../../../shared/layers/types';
import { layerCases } from '../../support/layer-cases';

const REQUIRED = [
  'InputLayer', 'Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'Flatten', 'Dropout', 'SpatialDropout2D', 'BatchNormalization', 'LayerNormalization', 'Activation', 'LeakyReLU', 'ReLU',
  'Reshape', 'ZeroPadding2D', 'UpSampling2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Add',
  'Concatenate', 'Multiply', 'Average',
  // Sequence layers (#16).
  'Embedding', 'Masking', 'Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D',
  'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional',
];

/** Values each param type must refuse; the first one per type must be refused by every spec of that type. */
function badValues(spec: ParamSpec): unknown[] {
  switch (spec.type) {
    case 'int':
      return [1.5, 'three', ...(spec.min !== undefined ? [spec.min - 1] : [])];
    case 'float':
      return [Number.NaN, 'x', ...(spec.min !== undefined ? [spec.min - 1] : []), ...(spec.max !== undefined ? [spec.max + 1] : [])];
    case 'bool':
      return ['yes', 1];
    case 'enum':
      return ['no-such-option', 3];
    case 'string':
      return [42];
    case 'intTuple':
      // Zeros, one entry too many, not a list, a fraction: for tuples of any length (Conv2D's 2, Conv1D's 1).
      return [Array(spec.length).fill(0), Array(spec.length + 1).fill(3), 'x', [1.5, ...Array(spec.length - 1).fill(2)]];
    case 'intPairs':
      return [[[-1, 0], [0, 0]], [[1, 1]], 5];
    case 'shape':
      return [[], 'x', [0], [2.5]];
  }
}

describe('layer registry', () => {
  it('offers every kind the issue asks for, each once', () => {
    const names = layerKinds.map((k) => k.className);
    expect(new Set(names).size).toBe(names.length);
    for (const name of REQUIRED) expect(names, name).toContain(name);
  });

  it('looks kinds up by Keras class name', () => {
    expect(getLayerKind('Conv2D')?.className).toBe('Conv2D');
    expect(getLayerKind('Conv3D')).toBeUndefined();
    expect(() => requireLayerKind('Conv3D')).toThrow(/Unknown layer kind 'Conv3D'.*Known kinds: InputLayer/);
  });

  it('has tested configs (shared with the tfjs agreement test) for every kind', () => {
    const covered = new Set(layerCases.map((c) => c.kind));
    for (const k of layerKinds) expect(covered.has(k.className), k.className).toBe(true);
  });

  it('groups every kind under a known category', () => {
    const grouped = layerKindsByCategory().flatMap((g) => g.kinds);
    expect(grouped).toHaveLength(layerKinds.length);
    for (const k of layerKinds) expect(layerCategories).toContain(k.category);
  });
});

describe.each(layerKinds.map((k) => [k.className, k] as const))('%s', (_name, kind: LayerKind) => {
  it('has valid defaults that name every param', () => {
    const defaults = kind.defaults();
    expect(kind.validate(defaults)).toEqual([]);
    expect(Object.keys(defaults).sort()).toEqual(kind.params.map((p) => p.name).sort());
    expect(kind.defaults()).not.toBe(defaults);
  });

  it('lists each param and each enum option once (the inspector keys its fields and options by them)', () => {
    const names = kind.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of kind.params) if (p.type === 'enum') expect(new Set(p.options).size, `${p.name} options`).toBe(p.options.length);
  });

  it('round-trips defaults through the Keras config', () => {
    const keras = kind.toKerasConfig(kind.defaults());
    expect(JSON.parse(JSON.stringify(keras))).toEqual(keras);
    expect(kind.fromKerasConfig(keras)).toEqual(kind.defaults());
  });

  it('round-trips every tested config through the Keras config', () => {
    for (const c of layerCases.filter((x) => x.kind === kind.className)) {
      const config = { ...kind.defaults(), ...c.config };
      expect(kind.validate(config)).toEqual([]);
      const back = kind.fromKerasConfig(JSON.parse(JSON.stringify(kind.toKerasConfig(config))));
      // Pooling reads strides equal to pool_size back as the default null.
      const expected = kind.category === 'Pooling' && Array.isArray(config['strides']) && JSON.stringify(config['strides']) === JSON.stringify(config['pool_size'])
        ? { ...config, strides: null }
        : config;
      expect(back).toEqual(expected);
    }
  });

  it.each(kind.params.flatMap((spec) => badValues(spec).map((v) => [spec.name, JSON.stringify(v) ?? String(v), spec, v] as const)))(
    'rejects %s=%s naming the field',
    (_field, _shown, spec, value) => {
      const issues = kind.validate({ ...kind.defaults(), [spec.name]: value });
      expect(issues.length).toBeGreaterThan(0);
      expect(issues[0]!.field).toBe(spec.name);
      expect(issues[0]!.message).toMatch(/^expected .*Received: /);
      expect(issues[0]!.message).toContain(`${spec.name}=`);
    },
  );

  it('declares a sensible input arity', () => {
    expect(kind.inputs.min).toBeLessThanOrEqual(kind.inputs.max);
    if (kind.className === 'Subtract') expect(kind.inputs).toEqual({ min: 2, max: 2 });
    else if (kind.category === 'Merge') expect(kind.inputs).toEqual({ min: 2, max: Number.POSITIVE_INFINITY });
    else if (kind.className === 'InputLayer') expect(kind.inputs).toEqual({ min: 0, max: 0 });
    else expect(kind.inputs).toEqual({ min: 1, max: 1 });
  });
});

describe('Keras-like validation messages', () => {
  it('Dense units=0', () => {
    expect(requireLayerKind('Dense').validate({ ...requireLayerKind('Dense').defaults(), units: 0 })).toEqual([
      { field: 'units', message: 'expected a positive integer. Received: units=0' },
    ]);
  });

  it('Dropout rate=1 and Conv2D strides with dilation', () => {
    const dropout = requireLayerKind('Dropout');
    expect(dropout.validate({ rate: 1 })[0]!.message).toBe('expected a number >= 0 and < 1. Received: rate=1');
    const conv = requireLayerKind('Conv2D');
    const issues = conv.validate({ ...conv.defaults(), strides: [2, 2], dilation_rate: [2, 2] });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('dilation_rate');
    expect(issues[0]!.message).toMatch(/strides > 1 cannot be combined with dilation_rate > 1/);
  });

  it('Reshape allows one -1 only; InputLayer needs a sample axis', () => {
    const reshape = requireLayerKind('Reshape');
    expect(reshape.validate({ target_shape: [-1, 4] })).toEqual([]);
    expect(reshape.validate({ target_shape: [-1, -1] })[0]!.field).toBe('target_shape');
    const input = requireLayerKind('InputLayer');
    expect(input.validate({ batch_input_shape: [null], dtype: 'float32' })[0]!.message).toMatch(/at least one sample axis/);
  });
});

describe('reading tf.keras and Keras 3 spellings', () => {
  it('reads int shorthands, initializers written by tfjs, and Keras 3 names', () => {
    const conv = requireLayerKind('Conv2D').fromKerasConfig({
      filters: 8,
      kernel_size: 5,
      strides: 2,
      padding: 'same',
      activation: null,
      kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal' } },
    });
    expect(conv).toMatchObject({ kernel_size: [5, 5], strides: [2, 2], activation: 'linear', kernel_initializer: 'he_normal' });
    expect(requireLayerKind('LeakyReLU').fromKerasConfig({ negative_slope: 0.2 })).toEqual({ alpha: 0.2 });
    expect(requireLayerKind('Activation').fromKerasConfig({ activation: 'silu' })).toEqual({ activation: 'swish' });
    expect(requireLayerKind('BatchNormalization').fromKerasConfig({ axis: [3] })['axis']).toBe(3);
    expect(requireLayerKind('ZeroPadding2D').fromKerasConfig({ padding: 2 })).toEqual({ padding: [[2, 2], [2, 2]] });
    expect(requireLayerKind('InputLayer').fromKerasConfig({ batch_shape: [null, 32, 32, 3] })['batch_input_shape']).toEqual([null, 32, 32, 3]);
  });

  it('writes initializers and Keras defaults explicitly', () => {
    const dense = requireLayerKind('Dense');
    const keras = dense.toKerasConfig(dense.defaults());
    expect(keras['kernel_initializer']).toEqual({ class_name: 'GlorotUniform', config: { seed: null } });
    expect(keras['bias_initializer']).toEqual({ class_name: 'Zeros', config: {} });
    const pool = requireLayerKind('MaxPooling2D');
    expect(pool.toKerasConfig(pool.defaults())).toEqual({ pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' });
  });
});
