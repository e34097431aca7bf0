/** Python identifiers and literals for generated code (both Python exports). */

const KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except ' +
  'finally for from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '));

/** Names an nn.Module attribute must not take (methods and attributes of nn.Module) plus our generated names. */
const RESERVED = new Set(('add_module apply bfloat16 buffers children cpu cuda double dump_patches eval extra_repr float ' +
  'forward get_buffer get_extra_state get_parameter get_submodule half ipu load_state_dict modules named_buffers ' +
  'named_children named_modules named_parameters parameters register_backward_hook register_buffer ' +
  'register_forward_hook register_forward_pre_hook register_full_backward_hook register_load_state_dict_post_hook ' +
  'register_module register_parameter requires_grad_ set_extra_state share_memory state_dict to to_empty train ' +
  'training type xpu zero_grad self x input torch nn F np math os model inputs outputs layers keras tf').split(' '));

/** A unique, valid Python identifier for each Keras layer name (Keras allows '/', '-', '.', leading digits). */
export function pythonNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    let id = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `l_${id}`;
    if (KEYWORDS.has(id) || RESERVED.has(id) || id.startsWith('__')) id = `l_${id}`;
    let unique = id;
    for (let i = 2; taken.has(unique); i++) unique = `${id}_${i}`;
    taken.add(unique);
    out.set(name, unique);
  }
  return out;
}

/** A Python literal for a JSON value: lists become tuples (as Keras writes kernel sizes), null None. */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return String(value);
    return Number.isNaN(value) ? "float('nan')" : value > 0 ? "float('inf')" : "float('-inf')";
  }
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${pyLiteral(value[0])},)` : `(${value.map(pyLiteral).join(', ')})`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`);
  return `{${entries.join(', ')}}`;
}

export function pyString(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n');
  // Other control characters (a vocabulary word may hold one) as escapes: a NUL byte is no valid Python source.
  // eslint-disable-next-line no-control-regex
  return `'${escaped.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
