import { activationNames } from './activations';
import { initializerNames } from './initializers';
import type { ConfigIssue, ParamSpec } from './types';

/** ParamSpecs several layer families share, so names, ranges and wording stay identical across kinds. */

export const activationParam: ParamSpec = {
  name: 'activation',
  type: 'enum',
  description: 'Activation applied to the output.',
  options: activationNames,
};

export const useBiasParam: ParamSpec = { name: 'use_bias', type: 'bool', description: 'Whether to add a bias vector.' };

export function initializerParam(name: string, description: string): ParamSpec {
  return { name, type: 'enum', description, options: initializerNames };
}

export function pairParam(name: string, description: string, nullable = false): ParamSpec {
  return { name, type: 'intTuple', length: 2, min: 1, description, ...(nullable ? { nullable } : {}) };
}

export const paddingParam: ParamSpec = {
  name: 'padding',
  type: 'enum',
  description: "'valid': no padding, the output shrinks; 'same': pad so that output = ceil(input / stride).",
  options: ['valid', 'same'],
};

export const filtersParam: ParamSpec = { name: 'filters', type: 'int', min: 1, description: 'Number of output channels.' };

export const depthMultiplierParam: ParamSpec = {
  name: 'depth_multiplier',
  type: 'int',
  min: 1,
  description: 'Output channels per input channel of the depthwise step.',
};

/** tf.keras writes every regularizer and constraint slot; writing them as null keeps our JSON like its own. */
export function regularizerNulls(...names: string[]): Record<string, null> {
  const out: Record<string, null> = {};
  for (const n of names) {
    out[`${n}_regularizer`] = null;
    out[`${n}_constraint`] = null;
  }
  return out;
}

/** Keras refuses strides > 1 combined with dilation_rate > 1 (the op has no kernel for it). */
export function stridesWithDilation(strides: readonly number[], dilation: readonly number[]): ConfigIssue[] {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    return [
      {
        field: 'dilation_rate',
        message:
          `strides > 1 cannot be combined with dilation_rate > 1; set one of them to 1. ` +
          `Received: strides=${JSON.stringify(strides)}, dilation_rate=${JSON.stringify(dilation)}`,
      },
    ];
  }
  return [];
}

/** The fields every kernel layer ends with (Dense, the convolutions): activation, bias, initializers. */
export const kernelTailParams: readonly ParamSpec[] = [
  activationParam,
  useBiasParam,
  initializerParam('kernel_initializer', 'Initializer of the kernel.'),
  initializerParam('bias_initializer', 'Initializer of the bias.'),
];

export function kernelTailDefaults() {
  return { activation: 'linear', use_bias: true, kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' } as const;
}
