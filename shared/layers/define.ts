import { readActivation, type ActivationName } from './activations';
import { requirePositiveDims } from './conv-arithmetic';
import { initializerJson, readInitializer, type InitializerName } from './initializers';
import { readParam, validateParams } from './params';
import type { ConfigIssue, LayerCategory, LayerKind, ParamCount, ParamSpec, Shape } from './types';

/** What one layer file declares; `defineLayer` adds the generic validation and (de)serialisation. */
export interface LayerDefinition<C extends Record<string, unknown>, N extends string = string> {
  className: N;
  category: LayerCategory;
  description: string;
  /** Defaults to exactly one input. */
  inputs?: { min: number; max: number };
  params: readonly ParamSpec[];
  defaults(): C;
  /** Checks across fields, run only once every field has passed its own ParamSpec check. */
  check?(config: C): ConfigIssue[];
  inferShape(config: C, inputShapes: Shape[]): Shape;
  outputNames?(config: C): string[];
  inferShapes?(config: C, inputShapes: Shape[]): Shape[];
  /** Defaults to no weights. */
  countParams?(config: C, inputShapes: Shape[]): ParamCount;
  /** Keras fields that are not editable params but must be written (data_format, regularizers, ...). */
  kerasExtras?(config: C): Record<string, unknown>;
  /** Fix-ups after the generic read, for fields whose Keras spelling differs between versions. */
  fromKeras?(kerasConfig: Record<string, unknown>, read: C): C;
  exportConfig?(config: C, inputShapes: Shape[]): C;
  canonicalConfig?(config: C, inputShapes: Shape[]): C;
}

const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0 };

function isInitializerField(spec: ParamSpec): boolean {
  return spec.type === 'enum' && spec.name.endsWith('_initializer');
}

function clone(value: unknown): unknown {
  return Array.isArray(value) ? value.map(clone) : value;
}

/** `N` is the literal class name, so the registry's names form a union type (LayerClassName). */
export function defineLayer<C extends Record<string, unknown>, N extends string = string>(def: LayerDefinition<C, N>): LayerKind<C, N> {
  const inputs = def.inputs ?? { min: 1, max: 1 };
  return {
    className: def.className,
    category: def.category,
    description: def.description,
    inputs,
    params: def.params,
    defaults: def.defaults,
    validate(config) {
      const issues = validateParams(def.params, config);
      return issues.length === 0 && def.check ? def.check(config) : issues;
    },
    inferShape(config, inputShapes) {
      const out = def.inferShape(config, inputShapes);
      requirePositiveDims(out, inputShapes[0] ?? [], def.className);
      return out;
    },
    countParams(config, inputShapes) {
      return def.countParams ? def.countParams(config, inputShapes) : { ...NO_PARAMS };
    },
    toKerasConfig(config) {
      const out: Record<string, unknown> = {};
      for (const spec of def.params) {
        const value = config[spec.name];
        out[spec.name] = isInitializerField(spec) ? initializerJson(value as InitializerName) : clone(value);
      }
      return { ...out, ...(def.kerasExtras ? def.kerasExtras(config) : {}) };
    },
    fromKerasConfig(kerasConfig) {
      const defaults = def.defaults();
      const read: Record<string, unknown> = { ...defaults };
      for (const spec of def.params) {
        const fallback = defaults[spec.name];
        const value = kerasConfig[spec.name];
        if (isInitializerField(spec)) read[spec.name] = readInitializer(value, fallback as InitializerName);
        else if (spec.name === 'activation') read[spec.name] = readActivation(value, fallback as ActivationName);
        else read[spec.name] = readParam(spec, value, fallback);
      }
      return def.fromKeras ? def.fromKeras(kerasConfig, read as C) : (read as C);
    },
    ...(def.outputNames ? { outputNames: def.outputNames } : {}),
    ...(def.inferShapes ? { inferShapes: def.inferShapes } : {}),
    ...(def.exportConfig ? { exportConfig: def.exportConfig } : {}),
    ...(def.canonicalConfig ? { canonicalConfig: def.canonicalConfig } : {}),
  };
}

/** tfjs writes a last-axis `axis` as a positive index; -1 is the canonical (and Keras default) spelling. */
export function canonicalAxis<C extends { axis: number }>(config: C, inputShapes: Shape[]): C {
  const rank = (inputShapes[0] ?? []).length;
  return rank > 0 && config.axis === rank - 1 ? { ...config, axis: -1 } : config;
}

/** Most layers take one tensor; this spares every file the `inputShapes[0]` dance. */
export function single(inputShapes: Shape[]): Shape {
  return inputShapes[0] ?? [];
}
