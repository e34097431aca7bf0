/**
 * Helper threads for our SIMD kernels, so that a product uses every core like XNNPACK's own pool does. Each helper
 * is a worker thread with its own instance of the same module on the same shared memory (the threaded wasm build's
 * heap), sleeping in Atomics.wait on a small control block until a job arrives: no messages, no copies, no CPU
 * while idle. The kernels are synchronous, like every wasm kernel, so the caller blocks until its helpers are done.
 */
import { Worker } from 'node:worker_threads';

const SEQ = 0;
const DONE = 1;
const FN = 2;
const NARGS = 3;
const FAILED = 4;
const ARGS = 5;
const MAX_ARGS = 24;
const FUNCTIONS = ['nn', 'filterGrad', 'conv', 'maxPoolGrad', 'pad', 'reluBiasGrad', 'momentum', 'adam', 'winoFilter', 'winoConv', 'winoFilterGrad', 'winoFilterGradOut'] as const;
export type PoolFunction = (typeof FUNCTIONS)[number];

/** Runs in each helper: plain JS (eval'd), as the worker does not inherit the parent's TypeScript loader. */
const HELPER = `
const { workerData } = require('worker_threads');
const { module, memory, control } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
const fns = ${JSON.stringify(FUNCTIONS)}.map((name) => ex[name]);
let seen = 0;
for (;;) {
  Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  const fn = fns[c[${FN}]];
  if (!fn) break;
  // A failure must still say done: the caller is blocked until every helper has answered.
  try { fn(...c.subarray(${ARGS}, ${ARGS} + c[${NARGS}])); c[${FAILED}] = 0; } catch { c[${FAILED}] = 1; }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

export class SimdPool {
  private readonly controls: Int32Array[] = [];
  private pending: number[] = [];

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, helpers: number) {
    for (let h = 0; h < helpers; h++) {
      const control = new SharedArrayBuffer(4 * (ARGS + MAX_ARGS));
      const worker = new Worker(HELPER, { eval: true, workerData: { module, memory, control }, execArgv: [] });
      // Helpers only ever work while the caller is blocked waiting for them; they must not keep the process alive.
      worker.unref();
      this.controls.push(new Int32Array(control));
    }
  }

  /** One helper fewer than the wasm backend's XNNPACK threads (the calling thread is the other), or null for none. */
  static forThreads(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): SimdPool | null {
    const helpers = threads - 1;
    return helpers > 0 ? new SimdPool(module, memory, helpers) : null;
  }

  get size(): number {
    return this.controls.length;
  }

  /** Starts helper h on rows jobs[h] of `fn(...args, m0, m1)`; wait() blocks until all have finished. */
  run(fn: PoolFunction, args: readonly number[], jobs: readonly [number, number][]): void {
    this.runEach(fn, jobs.map(([m0, m1]) => [...args, m0, m1]));
  }

  /** Starts helper h on `fn(...argLists[h])` (for jobs whose arguments differ beyond their rows). */
  runEach(fn: PoolFunction, argLists: readonly (readonly number[])[]): void {
    this.pending = [];
    argLists.forEach((args, h) => {
      if (args.length > MAX_ARGS) throw new Error(`SimdPool: ${args.length} arguments, at most ${MAX_ARGS}`);
      const c = this.controls[h]!;
      c[FN] = FUNCTIONS.indexOf(fn);
      c[NARGS] = args.length;
      c.set(args, ARGS);
      this.pending.push(Atomics.add(c, SEQ, 1) + 1);
      Atomics.notify(c, SEQ);
    });
  }

  /** Blocks until every helper started by run() has finished; throws if one of them failed. */
  wait(): void {
    let failed = false;
    this.pending.forEach((seq, h) => {
      const c = this.controls[h]!;
      for (let done = Atomics.load(c, DONE); done !== seq; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
      failed ||= c[FAILED] !== 0;
    });
    this.pending = [];
    if (failed) throw new Error('a SIMD kernel failed in a helper thread; set LAYERLAB_SIMD_KERNELS=0 to use the stock kernels, and report it');
  }
}
