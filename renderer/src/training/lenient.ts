/**
 * Reading a stored document by its zod schema one field at a time, so that a project another version or tool wrote
 * opens with everything in it that is readable: a field that is missing or fails its own schema keeps the fallback's
 * value, instead of the whole document failing (the format stores the training config as written, shared/format).
 */
import { z } from 'zod';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema under .default(), .prefault() and .nullable(): where an object's fields or a union's options are. */
function core(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodNullable) s = s.unwrap();
  return s;
}

/** The option of a discriminated union whose tag (`key`) is `tag`. */
function optionFor(union: z.ZodDiscriminatedUnion, key: string, tag: unknown): z.ZodObject | undefined {
  return union.options.find((o): o is z.ZodObject => {
    if (!(o instanceof z.ZodObject)) return false;
    const literal = o.shape[key];
    return literal instanceof z.ZodLiteral && [...literal.values].some((v) => v === tag);
  });
}

function readObject(schema: z.ZodObject, value: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, readLeniently(field, value[key], base[key])]));
}

/**
 * `value` as `schema` reads it, field by field: objects with a fixed set of fields are read per field (a missing
 * or unreadable field keeps `fallback`'s, or the schema's default where the fallback has none, e.g. a section that
 * was off); a discriminated union by the option its tag names; anything else whole. The result is not yet typed:
 * the caller parses it with the schema, which then succeeds as every part was read by its own schema.
 */
export function readLeniently(schema: z.core.$ZodType, value: unknown, fallback: unknown): unknown {
  if (value === undefined) return fallback;
  const inner = core(schema);
  if (isRecord(value) && inner instanceof z.ZodDiscriminatedUnion) {
    const key = inner.def.discriminator;
    const option = optionFor(inner, key, value[key]);
    if (!option) return fallback;
    const base = isRecord(fallback) && fallback[key] === value[key] ? fallback : option.safeParse({ [key]: value[key] }).data;
    return isRecord(base) ? readObject(option, value, base) : fallback;
  }
  // A loose object (a dataset, whose own data has its own schema) is kept whole, extra fields and all.
  if (isRecord(value) && inner instanceof z.ZodObject && !(inner.def.catchall instanceof z.ZodUnknown)) {
    const base = isRecord(fallback) ? fallback : inner.safeParse({}).data;
    if (isRecord(base)) return readObject(inner, value, base);
  }
  const parsed = z.safeParse(schema, value);
  return parsed.success ? parsed.data : fallback;
}
