/**
 * Lets tfjs-backend-wasm run its multithreaded (pthreads + SIMD) build in Node, which tfjs disables there
 * (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired false for Node, tensorflow/tfjs#3830).
 *
 * The threaded build was made for browsers: its pthread worker script and its main script are handed over as Blob
 * URLs, which Node's worker_threads cannot start or importScripts. We give emscripten a Worker class that starts the
 * worker script from the Blob as eval'd code (no file on disk, so it works from source, from the esbuild bundle and
 * inside app.asar alike), replaces the Blob of the main script by its text before it crosses to the worker, and
 * defines the few bundler helpers the main script's text refers to. Nested workers (the wasm backend itself runs in
 * the training worker thread) are fine: each pthread worker is started with an empty execArgv, so no `--import tsx`.
 */
import { resolveObjectURL } from 'node:buffer';
import os from 'node:os';
import { Worker as NodeWorker } from 'node:worker_threads';

/** Marks the main-script text in the 'load' message; the worker's importScripts evaluates it instead of a file. */
const MAIN_SCRIPT_MARK = 'layerlab:wasm-main-script';

/**
 * Globals the threaded factory's source refers to: it is `toString()`ed out of tfjs' rollup bundle, where fs, path,
 * perf_hooks, os, the global object and TypeScript's iteration helpers were module-level names (and require is
 * esbuild's __require once our own bundler has re-bundled it as an ES module).
 */
const FACTORY_PRELUDE = `
var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');
var commonjsGlobal = globalThis, _scriptDir = undefined;
var __require = require; // esbuild's name for require() when tfjs is bundled into an ES module (bench/gpu-kit)
var __values = function (o) { return o[Symbol.iterator](); };
var __read = function (o, n) { var a = Array.from(o); return n === undefined ? a : a.slice(0, n); };
var __spreadArray = function (to, from) { return to.concat(Array.prototype.slice.call(from)); };
`;

/**
 * Runs inside each pthread worker: evaluates tfjs' own pthread worker script (from the Blob in workerData), then
 * lets its importScripts evaluate the main script's text that arrives with the 'load' message. No 'message' listener
 * exists until the script's text is read, so messages that come earlier wait in the port; ours is added first so that
 * it sees the 'load' message before the script's own listener does.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('worker_threads');
let mainScript = '';
workerData.workerScript.text().then((code) => {
  parentPort.on('message', (m) => { if (m && m.cmd === 'load' && typeof m.mainScriptText === 'string') mainScript = m.mainScriptText; });
  (0, eval)(code);
  const fileImport = globalThis.importScripts;
  globalThis.importScripts = (f) => f === ${JSON.stringify(MAIN_SCRIPT_MARK)}
    ? (0, eval)(${JSON.stringify(FACTORY_PRELUDE)} + mainScript)
    : fileImport(f);
});
`;

interface LoadMessage {
  cmd: 'load';
  urlOrBlob: unknown;
  [key: string]: unknown;
}

const isLoad = (m: unknown): m is LoadMessage => typeof m === 'object' && m !== null && (m as { cmd?: unknown }).cmd === 'load';

const blobTexts = new WeakMap<Blob, Promise<string>>();
const textOf = (b: Blob): Promise<string> => {
  let t = blobTexts.get(b);
  if (!t) blobTexts.set(b, (t = b.text()));
  return t;
};

/** The Worker emscripten constructs as `new Worker(url)`; see the file comment. */
class PthreadWorker extends NodeWorker {
  /** Keeps this worker's messages in order while the main script's Blob is read (asynchronously). */
  private queue: Promise<void> | null = null;

  constructor(url: string | URL) {
    const href = String(url);
    const blob = href.startsWith('blob:') ? resolveObjectURL(href) : undefined;
    if (href.startsWith('blob:') && !blob) throw new Error(`wasm threads: the pthread worker script ${href} was revoked before its worker started`);
    if (blob) super(BOOTSTRAP, { eval: true, workerData: { workerScript: blob }, execArgv: [] });
    else super(url, { execArgv: [] });
  }

  /**
   * emscripten refs a worker while its pthread runs, and XNNPACK's pool threads run for the life of the module, so
   * the process (or the training worker) would never exit. They only ever work while the owning thread is blocked in
   * a kernel waiting for them, so they need not keep anything alive.
   */
  override ref(): void {}

  override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
    const load = isLoad(message) && message.urlOrBlob instanceof Blob ? message : null;
    if (!load && !this.queue) {
      // Straight through: emscripten posts 'run' and then blocks the thread until the pthread starts, so a message
      // deferred to a later microtask would never leave.
      super.postMessage(message, transfer);
      return;
    }
    const send = load
      ? () => textOf(load.urlOrBlob as Blob).then((text) => super.postMessage({ ...load, urlOrBlob: MAIN_SCRIPT_MARK, mainScriptText: text }, transfer))
      : () => super.postMessage(message, transfer);
    const queued: Promise<void> = (this.queue ?? Promise.resolve()).then(send).finally(() => {
      if (this.queue === queued) this.queue = null;
    });
    this.queue = queued;
  }
}

let installed = false;

/**
 * Makes the global `Worker` (which emscripten reassigns to worker_threads' Worker while it initialises) our
 * PthreadWorker, for good: emscripten also starts workers later, when its pool runs dry. Idempotent.
 * Nothing else in Node uses a global Worker.
 */
export function installWasmPthreadWorkers(): void {
  if (installed) return;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    // emscripten assigns worker_threads' Worker here; ours must stay.
    set: () => undefined,
  });
  installed = true;
}

/**
 * Runs `init` (the wasm module's initialisation) while os.cpus() reports `count` logical cores. tfjs sizes its
 * XNNPACK pool as min(asked, logical cores / 2), counting hyperthreads twice, and reads the cores once, when the
 * module starts; in Node emscripten takes them from os.cpus(). On a 2-core machine that cap would be 1 thread.
 */
export async function withLogicalCores<T>(count: number, init: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const patched = (): os.CpuInfo[] => {
    const cpus = real();
    return Array.from({ length: count }, (_, i) => cpus[i % Math.max(1, cpus.length)]!);
  };
  (os as { cpus: () => os.CpuInfo[] }).cpus = patched;
  try {
    return await init();
  } finally {
    if (os.cpus === patched) (os as { cpus: () => os.CpuInfo[] }).cpus = real;
  }
}
