import type { ParamSpec } from '../../../../shared/layers/types';

/**
 * Text <-> value for the inspector's text fields. Parsing only checks the value's form (an integer, a list of
 * integers); ranges and cross-field rules are the layer's own validate(), so messages stay in one place.
 * Tuples accept the Keras shorthand: "3" means (3, 3) for kernel_size.
 */
export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** `batch_input_shape`-style fields are edited without the leading batch dimension, which is always None. */
export function hidesBatch(spec: ParamSpec): boolean {
  return spec.type === 'shape' && spec.name.startsWith('batch_');
}

function dimText(d: unknown): string {
  return d === null ? 'None' : String(d);
}

export function toText(spec: ParamSpec, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (spec.type) {
    case 'intTuple':
      return Array.isArray(value) ? value.map(dimText).join(', ') : String(value);
    case 'shape': {
      if (!Array.isArray(value)) return String(value);
      return (hidesBatch(spec) ? value.slice(1) : value).map(dimText).join(', ');
    }
    case 'intPairs':
      return Array.isArray(value)
        ? value.map((p) => (Array.isArray(p) ? p.join(', ') : String(p))).join('; ')
        : String(value);
    default:
      return String(value);
  }
}

const INT = /^[+-]?\d+$/;

function tokens(text: string): string[] {
  return text
    .replace(/[()[\]]/g, ' ')
    .split(/[\s,x×]+/i)
    .filter((t) => t.length > 0);
}

function parseDim(token: string, allowNull: boolean): number | null | undefined {
  if (allowNull && /^(none|null|\?)$/i.test(token)) return null;
  return INT.test(token) ? Number(token) : undefined;
}

export function parseText(spec: ParamSpec, text: string): Parsed {
  const t = text.trim();
  const received = `Received: ${spec.name}=${JSON.stringify(text)}`;
  switch (spec.type) {
    case 'int':
      if (t === '' && spec.nullable) return { ok: true, value: null };
      return INT.test(t) ? { ok: true, value: Number(t) } : { ok: false, message: `expected an integer. ${received}` };
    case 'float': {
      if (t === '' && spec.nullable) return { ok: true, value: null };
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `expected a number. ${received}` };
    }
    case 'intTuple': {
      if (t === '' && spec.nullable) return { ok: true, value: null };
      const dims = tokens(t).map((x) => parseDim(x, false));
      if (dims.length === 0 || dims.some((d) => d === undefined)) {
        return { ok: false, message: `expected ${spec.length} integers such as "3, 3" (or one, "3"). ${received}` };
      }
      if (dims.length === 1) return { ok: true, value: Array(spec.length).fill(dims[0]) };
      if (dims.length !== spec.length) {
        return { ok: false, message: `expected ${spec.length} integers, got ${dims.length}. ${received}` };
      }
      return { ok: true, value: dims };
    }
    case 'shape': {
      const dims = tokens(t).map((x) => parseDim(x, true));
      if (dims.length === 0 || dims.some((d) => d === undefined)) {
        return { ok: false, message: `expected a list of sizes such as "28, 28, 1". ${received}` };
      }
      return { ok: true, value: hidesBatch(spec) ? [null, ...dims] : dims };
    }
    case 'intPairs': {
      const parts = t.split(';').map((p) => tokens(p).map((x) => parseDim(x, false)));
      if (parts.length === 1 && parts[0].length === 1 && parts[0][0] !== undefined) {
        const v = parts[0][0];
        return { ok: true, value: Array.from({ length: spec.length }, () => [v, v]) };
      }
      const ok = parts.length === spec.length && parts.every((p) => p.length === 2 && p.every((d) => d !== undefined));
      return ok
        ? { ok: true, value: parts }
        : { ok: false, message: `expected ${spec.length} pairs such as "1, 1; 1, 1" (or one integer). ${received}` };
    }
    case 'string':
      return { ok: true, value: text };
    case 'bool':
      return { ok: true, value: t === 'true' };
    case 'enum':
      return { ok: true, value: t };
  }
}
