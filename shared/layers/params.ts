import type { ConfigIssue, ParamSpec } from './types';

/**
 * Generic checking and reading of config fields from their ParamSpec, so that every layer kind validates and
 * deserialises the same way and its messages read like Keras': "expected a positive integer. Received: units=0".
 */

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

function intRange(min: number | undefined, max: number | undefined): string {
  if (min === 1 && max === undefined) return 'a positive integer';
  if (min === 0 && max === undefined) return 'a non-negative integer';
  if (min !== undefined && max !== undefined) return `an integer between ${min} and ${max}`;
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

function floatRange(spec: Extract<ParamSpec, { type: 'float' }>): string {
  const lo = spec.min === undefined ? '' : `${spec.exclusiveMin ? '>' : '>='} ${spec.min}`;
  const hi = spec.max === undefined ? '' : `${spec.exclusiveMax ? '<' : '<='} ${spec.max}`;
  if (lo && hi) return `a number ${lo} and ${hi}`;
  if (lo || hi) return `a number ${lo || hi}`;
  return 'a finite number';
}

function isInt(v: unknown, min?: number, max?: number): v is number {
  return (
    typeof v === 'number' && Number.isInteger(v) && (min === undefined || v >= min) && (max === undefined || v <= max)
  );
}

/** Checks one field against its spec; undefined when fine. */
export function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  const received = `Received: ${spec.name}=${show(value)}`;
  switch (spec.type) {
    case 'int':
      if (value === null && spec.nullable) return undefined;
      return isInt(value, spec.min, spec.max) ? undefined : `expected ${intRange(spec.min, spec.max)}. ${received}`;
    case 'float': {
      if (value === null && spec.nullable) return undefined;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (spec.min === undefined || (spec.exclusiveMin ? value > spec.min : value >= spec.min)) &&
        (spec.max === undefined || (spec.exclusiveMax ? value < spec.max : value <= spec.max));
      return ok ? undefined : `expected ${floatRange(spec)}. ${received}`;
    }
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false. ${received}`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? undefined
        : `expected one of ${spec.options.map((o) => `'${o}'`).join(', ')}. ${received}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string. ${received}`;
    case 'intTuple': {
      if (value === null && spec.nullable) return undefined;
      const min = spec.min ?? 1;
      const ok = Array.isArray(value) && value.length === spec.length && value.every((v) => isInt(v, min));
      return ok
        ? undefined
        : `expected a list of ${spec.length} ${min === 1 ? 'positive' : `>= ${min}`} integers, e.g. [${Array(spec.length)
            .fill(Math.max(min, 1) + 1)
            .join(', ')}]. ${received}`;
    }
    case 'intPairs': {
      const min = spec.min ?? 0;
      const ok =
        Array.isArray(value) &&
        value.length === spec.length &&
        value.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => isInt(v, min)));
      return ok
        ? undefined
        : `expected ${spec.length} pairs of integers >= ${min}, e.g. [[1, 1], [1, 1]]. ${received}`;
    }
    case 'shape': {
      if (spec.allowInfer) {
        const ok =
          Array.isArray(value) &&
          value.length > 0 &&
          value.every((v) => isInt(v, 1) || v === -1) &&
          value.filter((v) => v === -1).length <= 1;
        return ok ? undefined : `expected a non-empty list of positive integers, at most one of them -1. ${received}`;
      }
      const ok = Array.isArray(value) && value.length > 0 && value.every((v) => v === null || isInt(v, 1));
      return ok ? undefined : `expected a non-empty list of positive integers (or null). ${received}`;
    }
  }
}

export function validateParams(params: readonly ParamSpec[], config: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const spec of params) {
    const message = checkParam(spec, config[spec.name]);
    if (message) issues.push({ field: spec.name, message });
  }
  return issues;
}

/**
 * Reads a Keras value into the shape our config uses. Keras and tfjs write tuples as lists and sometimes as one
 * int (kernel_size=3); ZeroPadding2D may be an int, a pair, or pairs. Unreadable values are passed through so
 * that validation reports them instead of silently falling back to the default.
 */
export function readParam(spec: ParamSpec, value: unknown, fallback: unknown): unknown {
  if (value === undefined) return fallback;
  switch (spec.type) {
    case 'intTuple':
      if (typeof value === 'number') return Array(spec.length).fill(value);
      return Array.isArray(value) ? [...value] : value;
    case 'intPairs':
      if (typeof value === 'number') return Array.from({ length: spec.length }, () => [value, value]);
      if (Array.isArray(value)) {
        return value.map((p: unknown) => (typeof p === 'number' ? [p, p] : Array.isArray(p) ? [...p] : p));
      }
      return value;
    case 'shape':
      return Array.isArray(value) ? [...value] : value;
    default:
      return value;
  }
}
