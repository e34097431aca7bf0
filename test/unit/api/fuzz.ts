/** Seeded random JSON values and mutations of valid params, for fuzzing the API edge. */

export { mulberry32 as rng } from '../../../shared/random';

const STRINGS = ['', 'mnist', 'run-1', '../../etc/passwd', '__proto__', 'constructor', '\u0000', 'x'.repeat(5000), '💥', 'NaN', 'null', '{"id":1}'];
const NUMBERS = [0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e-320];

export function randomJson(next: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const r = next();
  if (depth > 4 || r < 0.15) return pick([null, true, false]);
  if (r < 0.3) return next() < 0.5 ? pick(NUMBERS) : Math.floor(next() * 2000) - 1000;
  if (r < 0.5) return next() < 0.5 ? pick(STRINGS) : Math.random().toString(36).slice(2, 2 + Math.floor(next() * 10));
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 5) }, () => randomJson(next, depth + 1));
  const keys = ['id', 'name', 'runId', 'graph', 'config', 'nodes', 'edges', 'input', 'pixels', 'shape', 'path', 'split', 'count', 'project', '__proto__', 'constructor'];
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) out[pick(keys)] = randomJson(next, depth + 1);
  return out;
}

/** A valid params object with one random change: a field dropped, replaced by random JSON, or added. */
export function mutate(valid: unknown, next: () => number): unknown {
  const copy = structuredClone(valid);
  const containers: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (v && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    }
  };
  walk(copy);
  if (containers.length === 0) return randomJson(next);
  const target = containers[Math.floor(next() * containers.length)]!;
  const keys = Object.keys(target);
  const r = next();
  if (r < 0.3 && keys.length > 0) delete target[keys[Math.floor(next() * keys.length)]!];
  else if (r < 0.8 && keys.length > 0) target[keys[Math.floor(next() * keys.length)]!] = randomJson(next);
  else target[`extra${Math.floor(next() * 10)}`] = randomJson(next);
  return copy;
}
