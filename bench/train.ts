/**
 * `npm run bench:train [-- --model cnn|mlp|imdb-lstm] [-- --profile]`: trains a model on real MNIST with the chosen tfjs
 * backend and, in the same run, the same model in PyTorch (/usr/bin/python3, threads = cores), and prints how their
 * speeds compare. Models: the workshop CNN (Conv2D 32, Conv2D 64, MaxPool, Dropout, Dense 128, Dropout, Dense 10;
 * the default) or a Dense-only MLP 784-512-512-10; SGD lr 0.01 momentum 0.9 on both sides. --model imdb-lstm is the
 * imdb-lstm template (Embedding 10000x32, LSTM 32, Dense 1 sigmoid, binary cross-entropy) on real text instead
 * (bench/text-data.ts: debian-package-sections tokenized to 200 ids, 'games' vs the rest).
 *
 * Why it is built this way: on a shared machine the speed available to a process changes from one second to the
 * next, so timing whole epochs of each side one after the other compares two different machines. Here both sides
 * stay loaded (PyTorch as a long-lived subprocess driven over stdin/stdout) and alternate in short slices of a few
 * batches, many times (the order inside each pair alternates too); every pair gives one ratio. The output is the
 * median ratio with its interquartile range, in wall-clock samples/s and per CPU-second (each side's own process
 * CPU time: process.cpuUsage for tfjs and its wasm pool threads, time.process_time for PyTorch's process), which
 * is far less sensitive to other load; a verdict says when the spread is too wide to conclude. It also prints the
 * load average, each side's compute and OS thread counts, and the CPU each side burns while the other one runs
 * (spinning pool threads), and after the slices both models' accuracy on held-out test images.
 *
 * --backend NAME (or BENCH_BACKEND) forces a backend, e.g. webgpu; --samples N sets the training subset. On a
 * software WebGPU adapter the defaults shrink (64 samples, batch 16, 2 pairs of 1-batch slices).
 *
 * --profile instead prints tfjs' time per kernel over a few steps (tf.profile), to see what a step is made of.
 *
 * Options (env): BENCH_SLICES (pairs, default 40), BENCH_SLICE_BATCHES (batches per slice; cnn 4, mlp 16),
 * BENCH_SAMPLES (training subset, 4096), BENCH_TEST (test images for accuracy, 1000), BENCH_BATCH (32),
 * BENCH_BACKEND (auto), BENCH_PYTHON (/usr/bin/python3), BENCH_THREADS (threads of both sides, default one per core;
 * sets LAYERLAB_WASM_THREADS, 1 = the single-threaded wasm build), LAYERLAB_SIMD_KERNELS=0 (tfjs' stock wasm kernels
 * instead of ours, for comparison), LAYERLAB_WINOGRAD=0 (our direct 3x3 convolutions instead of Winograd's).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { formatBackendChoice, selectBackend } from '../main/engine/backend';
import { loadData } from '../main/engine/data';
import { toTensors } from './split-tensors';
import { buildModel, specFromJson } from '../main/engine/model';
import { compileModel } from '../test/support/compile-model';
import type { ModelSpec } from '../shared/graph/types';
import { formatSpread, spread, verdict } from './slice-stats';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraph } from '../shared/graph/compile';
import { getTemplate } from '../shared/templates/registry';
import { debianTextBench, TEXT_LENGTH, type TextBench } from './text-data';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const fixtures = resolve(repoRoot, 'test/integration/engine/fixtures');
const dataDir = process.env.BENCH_DATA_DIR ?? resolve(repoRoot, '../shared/datasets/mnist');
const argAfter = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modelKind = argAfter('--model') ?? 'cnn';
if (modelKind !== 'cnn' && modelKind !== 'mlp' && modelKind !== 'imdb-lstm') {
  throw new Error(`--model is '${modelKind}'; use --model cnn (the workshop CNN), --model mlp (784-512-512-10) or --model imdb-lstm (the template, on real text)`);
}
const text = modelKind === 'imdb-lstm';
const profileOnly = process.argv.includes('--profile');
const envInt = (name: string, fallback: number, min = 1) => {
  const raw = process.env[name];
  const n = raw == null || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} is '${raw}'; set it to a whole number >= ${min} or unset it`);
  return n;
};
// Threads of each side: BENCH_THREADS for both (1 compares the arithmetic alone: no pool spinning or waiting for a
// descheduled thread, which on an overloaded machine costs OpenMP and XNNPACK pools CPU time), else one per core.
const cores = envInt('BENCH_THREADS', os.cpus().length);
if (process.env.BENCH_THREADS) process.env.LAYERLAB_WASM_THREADS = String(cores);
// The backend is chosen before the data is loaded: a software GPU adapter (SwiftShader, ~0.2-2 samples/s) gets a
// small run unless told otherwise, and its figure is only informational.
const choice = await selectBackend({ force: argAfter('--backend') ?? (process.env.BENCH_BACKEND || undefined) });
const software = choice.adapter?.software === true;
const slices = envInt('BENCH_SLICES', software ? 2 : text ? 20 : 40);
const sliceBatches = envInt('BENCH_SLICE_BATCHES', software || text ? 1 : modelKind === 'mlp' ? 16 : 4);
const samples = Number(argAfter('--samples') ?? envInt('BENCH_SAMPLES', software ? 64 : 4096));
const testCount = envInt('BENCH_TEST', software ? 100 : 1000);
const textData: TextBench | undefined = text ? await debianTextBench(resolve(repoRoot, '../shared/datasets'), mkdtempSync(join(tmpdir(), 'bench-text-')), samples, testCount) : undefined;
const batchSize = envInt('BENCH_BATCH', software ? 16 : 32);
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** One slice of one side: wall seconds, its own CPU seconds, and the other side's CPU seconds meanwhile. */
interface Slice { seconds: number; cpuSeconds: number; otherCpuSeconds: number }

