/**
 * Chooses the TensorFlow.js backend, best first: tfjs-node-gpu (CUDA) -> webgpu (any GPU, webgpu.ts) -> tfjs-node
 * (native CPU) -> wasm -> cpu.
 * The native packages are optionalDependencies whose install downloads libtensorflow, so on many machines they are
 * absent or half-installed; each is tried by really loading it, and every skipped one gets a reason a user can act on.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './kernels/index';
import { installWasmPthreadWorkers, withLogicalCores } from './wasm-threads';
import { activeWebgpuAdapter, adapterName, tryWebgpu, type WebgpuAdapter } from './webgpu';
import { webgpuUnavailableForAutomaticChoice } from './webgpu-auto';

export type BackendName = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const BACKENDS_BEST_FIRST: readonly BackendName[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

export interface SkipReason {
  name: BackendName;
  reason: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** tfjs' own name of the active backend ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** Why each better backend was not used, best first. */
  reasons: SkipReason[];
  /** Extra facts about the chosen backend, e.g. 'SIMD, 2 threads' for wasm. */
  detail?: string;
  /** wasm only: the size of XNNPACK's thread pool (1 = single-threaded build). */
  wasmThreads?: number;
  /** webgpu only: the adapter it runs on. */
  adapter?: WebgpuAdapter;
}

const ALIASES: Record<string, BackendName> = {
  'tfjs-node-gpu': 'tfjs-node-gpu', 'node-gpu': 'tfjs-node-gpu', gpu: 'tfjs-node-gpu', cuda: 'tfjs-node-gpu',
  'tfjs-node': 'tfjs-node', node: 'tfjs-node', tensorflow: 'tfjs-node', native: 'tfjs-node',
  webgpu: 'webgpu', 'tfjs-backend-webgpu': 'webgpu', dawn: 'webgpu',
  wasm: 'wasm', 'tfjs-backend-wasm': 'wasm',
  cpu: 'cpu', js: 'cpu',
};

/** Maps user spellings ('gpu', 'node', 'wasm', 'cpu', ...) to a backend name; throws listing the valid ones. */
export function parseBackendName(name: string): BackendName {
  const b = ALIASES[name.trim().toLowerCase()];
  if (!b) throw new Error(`unknown backend '${name}'; use one of ${BACKENDS_BEST_FIRST.join(', ')}`);
  return b;
}

const requireHere = createRequire(import.meta.url);

/** Turns a load failure of a native tfjs package into a sentence a user can act on. */
export function explainLoadError(name: BackendName, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const firstLine = msg.split('\n')[0] ?? msg;
  const pkg = `@tensorflow/${name}`;
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && msg.includes(pkg) && !msg.includes('.node')) {
    return `${name}: not installed (optional dependency; its install downloads libtensorflow and needs internet: npm install ${pkg})`;
  }
  const lib = /(lib(cudart|cudnn|cublas|cufft|curand|cusolver|cusparse)[\w.]*\.so[\w.]*)/.exec(msg);
  if (lib) return `${name}: ${lib[1]} not found; it needs CUDA 11.2 and cuDNN 8.1 (install them or use tfjs-node)`;
  if (/libtensorflow[\w.]*\.so/.test(msg)) {
    return `${name}: libtensorflow is missing (its install step could not download it; run \`npm rebuild ${pkg}\` with internet)`;
  }
  if (/tfjs_binding\.node/.test(msg)) {
    return `${name}: installed, but its native binding was never built (the libtensorflow download failed at install; run \`npm rebuild ${pkg}\` with internet)`;
  }
  if (/GLIBC|GLIBCXX/.test(msg)) return `${name}: the native library needs a newer C library (${firstLine})`;
  return `${name}: failed to load (${firstLine})`;
}

