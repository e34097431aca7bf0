/**
 * What full telemetry costs: the same training run with and without it, on the same backend, alternating the
 * order (A B B A ...) so drift in machine load hits both sides alike. Prints each run and the overhead ratio of
 * the medians. Goal: under 5%.
 *
 *   npm run bench:telemetry -- [--model mlp|conv] [--backend wasm|cpu] [--pairs 3] [--train 4096] [--val 1000] [--epochs 2]
 *
 * Both run on the same backend (wasm by default, with the engine's kernels registered).
 * Baseline: fit() with validationData (tfjs computes val_loss/val_acc). Telemetry: the Layerlab callbacks with every
 * option on (histograms, gradient histograms, filters, activations, confusion matrix, health checks, progress),
 * validation handed to the callbacks instead, as the engine does.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createTrainingCallbacks } from '../main/engine/training/callbacks';
import { fitArgsFromConfig } from '../test/support/fit-args';
import { compileArgs } from '../main/engine/training/losses';
import type { TelemetryEvent } from '../shared/telemetry';
import { parseTrainingConfig } from '../shared/training';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const modelKind = arg('model', 'mlp') as 'mlp' | 'conv';
const backend = arg('backend', 'wasm');
const pairs = Number(arg('pairs', '3'));
const trainN = Number(arg('train', modelKind === 'conv' ? '1024' : '4096'));
const valN = Number(arg('val', '1000'));
const epochs = Number(arg('epochs', '2'));

const MNIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/mnist');
function idx(file: string): Uint8Array {
  const b = gunzipSync(readFileSync(resolve(MNIST, file)));
  const rank = b[3]!;
  return new Uint8Array(b.buffer, b.byteOffset + 4 + 4 * rank, b.byteLength - 4 - 4 * rank);
}
function split(prefix: 'train' | 't10k', n: number): { x: tf.Tensor; y: tf.Tensor } {
  const images = idx(`${prefix}-images-idx3-ubyte.gz`);
  const labels = idx(`${prefix}-labels-idx1-ubyte.gz`);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[i]! / 255;
  return {
    x: tf.tensor(x, modelKind === 'conv' ? [n, 28, 28, 1] : [n, 784]),
    y: tf.tensor1d(Float32Array.from(labels.subarray(0, n))),
  };
}

function build(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const m = tf.sequential();
  if (modelKind === 'conv') {
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
  } else {
    m.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }));
  }
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  return m;
}

const parsed = parseTrainingConfig({
  optimizer: { name: 'adam' }, epochs, batch_size: 64, shuffle: false,
  telemetry: { histograms: true, gradient_histograms: true, filters: true, activations: true, confusion_matrix: true, health_checks: true },
});
if (!parsed.ok) throw new Error(parsed.message);
const cfg = parsed.config;

await tf.setBackend(backend);
await tf.ready();
if (backend === 'wasm') {
  // Conv layers train on wasm only with the engine's gradient kernels (stock tfjs-backend-wasm 4.22 lacks them).
  const { registerWasmKernels } = await import('../main/engine/kernels/index');
  registerWasmKernels();
}
const train = split('train', trainN);
const val = split('t10k', valN);

interface Run {
  seconds: number;
  /** CPU seconds of this process: less disturbed than wall time when other processes load the machine. */
  cpu: number;
  /** Seconds the callbacks spent on telemetry itself, measured inside. */
  inside: number;
  events: number;
  bytes: number;
}

async function once(withTelemetry: boolean): Promise<Run> {
  const model = build();
  model.compile(compileArgs(cfg));
  const events: TelemetryEvent[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let inside = 0;
  if (withTelemetry) {
    const t = createTrainingCallbacks(model, cfg, { sink: (e) => events.push(e), validation: val });
    await model.fit(train.x, train.y, { ...fitArgsFromConfig(cfg), callbacks: t.callbacks, verbose: 0 });
    inside = t.telemetrySeconds();
    t.dispose();
  } else {
    await model.fit(train.x, train.y, { ...fitArgsFromConfig(cfg), validationData: [val.x, val.y], verbose: 0 });
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  model.dispose();
  return { seconds, cpu: (used.user + used.system) / 1e6, inside, events: events.length, bytes: events.reduce((a, e) => a + JSON.stringify(e).length, 0) };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(`bench:telemetry model=${modelKind} backend=${tf.getBackend()} train=${trainN} val=${valN} epochs=${epochs} batch=64 pairs=${pairs}`);
await once(false); // warm-up: kernel compilation and first allocations
const base: Run[] = [];
const full: Run[] = [];
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? [false, true] : [true, false];
  for (const withTelemetry of order) {
    const r = await once(withTelemetry);
    (withTelemetry ? full : base).push(r);
    const extra = withTelemetry ? `  telemetry inside ${r.inside.toFixed(3)} s, ${r.events} events, ${(r.bytes / 1024).toFixed(1)} KiB JSON` : '';
    console.log(`  pair ${p + 1} ${withTelemetry ? 'telemetry' : 'baseline '} wall ${r.seconds.toFixed(3)} s  cpu ${r.cpu.toFixed(3)} s${extra}`);
  }
}
const pct = (r: number) => `${((r - 1) * 100).toFixed(1)}%`;
const wall = median(full.map((r) => r.seconds)) / median(base.map((r) => r.seconds));
const cpu = median(full.map((r) => r.cpu)) / median(base.map((r) => r.cpu));
const inside = median(full.map((r) => r.inside / (r.seconds - r.inside)));
console.log(`median wall: baseline ${median(base.map((r) => r.seconds)).toFixed(3)} s, telemetry ${median(full.map((r) => r.seconds)).toFixed(3)} s`);
console.log(`overhead ratio (wall) ${wall.toFixed(3)} (${pct(wall)})`);
console.log(`overhead ratio (cpu)  ${cpu.toFixed(3)} (${pct(cpu)})`);
console.log(`telemetry time measured inside the callbacks / training time: ${(inside * 100).toFixed(1)}%   goal < 5%`);
