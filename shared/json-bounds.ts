/**
 * Nesting and size bounds of a parsed JSON value, checked before any schema sees it. zod, JSON.stringify and
 * structuredClone all recurse, so an array nested a few thousand deep (a 2.5 KB message, a 42 KB project file)
 * overflows their stack; this walk is iterative, so it cannot, and it stops at the first value past a bound.
 */

export interface JsonBounds {
  /** Deepest nesting of arrays and objects (the value itself is depth 0). */
  maxDepth: number;
  /** Arrays, objects and scalars in all. */
  maxValues: number;
}

/** Far above any project, graph or message Layerlab writes (those nest < 16 deep), far below any stack limit. */
export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxDepth: 64, maxValues: 20_000_000 };

interface Item {
  value: unknown;
  depth: number;
  parent: Item | null;
  key: string | number;
}

/** The JSON path of an item, built only when reporting (a string per value would cost more than the walk). */
function pathOf(item: Item): string {
  const parts: string[] = [];
  for (let i: Item | null = item; i?.parent; i = i.parent) parts.push(typeof i.key === 'number' ? `[${i.key}]` : `.${i.key.slice(0, 32)}`);
  parts.reverse();
  // A path 64 levels deep would fill the message: its start says where, the count says how deep.
  return parts.length > 8 ? `$${parts.slice(0, 6).join('')}…(${parts.length} levels)` : `$${parts.join('')}`;
}

/** Why `value` is outside `bounds` (with the JSON path where it went past), or null when it is inside. */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds = DEFAULT_JSON_BOUNDS): string | null {
  const stack: Item[] = [{ value, depth: 0, parent: null, key: '' }];
  let count = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++count > bounds.maxValues) return `more than ${bounds.maxValues} values in all`;
    const v = item.value;
    if (v === null || typeof v !== 'object') continue;
    if (item.depth >= bounds.maxDepth) return `nested more than ${bounds.maxDepth} levels deep at ${pathOf(item)}`;
    const children = Array.isArray(v) ? v.length : 0;
    if (stack.length + count + children > bounds.maxValues) return `more than ${bounds.maxValues} values in all`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: item.depth + 1, parent: item, key: i });
    } else {
      for (const key of Object.keys(v)) stack.push({ value: (v as Record<string, unknown>)[key], depth: item.depth + 1, parent: item, key });
    }
  }
  return null;
}

/**
 * JSON.parse's error without the excerpt of the text V8 puts in it (`Unexpected token 'r', "root:x:0:0:"... is not
 * valid JSON`): an error about a file must never show the file's content, which may be anything the user can read.
 */
export function jsonSyntaxProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(message);
  if (at?.[2]) return `invalid JSON at line ${at[2]}, column ${at[3]}`;
  if (at) return `invalid JSON at character ${at[1]}`;
  if (/end of JSON input|Unterminated/i.test(message)) return 'invalid JSON: the text ends too early';
  return 'invalid JSON';
}
