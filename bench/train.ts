/**
 * `npm run bench:train`: trains the workshop CNN (Conv2D 32, Conv2D 64, MaxPool, Dropout, Dense 128, Dropout,
 * Dense 10; SGD lr 0.01 momentum 0.9) on real MNIST on the chosen tfjs backend and, in the same run, the same model in
 * PyTorch (/usr/bin/python3, threads = cores), and prints samples/second for both and their ratio.
 * Goal on a 2-core machine: wasm >= 0.6x PyTorch.
 *
 * The two alternate, one epoch each per round (PyTorch stays loaded between rounds), so a neighbour's load on a
 * shared machine hits both alike; the ratio reported is the median of the rounds' ratios. A first round of each
 * is not counted (warm-up).
 *
 * Options (flags, `npm run bench:train -- --backend webgpu`): --backend NAME, --samples N, --rounds N; they override
 * the env ones. On a software WebGPU adapter (SwiftShader, ~0.2-2 samples/s) the defaults shrink to 32 samples in
 * batches of 16, 1 round, no uncounted round: that figure is only informational.
 * Options (env): BENCH_SAMPLES (default 1024), BENCH_BATCH (32), BENCH_ROUNDS (5), BENCH_BACKEND (auto),
 * BENCH_PYTHON (/usr/bin/python3), LAYERLAB_WASM_THREADS (wasm thread pool, default one per core; 1 = the
 * single-threaded build).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { formatBackendChoice, selectBackend } from '../main/engine/backend';
import { loadData, toTensors } from '../main/engine/data';
import { buildModel, compileModel, specFromJson } from '../main/engine/model';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const dataDir = process.env.BENCH_DATA_DIR ?? resolve(repoRoot, '../shared/datasets/mnist');
const flags = parseArgs({ options: { backend: { type: 'string' }, samples: { type: 'string' }, rounds: { type: 'string' } } }).values;
const forced = flags.backend ?? (process.env.BENCH_BACKEND || undefined);
// Chosen before the data is loaded: a software GPU adapter gets a small run unless told otherwise.
const choice = await selectBackend({ force: forced });
const software = choice.adapter?.software === true;
const samples = Number(flags.samples ?? process.env.BENCH_SAMPLES ?? (software ? 32 : 1024));
const batchSize = Number(process.env.BENCH_BATCH ?? (software ? 16 : 32));
const rounds = Math.max(1, Number(flags.rounds ?? process.env.BENCH_ROUNDS ?? (software ? 1 : 5)));
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const threads = os.cpus().length;

interface Epoch { sps: number; cpuSps: number }

/** The tfjs side: builds and warms the model once; each call trains one epoch over the subset. */
async function tfjsTrainer(): Promise<{ backend: string; epoch: () => Promise<Epoch> }> {
  console.log(formatBackendChoice(choice));
  if (software) console.log('  (a software adapter: this figure is only informational)');
  const spec = specFromJson(JSON.parse(readFileSync(resolve(repoRoot, 'test/integration/engine/fixtures/workshop-cnn.json'), 'utf8')));
  const model = await buildModel(spec, { seed: 1 });
  compileModel(model, { optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 } });
  const data = await loadData({ dataset: 'mnist', dataDir, limitTrain: samples, limitTest: 1 });
  const train = toTensors(data.train, [28, 28, 1], 10);
  // Warm-up: first calls create XNNPACK operators and grow the wasm heap.
  const warm = Math.min(samples, 2 * batchSize);
  await model.fit(train.x.slice(0, warm), train.y.slice(0, warm), { batchSize, epochs: 1, verbose: 0 });
  return {
    backend: choice.backend,
    epoch: async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await model.fit(train.x, train.y, { batchSize, epochs: 1, verbose: 0, shuffle: true });
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      return { sps: samples / seconds, cpuSps: samples / ((c.user + c.system) / 1e6) };
    },
  };
}

