/**
 * `npm run bench:train`: trains the workshop CNN (Conv2D 32, Conv2D 64, MaxPool, Dropout, Dense 128, Dropout,
 * Dense 10; SGD lr 0.01 momentum 0.9) on real MNIST on the chosen tfjs backend and, in the same run, the same model in
 * PyTorch (/usr/bin/python3, threads = cores), and prints samples/second for both and their ratio.
 * Goal on a 2-core machine: wasm >= 0.6x PyTorch.
 *
 * Options (env): BENCH_SAMPLES (default 1024), BENCH_BATCH (32), BENCH_BACKEND (auto), BENCH_PYTHON (/usr/bin/python3),
 * LAYERLAB_WASM_THREADS (wasm thread pool, default one per core; 1 = the single-threaded build).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { formatBackendChoice, selectBackend } from '../main/engine/backend';
import { loadData, toTensors } from '../main/engine/data';
import { buildModel, compileModel, specFromJson } from '../main/engine/model';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const dataDir = process.env.BENCH_DATA_DIR ?? resolve(repoRoot, '../shared/datasets/mnist');
const samples = Number(process.env.BENCH_SAMPLES ?? 1024);
const batchSize = Number(process.env.BENCH_BATCH ?? 32);
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const threads = os.cpus().length;

async function tfjsSamplesPerSecond(): Promise<{ sps: number; backend: string; cpuSps: number }> {
  const choice = await selectBackend({ force: process.env.BENCH_BACKEND || undefined });
  console.log(formatBackendChoice(choice));
  const spec = specFromJson(JSON.parse(readFileSync(resolve(repoRoot, 'test/integration/engine/fixtures/workshop-cnn.json'), 'utf8')));
  const model = await buildModel(spec, { seed: 1 });
  compileModel(model, { optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 } });
  const data = await loadData({ dataset: 'mnist', dataDir, limitTrain: samples, limitTest: 1 });
  const train = toTensors(data.train, [28, 28, 1], 10);
  // Warm-up: first calls create XNNPACK operators and grow the wasm heap.
  await model.fit(train.x.slice(0, 2 * batchSize), train.y.slice(0, 2 * batchSize), { batchSize, epochs: 1, verbose: 0 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(train.x, train.y, { batchSize, epochs: 1, verbose: 0, shuffle: true });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { sps: samples / seconds, backend: choice.backend, cpuSps: samples / ((c.user + c.system) / 1e6) };
}

function pytorchSamplesPerSecond(): { sps?: number; cpuSps?: number; note?: string } {
  const r = spawnSync(python, [resolve(repoRoot, 'bench/pytorch_cnn.py'), dataDir, String(samples), String(batchSize), String(threads)], { encoding: 'utf8' });
  if (r.error) return { note: `PyTorch skipped: cannot run ${python} (${r.error.message})` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(last) as { samples_per_second?: number; samples_per_cpu_second?: number; skipped?: string };
    if (j.skipped) return { note: `PyTorch skipped: ${j.skipped}` };
    return { sps: j.samples_per_second, cpuSps: j.samples_per_cpu_second };
  } catch {
    return { note: `PyTorch skipped: ${python} failed (${(r.stderr || last).trim().split('\n').pop()})` };
  }
}

const load = os.loadavg()[0]!;
console.log(`workshop CNN, MNIST ${samples} samples, batch ${batchSize}, ${threads} cores (load average ${load.toFixed(1)})`);
const torchResult = pytorchSamplesPerSecond();
const tfjs = await tfjsSamplesPerSecond();
console.log(`tfjs ${tfjs.backend}: ${tfjs.sps.toFixed(1)} samples/s (${tfjs.cpuSps.toFixed(1)} per CPU-second)`);
if (torchResult.sps) {
  console.log(`PyTorch (${threads} threads): ${torchResult.sps.toFixed(1)} samples/s (${torchResult.cpuSps?.toFixed(1) ?? '?'} per CPU-second)`);
  console.log(`ratio tfjs/PyTorch: ${(tfjs.sps / torchResult.sps).toFixed(2)}x wall clock (goal >= 0.6x)`);
  // On a busy machine wall-clock ratios mostly measure the neighbours; CPU time is what each implementation costs.
  if (torchResult.cpuSps) console.log(`ratio per CPU-second: ${(tfjs.cpuSps / torchResult.cpuSps).toFixed(2)}x`);
} else {
  console.log(torchResult.note);
}
tf.disposeVariables();
