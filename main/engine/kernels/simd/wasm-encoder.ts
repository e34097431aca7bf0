/**
 * A minimal WebAssembly binary writer: just what our SIMD kernels (simd/gemm-code.ts) need — i32 and v128 locals,
 * structured loops, loads/stores and a handful of SIMD arithmetic opcodes. The kernels are generated from TypeScript
 * at startup, so the repository holds their source and nothing has to be compiled with a toolchain (no emscripten,
 * clang or wabt here). Opcode numbers are those of the WebAssembly core spec 2.0 (SIMD is in it).
 */

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const simd = (op: number) => [0xfd, ...uleb(op)];

/** A local variable (index into the function's params + locals). */
export type Local = number & { readonly __local: unique symbol };

/**
 * Builds one function body. Control flow is written with `loopWhile` / `ifThen` helpers that keep block nesting
 * right; everything else appends one instruction.
 */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(readonly params: readonly ValType[]) {}

  param(i: number): Local {
    if (i >= this.params.length) throw new Error(`parameter ${i} does not exist (${this.params.length} params)`);
    return i as Local;
  }

  local(type: ValType): Local {
    this.locals.push(type);
    return (this.params.length + this.locals.length - 1) as Local;
  }

  get = (l: Local) => this.emit(0x20, ...uleb(l));
  set = (l: Local) => this.emit(0x21, ...uleb(l));
  tee = (l: Local) => this.emit(0x22, ...uleb(l));
  i32 = (v: number) => this.emit(0x41, ...sleb(v | 0));
  add = () => this.emit(0x6a);
  sub = () => this.emit(0x6b);
  mul = () => this.emit(0x6c);
  divU = () => this.emit(0x6e);
  remU = () => this.emit(0x70);
  shl = () => this.emit(0x74);
  and = () => this.emit(0x71);
  leU = () => this.emit(0x4d);
  ltU = () => this.emit(0x49);
  eqz = () => this.emit(0x45);
  drop = () => this.emit(0x1a);
  /** f32.store of a lane extracted from the v128 on the stack: address must be below it. */
  storeLane = (lane: number, offset = 0) => this.emit(...simd(0x1f), lane, 0x38, 2, ...uleb(offset));
  v128Load = (offset = 0) => this.emit(...simd(0x00), 0, ...uleb(offset));
  v128Load32Splat = (offset = 0) => this.emit(...simd(0x09), 0, ...uleb(offset));
  v128Store = (offset = 0) => this.emit(...simd(0x0b), 0, ...uleb(offset));
  v128Zero = () => this.emit(...simd(0x0c), ...new Array<number>(16).fill(0));
  /** v128.const with `x` (as float32) in every lane. */
  v128ConstF32 = (x: number) => this.emit(...simd(0x0c), ...Array.from({ length: 4 }, () => [...new Uint8Array(Float32Array.of(x).buffer)]).flat());
  /** Calls function `index` of the module (its arguments pushed first; our functions return nothing). */
  call = (index: number) => this.emit(0x10, ...uleb(index));
  /** i8x16.shuffle of the top two v128s taking every byte lane from `lanes` (0-15 first operand, 16-31 second). */
  shuffle = (lanes: readonly number[]) => this.emit(...simd(0x0d), ...lanes);
  /** The i32 on the stack read as the bits of an f32 (float parameters travel as i32, see elementwise-code.ts). */
  f32ReinterpretI32 = () => this.emit(0xbe);
  f32x4Splat = () => this.emit(...simd(0x13));
  f32x4Gt = () => this.emit(...simd(0x44));
  f32x4Sqrt = () => this.emit(...simd(0xe3));
  f32x4Sub = () => this.emit(...simd(0xe5));
  f32x4Div = () => this.emit(...simd(0xe7));
  f32x4Add = () => this.emit(...simd(0xe4));
  f32x4Mul = () => this.emit(...simd(0xe6));
  f32x4Max = () => this.emit(...simd(0xe9));
  f32x4Eq = () => this.emit(...simd(0x41));
  v128And = () => this.emit(...simd(0x4e));
  /** a & ~b for a below b on the stack. */
  v128AndNot = () => this.emit(...simd(0x4f));
  v128Or = () => this.emit(...simd(0x50));

  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** `local += value` for an i32 local (value pushed by `push`). */
  inc(l: Local, push: () => void): this {
    this.get(l);
    push();
    this.add();
    return this.set(l);
  }

  /** while (cond()) { body() } — cond pushes an i32. */
  loopWhile(cond: () => void, body: () => void): this {
    this.emit(0x02, 0x40, 0x03, 0x40); // block, loop
    cond();
    this.eqz();
    this.emit(0x0d, 1); // br_if out of the block
    body();
    this.emit(0x0c, 0, 0x0b, 0x0b); // br to loop start, end loop, end block
    return this;
  }

  /** if (cond()) { then() } — cond pushes an i32. */
  ifThen(cond: () => void, then: () => void): this {
    cond();
    this.emit(0x04, 0x40);
    then();
    return this.emit(0x0b);
  }

  body(): number[] {
    const groups: number[][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const inner = [...vec(groups.map(([n, t]) => [...uleb(n!), t!])), ...this.code, 0x0b];
    return [...uleb(inner.length), ...inner];
  }
}

export interface MemoryImport {
  /** In 64 KiB pages. */
  initial: number;
  maximum?: number;
  shared: boolean;
}

/** A module importing `env.memory` and exporting the given functions (each returns nothing). */
export function encodeModule(memory: MemoryImport, functions: { name: string; fn: FunctionBuilder }[]): Uint8Array<ArrayBuffer> {
  const types = functions.map(({ fn }) => [0x60, ...vec(fn.params.map((p) => [p])), 0]);
  const limits = memory.shared
    ? [0x03, ...uleb(memory.initial), ...uleb(memory.maximum ?? 65536)]
    : memory.maximum == null
      ? [0x00, ...uleb(memory.initial)]
      : [0x01, ...uleb(memory.initial), ...uleb(memory.maximum)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map(({ name }, i) => [...str(name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map(({ fn }) => fn.body()))),
  ];
  return Uint8Array.from(bytes);
}