/** The PyTorch side, kept running: one epoch per request. Null (with a note) when it cannot run. */
async function pytorchTrainer(): Promise<{ epoch: () => Promise<Epoch>; close: () => void } | { note: string }> {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(python, [resolve(repoRoot, 'bench/pytorch_cnn.py'), dataDir, String(samples), String(batchSize), String(threads), '--rounds']);
  } catch (e) {
    return { note: `PyTorch skipped: cannot run ${python} (${(e as Error).message})` };
  }
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise<{ note: string }>((ok) => {
    child.on('error', (e) => ok({ note: `PyTorch skipped: cannot run ${python} (${e.message})` }));
    child.on('exit', () => ok({ note: `PyTorch skipped: ${python} failed (${stderr.trim().split('\n').pop() ?? 'no output'})` }));
  });
  const next = async (): Promise<Record<string, unknown> | { note: string }> => {
    const r = await Promise.race([lines.next(), failed]);
    if ('note' in r) return r;
    if (r.done) return failed;
    try {
      return JSON.parse(r.value) as Record<string, unknown>;
    } catch {
      return { note: `PyTorch skipped: unexpected output ${r.value}` };
    }
  };
  const ready = await next();
  if ('note' in ready) return ready as { note: string };
  if (typeof ready.skipped === 'string') return { note: `PyTorch skipped: ${ready.skipped}` };
  return {
    epoch: async () => {
      child.stdin.write('go\n');
      const j = await next();
      if ('note' in j) throw new Error(String(j.note));
      return { sps: j.samples_per_second as number, cpuSps: j.samples_per_cpu_second as number };
    },
    close: () => child.stdin.end(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`workshop CNN, MNIST ${samples} samples, batch ${batchSize}, ${threads} cores, ${rounds} rounds (load average ${os.loadavg()[0]!.toFixed(1)})`);
const torch = await pytorchTrainer();
const tfjs = await tfjsTrainer();
// One uncounted round each first: PyTorch's first epoch over shuffled batches runs at about half speed.
if ('epoch' in torch) await torch.epoch();
if (!software) await tfjs.epoch();
const results: { tfjs: Epoch; torch?: Epoch }[] = [];
for (let r = 0; r < rounds; r++) {
  const torchEpoch = 'epoch' in torch ? await torch.epoch() : undefined;
  const tfjsEpoch = await tfjs.epoch();
  results.push({ tfjs: tfjsEpoch, torch: torchEpoch });
  const ratio = torchEpoch ? `  ratio ${(tfjsEpoch.sps / torchEpoch.sps).toFixed(2)}x` : '';
  console.log(`round ${r + 1}: tfjs ${tfjs.backend} ${tfjsEpoch.sps.toFixed(1)} samples/s${torchEpoch ? `, PyTorch ${torchEpoch.sps.toFixed(1)} samples/s` : ''}${ratio}`);
}
if ('close' in torch) torch.close();
const tfjsSps = median(results.map((r) => r.tfjs.sps));
console.log(`tfjs ${tfjs.backend}: ${tfjsSps.toFixed(1)} samples/s median (${median(results.map((r) => r.tfjs.cpuSps)).toFixed(1)} per CPU-second)`);
if ('epoch' in torch) {
  const torchSps = median(results.map((r) => r.torch!.sps));
  console.log(`PyTorch (${threads} threads): ${torchSps.toFixed(1)} samples/s median (${median(results.map((r) => r.torch!.cpuSps)).toFixed(1)} per CPU-second)`);
  const ratios = results.map((r) => r.tfjs.sps / r.torch!.sps);
  console.log(`ratio tfjs/PyTorch: ${median(ratios).toFixed(2)}x wall clock, median of ${rounds} rounds (range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; goal >= 0.6x)`);
  // On a busy machine wall-clock ratios partly measure the neighbours; CPU time is what each implementation costs.
  console.log(`ratio per CPU-second: ${median(results.map((r) => r.tfjs.cpuSps / r.torch!.cpuSps)).toFixed(2)}x`);
} else {
  console.log(torch.note);
}
tf.disposeVariables();
