/**
 * A small, strict reader for the one kind of Python pickle Keras' text datasets hold: the payload numpy writes
 * for an object array (np.save with allow_pickle), i.e. `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,),
 * b'b')` BUILT with (version, shape, dtype('O'), fortran, [list of int lists]) — imdb.npz's x_train/x_test and
 * reuters.npz's x. It is not an unpickler: it runs no Python and constructs no objects. The three numpy names above
 * (and _codecs.encode, which protocol 2 uses for bytes) are the only globals it accepts, each only in the place numpy puts it, and the opcodes are those protocols 2-5
 * use for ints, lists, tuples, strings and bytes. Anything else (another global such as os.system, a float, a dict,
 * an opcode outside the list) is refused with an error naming it.
 */
import { FormatError } from './errors';

/** What numpy's object array holds here: one list of ints per sample. */
export type IntLists = number[][];

type Value =
  | number
  | boolean
  | null
  | string
  | Uint8Array
  | Value[]
  | { kind: 'tuple'; items: Value[] }
  | { kind: 'global'; name: string }
  | { kind: 'dtype'; descr: string }
  | { kind: 'ndarray'; shape: number[] | null; items: Value[] | null };

const MARK = Symbol('mark');
type Slot = Value | typeof MARK;

const ALLOWED_GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  // Python 3 writing protocol 2 has no bytes opcode: it spells b'b' as _codecs.encode('b', 'latin1'), a pure function.
  '_codecs.encode',
]);

function isTuple(v: Value): v is { kind: 'tuple'; items: Value[] } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && v.kind === 'tuple';
}

function isKind<K extends string>(v: Value, kind: K): v is Extract<Value, { kind: K }> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && v.kind === kind;
}

/** Reads the pickle that follows an object array's .npy header; returns its items (one int list per sample). */
export function readObjectArrayPickle(bytes: Uint8Array, file?: string): { shape: number[]; items: IntLists } {
  const fail = (msg: string): never => {
    throw new FormatError(`${msg} Only numpy object arrays of integer lists (as in Keras' imdb.npz and reuters.npz) are read.`, file);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, Value>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;

  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`the pickle is truncated at byte ${pos}.`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('the pickle has an unterminated text line.');
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail(`the pickle pops an empty stack at byte ${pos}.`);
    return v;
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail(`the pickle reads an empty stack at byte ${pos}.`);
    return v;
  };
  const popMark = (): Value[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail(`the pickle has no MARK before byte ${pos}.`);
    const items = stack.splice(i) as Slot[];
    return items.slice(1) as Value[];
  };
  const global = (module: string, name: string): Value => {
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(full)) fail(`the pickle refers to the Python object '${full}', which a dataset file has no reason to contain (refused: reading it would run code).`);
    return { kind: 'global', name: full.replace('numpy._core', 'numpy.core') };
  };
  const reduce = (fn: Value, args: Value): Value => {
    if (!isKind(fn, 'global') || !isTuple(args)) return fail(`the pickle calls something other than a numpy constructor at byte ${pos}.`);
    if (fn.name === 'numpy.core.multiarray._reconstruct') {
      const [cls] = args.items;
      if (!cls || !isKind(cls, 'global') || cls.name !== 'numpy.ndarray') fail('the pickle reconstructs something other than a numpy.ndarray.');
      return { kind: 'ndarray', shape: null, items: null };
    }
    if (fn.name === '_codecs.encode') {
      const [text, encoding] = args.items;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) fail('the pickle calls _codecs.encode with other than (text, latin1).');
      return Uint8Array.from(text as string, (c) => c.charCodeAt(0));
    }
    if (fn.name === 'numpy.dtype') {
      const [descr] = args.items;
      if (descr !== 'O8' && descr !== 'O4') fail(`the pickle holds a numpy array of dtype ${JSON.stringify(descr)}, not of Python objects ('O').`);
      return { kind: 'dtype', descr: 'O' };
    }
    return fail(`the pickle calls ${fn.name} directly.`);
  };
  const build = (obj: Value, state: Value): Value => {
    // dtype state: (3, '|', None, None, None, -1, -1, 63): nothing to keep.
    if (isKind(obj, 'dtype')) return obj;
    if (!isKind(obj, 'ndarray') || !isTuple(state)) return fail('the pickle sets the state of something other than a numpy array.');
    const [, shape, dtype, , items] = state.items;
    if (!shape || !isTuple(shape) || !shape.items.every((d) => typeof d === 'number')) return fail('the numpy array has no readable shape.');
    if (!dtype || !isKind(dtype, 'dtype')) return fail('the numpy array is not an object array.');
    if (!Array.isArray(items)) return fail('the object array carries no list of items.');
    return { kind: 'ndarray', shape: shape.items as number[], items };
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: take(8); break; // FRAME (length only; the frame's bytes follow inline)
      case 0x2e: { // STOP
        const result = pop();
        if (!isKind(result, 'ndarray') || !result.shape || !result.items) return fail('the pickle does not hold a numpy array.');
        const items: IntLists = result.items.map((item, i) => {
          if (!Array.isArray(item) || !item.every((w) => typeof w === 'number' && Number.isInteger(w))) {
            return fail(`item ${i} of the object array is not a list of integers.`);
          }
          return item as number[];
        });
        return { shape: result.shape, items };
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x29: stack.push({ kind: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x74: stack.push({ kind: 'tuple', items: popMark() }); break; // TUPLE
      case 0x85: stack.push({ kind: 'tuple', items: [pop()] }); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push({ kind: 'tuple', items: [a, b] }); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push({ kind: 'tuple', items: [a, b, c] }); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { const v = pop(); const list = top(); if (!Array.isArray(list)) fail('APPEND to something not a list.'); (list as Value[]).push(v); break; }
      case 0x65: { const vs = popMark(); const list = top(); if (!Array.isArray(list)) fail('APPENDS to something not a list.'); for (const v of vs) (list as Value[]).push(v); break; }
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: { // LONG1: little-endian two's complement
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`the pickle holds an integer too large to read (${v}).`);
        stack.push(Number(v));
        break;
      }
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x8c: stack.push(decoder.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(decoder.decode(take(u32()))); break; // BINUNICODE
      case 0x55: stack.push(new TextDecoder('latin1').decode(take(u8()))); break; // SHORT_BINSTRING (Python 2 str)
      case 0x54: stack.push(new TextDecoder('latin1').decode(take(i32()))); break; // BINSTRING
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x63: { const module = line(); const name = line(); stack.push(global(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL with names that are not strings.');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); const fn = pop(); stack.push(reduce(fn, args)); break; } // REDUCE
      case 0x62: { const state = pop(); const obj = pop(); stack.push(build(obj, state)); break; } // BUILD
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        const v = memo.get(key);
        if (v === undefined) fail(`the pickle refers to memo ${key}, which it never stored.`);
        stack.push(v as Value);
        break;
      }
      default:
        return fail(`the pickle uses opcode 0x${op.toString(16).padStart(2, '0')} ('${String.fromCharCode(op)}') at byte ${at}, which these files do not contain (refused).`);
    }
  }
}