/** The model's Keras config: the workshop CNN fixture, or the MLP fixture widened to 784-512-512-10. */
function modelSpec(): { spec: ModelSpec; inputShape: number[] } {
  if (text) return { spec: compileGraph(getTemplate('imdb-lstm')!.graph), inputShape: [TEXT_LENGTH] };
  if (modelKind === 'cnn') {
    return { spec: specFromJson(JSON.parse(readFileSync(resolve(fixtures, 'workshop-cnn.json'), 'utf8'))), inputShape: [28, 28, 1] };
  }
  const spec = specFromJson(JSON.parse(readFileSync(resolve(fixtures, 'mlp-784-64-64-10.json'), 'utf8')));
  for (const layer of spec.config.layers.slice(0, 2)) (layer.config as { units: number }).units = 512;
  return { spec, inputShape: [784] };
}

const clockTicks = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.
/** CPU seconds (user + system, all threads) of a process so far, from /proc; null where /proc is missing. */
function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

function osThreads(pid: number): string {
  try {
    return /Threads:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

const ownCpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/** The tfjs side: builds and warms the model once; each call trains `k` batches through a shuffled order. */
async function tfjsTrainer() {
  console.log(formatBackendChoice(choice));
  if (software) console.log('  (a software adapter: this figure is only informational)');
  const { spec, inputShape } = modelSpec();
  const model = await buildModel(spec, { seed: 1 });
  compileModel(model, { optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 }, ...(text ? { loss: 'binaryCrossentropy' } : {}) });
  const { train, test } = text ? textTensors(textData!) : await mnistTensors(inputShape);
  const samples = train.count;
  let order = tf.util.createShuffledIndices(samples);
  let cursor = 0;
  let batches = 0;
  const step = async () => {
    if (cursor + batchSize > samples) [order, cursor] = [tf.util.createShuffledIndices(samples), 0];
    const idx = tf.tensor1d(Int32Array.from(order.subarray(cursor, cursor + batchSize)), 'int32');
    cursor += batchSize;
    const xb = tf.gather(train.x, idx);
    const yb = tf.gather(train.y, idx);
    await model.trainOnBatch(xb, yb);
    tf.dispose([idx, xb, yb]);
    batches++;
  };
  // Warm-up: the first steps create XNNPACK operators and grow the wasm heap.
  for (let i = 0; i < 3; i++) await step();
  return {
    choice,
    model,
    step,
    batches: () => batches,
    slice: async (k: number, otherPid: number | undefined): Promise<Slice> => {
      const other0 = otherPid ? procCpuSeconds(otherPid) : null;
      const c0 = ownCpuSeconds();
      const t0 = performance.now();
      for (let i = 0; i < k; i++) await step();
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = ownCpuSeconds() - c0;
      const other1 = otherPid ? procCpuSeconds(otherPid) : null;
      return { seconds, cpuSeconds, otherCpuSeconds: other0 != null && other1 != null ? other1 - other0 : NaN };
    },
    // Read asynchronously: a synchronous read on webgpu in Node needs an OffscreenCanvas, which Node lacks.
    valAcc: async () => {
      const acc = tf.tidy(() => {
        const p = model.predict(test.x) as tf.Tensor;
        return (text ? p.greater(0.5).toFloat().equal(test.y) : p.argMax(-1).equal(test.y.argMax(-1))).mean();
      });
      const [value] = await acc.data();
      acc.dispose();
      return value!;
    },
  };
}

async function mnistTensors(inputShape: number[]) {
  const data = await loadData({ dataset: 'mnist', dataDir, limitTrain: samples, limitTest: testCount });
  if (!data.test) throw new Error(`no MNIST test split in ${dataDir}; the benchmark reports held-out accuracy from it`);
  return { train: toTensors(data.train, inputShape, 10), test: toTensors(data.test, inputShape, 10) };
}

/** Ids as they are (the Embedding's input) and 0/1 targets [n, 1] for the sigmoid output. */
function textTensors(d: TextBench) {
  const of = (s: TextBench['train']) => ({ x: tf.tensor2d(Float32Array.from(s.x), [s.count, TEXT_LENGTH]), y: tf.tensor2d(Float32Array.from(s.y), [s.count, 1]), count: s.count });
  return { train: of(d.train), test: of(d.test) };
}

type Json = Record<string, unknown>;

/** The PyTorch side, kept running and driven line by line; a note instead when it cannot run. */
async function pytorchTrainer() {
  const source = textData ? textData.dir : dataDir;
  const child = spawn(python, [resolve(repoRoot, 'bench/pytorch_cnn.py'), source, String(textData?.train.count ?? samples), String(batchSize), String(cores), '--model', modelKind, '--test', String(textData?.test.count ?? testCount), '--slices']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise<{ note: string }>((ok) => {
    child.on('error', (e) => ok({ note: `PyTorch skipped: cannot run ${python} (${e.message})` }));
    child.on('exit', () => ok({ note: `PyTorch skipped: ${python} failed (${stderr.trim().split('\n').pop() ?? 'no output'})` }));
  });
  const next = async (): Promise<Json | { note: string }> => {
    const r = await Promise.race([lines.next(), failed]);
    if ('note' in r) return r;
    if (r.done) return failed;
    try {
      return JSON.parse(r.value) as Json;
    } catch {
      return { note: `PyTorch skipped: unexpected output ${r.value}` };
    }
  };
  const ask = async (command: string): Promise<Json> => {
    child.stdin.write(`${command}\n`);
    const j = await next();
    if ('note' in j) throw new Error(`PyTorch '${command}': ${j.note}`);
    if ('error' in j) throw new Error(`PyTorch '${command}': ${String(j.error)}`);
    return j;
  };
  const ready = await next();
  if ('note' in ready) return ready as { note: string };
  if (typeof ready.skipped === 'string') return { note: `PyTorch skipped: ${ready.skipped}` };
  const pid = child.pid!;
  return {
    pid,
    threads: ready.threads as number,
    version: ready.torch as string,
    slice: async (k: number): Promise<Slice> => {
      const own0 = ownCpuSeconds();
      const j = await ask(`slice ${k}`);
      return { seconds: j.seconds as number, cpuSeconds: j.cpu_seconds as number, otherCpuSeconds: ownCpuSeconds() - own0 };
    },
    valAcc: async () => (await ask('eval')).val_acc as number,
    close: () => child.stdin.end(),
  };
}

/**
 * Per-kernel time of tfjs over a few steps, largest first: every kernel registered for the backend is wrapped to
 * add up its wall and CPU time (CPU time is what matters on a loaded machine; tf.profile only gives wall time).
 */
async function profile(tfjs: Awaited<ReturnType<typeof tfjsTrainer>>, steps: number): Promise<void> {
  const backendName = tf.getBackend();
  const byName = new Map<string, { ms: number; cpuMs: number; n: number }>();
  for (const k of tf.getKernelsForBackend(backendName)) {
    const inner = k.kernelFunc;
    const e = { ms: 0, cpuMs: 0, n: 0 };
    byName.set(k.kernelName, e);
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({ ...k, kernelFunc: (args) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        return inner(args);
      } finally {
        const c = process.cpuUsage(c0);
        e.ms += performance.now() - t0;
        e.cpuMs += (c.user + c.system) / 1000;
        e.n++;
      }
    } });
  }
  const c0 = ownCpuSeconds();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await tfjs.step();
  const wall = (performance.now() - t0) / steps;
  const cpu = (1000 * (ownCpuSeconds() - c0)) / steps;
  const kernels = [...byName.values()].reduce((a, e) => a + e.cpuMs, 0) / steps;
  console.log(`profile over ${steps} steps: ${wall.toFixed(1)} ms/step wall, ${cpu.toFixed(1)} CPU-ms/step (in kernels ${kernels.toFixed(1)})`);
  for (const [name, e] of [...byName].sort((a, b) => b[1].cpuMs - a[1].cpuMs)) {
    if (e.cpuMs / steps < 0.1) continue;
    console.log(`  ${name.padEnd(28)} ${(e.cpuMs / steps).toFixed(2).padStart(7)} CPU-ms/step ${(e.ms / steps).toFixed(2).padStart(7)} ms/step  (${e.n / steps} calls)`);
  }
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const label = text ? `imdb-lstm template (Embedding 10000x32, LSTM 32, sigmoid)` : modelKind === 'cnn' ? 'workshop CNN' : 'MLP 784-512-512-10';
const what = textData ? `debian-package-sections ${textData.train.count} descriptions as ${TEXT_LENGTH} ids ('games' vs the rest)` : `MNIST ${samples} training samples`;
console.log(`${label}, ${what}, batch ${batchSize}, ${cores} threads each (${os.cpus().length} cores); load average ${load()} (1/5/15 min)`);
const tfjs = await tfjsTrainer();
if (profileOnly) {
  await profile(tfjs, envInt('BENCH_PROFILE_STEPS', 10));
  process.exit(0);
}
const torch = await pytorchTrainer();
const torchPid = 'pid' in torch ? torch.pid : undefined;
console.log(`threads: tfjs ${tfjs.choice.backend} ${tfjs.choice.wasmThreads ?? 1} compute (process ${osThreads(process.pid)} OS threads)` +
  ('pid' in torch ? `; PyTorch ${torch.version} ${torch.threads} compute (process ${osThreads(torch.pid)} OS threads)` : ''));
if (!('slice' in torch)) {
  console.log(torch.note);
}

const pairs: { tfjs: Slice; torch?: Slice }[] = [];
const warmUp = 2;
for (let i = 0; i < warmUp + slices; i++) {
  let a: Slice;
  let b: Slice | undefined;
  // Alternate who goes first, so a load that rises or falls through the run does not favour one side.
  if (i % 2 === 0 || !('slice' in torch)) {
    a = await tfjs.slice(sliceBatches, torchPid);
    b = 'slice' in torch ? await torch.slice(sliceBatches) : undefined;
  } else {
    b = await torch.slice(sliceBatches);
    a = await tfjs.slice(sliceBatches, torchPid);
  }
  if (i >= warmUp) pairs.push({ tfjs: a, torch: b });
}

const n = sliceBatches * batchSize;
const sps = (s: Slice) => n / s.seconds;
const cpuSps = (s: Slice) => n / s.cpuSeconds;
const tfjsSps = spread(pairs.map((p) => sps(p.tfjs)));
const tfjsCpu = spread(pairs.map((p) => cpuSps(p.tfjs)));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const name = `tfjs ${tfjs.choice.backend}`;
console.log(`${slices} pairs of slices of ${sliceBatches} batches (${n} samples) each side, order alternating; load average now ${load()}`);
console.log(`${name}: ${tfjsSps.median.toFixed(1)} samples/s median (IQR ${tfjsSps.q1.toFixed(1)}-${tfjsSps.q3.toFixed(1)}), ${tfjsCpu.median.toFixed(1)} per CPU-second (uses ${(sum(pairs.map((p) => p.tfjs.cpuSeconds)) / sum(pairs.map((p) => p.tfjs.seconds))).toFixed(2)} cores)`);
if ('slice' in torch) {
  const ts = pairs.map((p) => p.torch!);
  const torchSps = spread(ts.map(sps));
  const torchCpu = spread(ts.map(cpuSps));
  console.log(`PyTorch: ${torchSps.median.toFixed(1)} samples/s median (IQR ${torchSps.q1.toFixed(1)}-${torchSps.q3.toFixed(1)}), ${torchCpu.median.toFixed(1)} per CPU-second (uses ${(sum(ts.map((s) => s.cpuSeconds)) / sum(ts.map((s) => s.seconds))).toFixed(2)} cores)`);
  // Pool threads that spin after their work steal CPU from the other side; shown so that neither hides a cost.
  const idleTfjs = sum(ts.map((s) => s.otherCpuSeconds)) / sum(ts.map((s) => s.seconds));
  const idleTorch = sum(pairs.map((p) => p.tfjs.otherCpuSeconds)) / sum(pairs.map((p) => p.tfjs.seconds));
  console.log(`idle cost: tfjs process uses ${idleTfjs.toFixed(2)} cores while PyTorch trains; PyTorch process uses ${Number.isNaN(idleTorch) ? '?' : idleTorch.toFixed(2)} cores while tfjs trains`);
  const wall = spread(pairs.map((p) => sps(p.tfjs) / sps(p.torch!)));
  const cpu = spread(pairs.map((p) => cpuSps(p.tfjs) / cpuSps(p.torch!)));
  console.log(`ratio tfjs/PyTorch, wall clock:     ${formatSpread(wall)}: ${verdict(wall)}`);
  console.log(`ratio tfjs/PyTorch, per CPU-second: ${formatSpread(cpu)}: ${verdict(cpu)}`);
  const [accTfjs, accTorch] = [await tfjs.valAcc(), await torch.valAcc()];
  console.log(`val accuracy on ${testCount} test ${text ? 'descriptions' : 'images'} after ${tfjs.batches()} batches: tfjs ${accTfjs.toFixed(3)}, PyTorch ${accTorch.toFixed(3)}`);
  torch.close();
} else {
  console.log(`val accuracy on ${testCount} test ${text ? 'descriptions' : 'images'} after ${tfjs.batches()} batches: tfjs ${(await tfjs.valAcc()).toFixed(3)}`);
}
tf.disposeVariables();