/**
 * Folder holding the tfjs-backend-wasm .wasm binaries (with a trailing separator, as setWasmPaths wants).
 * In a packaged Electron app the package sits inside app.asar, which native wasm loading cannot read: the
 * binaries are shipped unpacked (electron-builder asarUnpack) next to it, in app.asar.unpacked.
 * LAYERLAB_WASM_DIR overrides everything.
 */
export function resolveWasmDir(
  resolvedEntry?: string,
  env: Record<string, string | undefined> = process.env,
  exists: (p: string) => boolean = existsSync,
): string {
  const withSep = (p: string) => (p.endsWith(path.sep) || p.endsWith('/') ? p : p + path.sep);
  // Before resolving the package: a self-contained bundle (bench/gpu-kit) has no node_modules to resolve it in.
  if (env.LAYERLAB_WASM_DIR) return withSep(env.LAYERLAB_WASM_DIR);
  let dir = path.dirname(resolvedEntry ?? requireHere.resolve('@tensorflow/tfjs-backend-wasm'));
  // The package's entry lives in dist/ (tf-backend-wasm.node.js); be robust to a deeper entry file.
  while (!exists(path.join(dir, 'tfjs-backend-wasm.wasm')) && path.basename(dir) !== 'tfjs-backend-wasm' && dir !== path.dirname(dir)) {
    dir = path.dirname(dir);
  }
  if (path.basename(dir) === 'tfjs-backend-wasm') dir = path.join(dir, 'dist');
  const asar = `app.asar${path.sep}`;
  if (dir.includes(asar)) {
    const unpacked = dir.replace(asar, `app.asar.unpacked${path.sep}`);
    if (exists(path.join(unpacked, 'tfjs-backend-wasm.wasm'))) dir = unpacked;
  }
  return withSep(dir);
}

async function tryNative(name: 'tfjs-node-gpu' | 'tfjs-node'): Promise<string | null> {
  const pkg = `@tensorflow/${name}`;
  try {
    requireHere.resolve(pkg);
  } catch (err) {
    return explainLoadError(name, err);
  }
  try {
    await import(/* @vite-ignore */ pkg);
    if (!tf.findBackend('tensorflow') && !(await tf.setBackend('tensorflow').catch(() => false))) {
      return `${name}: loaded, but registered no 'tensorflow' backend (another @tensorflow/tfjs copy? align versions to 4.22)`;
    }
    if (!(await tf.setBackend('tensorflow'))) return `${name}: the 'tensorflow' backend failed to initialise`;
    return null;
  } catch (err) {
    return explainLoadError(name, err);
  }
}

/** tfjs' threaded wasm build starts at most this many threads (its emscripten pool holds 8 workers). */
const MAX_WASM_THREADS = 8;

/**
 * How many threads the wasm backend should use: LAYERLAB_WASM_THREADS if set (1 = the single-threaded build),
 * else one per core. Throws on a value that is not a whole number from 1 to 8.
 */
export function wantedWasmThreads(
  env: Record<string, string | undefined> = process.env,
  cores: number = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
): number {
  const raw = env.LAYERLAB_WASM_THREADS?.trim();
  if (!raw) return Math.max(1, Math.min(cores, MAX_WASM_THREADS));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(`LAYERLAB_WASM_THREADS is '${raw}'; set it to a whole number from 1 to ${MAX_WASM_THREADS} (1 = single-threaded wasm) or unset it`);
  }
  return n;
}

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
/** Set once the wasm module is initialised (it initialises once per process: paths and threads are fixed then). */
let wasmSetup: { threads: number; note?: string } | null = null;

/**
 * Initialises wasm, threaded when `threads` > 1 and the engine has SIMD (tfjs ships the threaded build with SIMD
 * only). tfjs turns threads off in Node and caps its pool at half the logical cores it sees; wasm-threads.ts
 * supplies the pthread workers and withLogicalCores lifts the cap to the count asked for.
 */
async function initWasm(wasm: WasmModule, threads: number): Promise<boolean> {
  wasm.setWasmPaths(resolveWasmDir());
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  if (threads > 1 && simd) {
    installWasmPthreadWorkers();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    return withLogicalCores(2 * threads, () => tf.setBackend('wasm'));
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return tf.setBackend('wasm');
}

async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmSetup) {
      const threads = wantedWasmThreads();
      if (!(await initWasm(wasm, threads))) {
        const hint = threads > 1 ? `; its ${threads}-thread build did not start: set LAYERLAB_WASM_THREADS=1 for the single-threaded one` : '';
        return `wasm: the backend failed to initialise (see the warning above)${hint}`;
      }
      const actual = wasm.getThreadsCount();
      wasmSetup = {
        threads: actual,
        note: actual < threads ? `asked for ${threads} threads, XNNPACK started ${actual}` : undefined,
      };
    } else if (!(await tf.setBackend('wasm'))) {
      return 'wasm: the backend failed to initialise (see the warning above)';
    }
    registerWasmKernels();
    return null;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return `wasm: failed to load (${msg.split('\n')[0]}); check that node_modules/@tensorflow/tfjs-backend-wasm/dist holds the .wasm files`;
  }
}

async function tryBackend(name: BackendName, forced = false): Promise<string | null> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return tryNative(name);
    case 'webgpu': {
      // Automatic choice: Dawn is loaded here only when a hardware adapter is there (webgpu-auto.ts).
      const why = forced || activeWebgpuAdapter() ? null : await webgpuUnavailableForAutomaticChoice();
      return why ?? tryWebgpu(forced, (b) => tf.setBackend(b));
    }
    case 'wasm':
      return tryWasm();
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) return 'cpu: failed to initialise';
      // The cpu backend prints a "install tfjs-node" banner on first use; we report the choice and reasons ourselves.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return null;
    }
  }
}

async function describe(name: BackendName): Promise<string | undefined> {
  const adapter = name === 'webgpu' ? activeWebgpuAdapter() : null;
  if (adapter) return adapterName(adapter);
  if (name !== 'wasm') return undefined;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasmSetup?.threads ?? 1;
  const note = wasmSetup?.note ? `; ${wasmSetup.note}` : '';
  return `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${note}`;
}

const threadsOf = (name: BackendName): { wasmThreads?: number; adapter?: WebgpuAdapter } => {
  const adapter = name === 'webgpu' ? activeWebgpuAdapter() : null;
  if (adapter) return { adapter };
  return name === 'wasm' && wasmSetup ? { wasmThreads: wasmSetup.threads } : {};
};

/**
 * Activates the best available backend, or `force` (any spelling parseBackendName accepts).
 * A forced backend that cannot load is an error naming why, never a silent fallback.
 */
export async function selectBackend(options: { force?: string; candidates?: readonly BackendName[] } = {}): Promise<BackendChoice> {
  const reasons: SkipReason[] = [];
  if (options.force) {
    const name = parseBackendName(options.force);
    const why = await tryBackend(name, true);
    if (why) throw new Error(`backend '${name}' is not available: ${why}`);
    return { backend: name, tfBackend: tf.getBackend(), reasons, detail: await describe(name), ...threadsOf(name) };
  }
  for (const name of options.candidates ?? BACKENDS_BEST_FIRST) {
    const why = await tryBackend(name);
    if (!why) return { backend: name, tfBackend: tf.getBackend(), reasons, detail: await describe(name), ...threadsOf(name) };
    reasons.push({ name, reason: why });
  }
  throw new Error(`no TensorFlow.js backend could be loaded:\n${reasons.map((r) => `  ${r.reason}`).join('\n')}`);
}

/** One line per fact, for the CLI and the app's status bar. */
export function formatBackendChoice(choice: BackendChoice): string {
  const head = `backend: ${choice.backend}${choice.detail ? ` (${choice.detail})` : ''}`;
  return [head, ...choice.reasons.map((r) => `  skipped ${r.reason}`)].join('\n');
}
