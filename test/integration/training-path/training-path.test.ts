/**
 * The one training path end to end, on real MNIST subsets: seeded runs repeat, augmentation reaches the batches,
 * `layerlab train PROJECT` stores a run whose weights reproduce its val_acc, --resume continues from the checkpoint,
 * and the CLI and the service share the one worker.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/index';
import { specFromJson } from '../../../main/engine/model';
import { feederFor, runTraining } from '../../../main/engine/train';
import type { EpochEvent, FromWorker } from '../../../main/engine/worker/protocol';
import { createProject, loadRunWeights, openProject, saveProjectAs } from '../../../main/projects/service';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';
import { TrainingConfigSchema, type TrainingConfigInput } from '../../../shared/training';
import { fixture, mnistDir, repoRoot } from '../engine/paths';

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-training-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mlp = specFromJson(JSON.parse(readFileSync(fixture('mlp-784-64-64-10.json'), 'utf8')));
const light = { histograms: false, filters: false, activations: false, health_checks: false, confusion_matrix: false };
const config = (over: TrainingConfigInput = {}) =>
  TrainingConfigSchema.parse({
    dataset: { name: 'mnist' }, epochs: 1, batch_size: 32, limit_train: 400, limit_test: 100, seed: 7,
    optimizer: { name: 'sgd', learning_rate: 0.05 }, telemetry: light, ...over,
  });

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The MLP with Dropout(0.5) after each hidden layer: its masks come from tfjs' unseeded random ops. */
const mlpDropout = (() => {
  const json = JSON.parse(readFileSync(fixture('mlp-784-64-64-10.json'), 'utf8'));
  const layers = json.config.layers as unknown[];
  const dropout = (i: number) => ({ class_name: 'Dropout', config: { rate: 0.5, noise_shape: null, seed: null, name: `dropout_${i}`, trainable: true, dtype: 'float32' } });
  json.config.layers = [layers[0], dropout(1), layers[1], dropout(2), ...layers.slice(2)];
  return specFromJson(json);
})();

async function firstEpochLoss(seed: number, spec = mlp): Promise<number> {
  const events: FromWorker[] = [];
  const result = await runTraining({ spec, config: config({ seed }), data: { dataDir: mnistDir }, backend: 'wasm' }, (e) => events.push(e));
  result.model.dispose();
  return (events.find((e): e is EpochEvent => e.type === 'epoch')!).logs.loss!;
}

describe('seeded training', () => {
  it('the same seed gives the same first-epoch loss, another seed a different one', async () => {
    const a = await firstEpochLoss(7);
    const b = await firstEpochLoss(7);
    const c = await firstEpochLoss(8);
    expect(b).toBe(a);
    expect(Math.abs(c - a)).toBeGreaterThan(1e-4);
  }, 60_000);

  it('dropout masks repeat with the seed too (tfjs draws them from Math.random, seeded for the run)', async () => {
    const a = await firstEpochLoss(7, mlpDropout);
    const b = await firstEpochLoss(7, mlpDropout);
    const c = await firstEpochLoss(8, mlpDropout);
    expect(b).toBe(a);
    expect(Math.abs(c - a)).toBeGreaterThan(1e-4);
    const outside = Math.random;
    await firstEpochLoss(9, mlpDropout);
    expect(Math.random).toBe(outside);
  }, 60_000);
});

describe('the feeder a config asks for', () => {
  it('shuffles per epoch with the seed, and augmentation changes the images but not the labels', async () => {
    const data = await loadDataset('mnist', { mirror: path.resolve(repoRoot, '../shared/datasets'), offline: true, limitTrain: 256, limitTest: 10 });
    const first = (c: ReturnType<typeof config>, epoch = 0) => feederFor(data, c, [28, 28, 1]).trainBatches(epoch).next().value!;
    const plain = first(config());
    expect(first(config()).ys).toEqual(plain.ys);
    expect(first(config(), 1).ys).not.toEqual(plain.ys);
    expect(first(config({ seed: 8 })).ys).not.toEqual(plain.ys);
    const augmented = first(config({ augmentation: { width_shift_range: 0.1, rotation_range: 15, zoom_range: 0.1 } }));
    expect(augmented.ys).toEqual(plain.ys);
    let changed = 0;
    for (let i = 0; i < plain.xs.length; i++) if (Math.abs(plain.xs[i]! - augmented.xs[i]!) > 1e-3) changed++;
    expect(changed / plain.xs.length).toBeGreaterThan(0.05);
    // Standardisation uses the training statistics: the batch has about zero mean.
    const std = first(config({ preprocessing: { normalize: 'standardize' } }));
    let sum = 0;
    for (const v of std.xs) sum += v;
    expect(Math.abs(sum / std.xs.length)).toBeLessThan(0.2);
    expect(() => first(config({ augmentation: { vertical_flip: true } }))).toThrow(/vertical_flip/);
  });
});

describe('layerlab train PROJECT', () => {
  it('trains the project with its config, stores the run, and the stored weights reproduce val_acc', async () => {
    const file = path.join(dir, 'mlp.layerlab');
    const doc = createProject({ name: 'MLP', templateId: 'mlp-64' });
    doc.project.training = { ...config({ epochs: 2, limit_train: 600, limit_test: 300, batch_size: 50, optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0.9 } }) };
    await saveProjectAs(doc, file);

    const r = cli('train', file, '--data-dir', mnistDir, '--checkpoint-dir', path.join(dir, 'ck'), '--seed', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 2\/2: loss \d+\.\d{4} acc \d\.\d{4} val_loss \d+\.\d{4} val_acc \d\.\d{4} \(.*samples\/s\) lr 0\.1/);
    expect(r.stdout).toMatch(/saved run run-\S+ to .*mlp\.layerlab/);

    const { doc: reopened } = await openProject(file);
    expect(reopened.runs).toHaveLength(1);
    const run = reopened.runs[0]!.meta;
    expect(run).toMatchObject({ status: 'completed', hasWeights: true, config: { seed: 3, epochs: 2 } });
    expect(run.graph).toEqual(doc.project.graph);
    expect(run.history.map((h) => h.epoch)).toEqual([0, 1]);
    const valAcc = run.history[1]!.metrics.val_acc!;
    expect(valAcc).toBeGreaterThan(0.6);

    const model = await loadModelFromWeights(await loadRunWeights(reopened, run.id));
    const test = (await loadDataset('mnist', { mirror: path.resolve(repoRoot, '../shared/datasets'), offline: true, limitTrain: 1, limitTest: 300 })).test!;
    const predicted = tf.tidy(() => (model.predict(tf.tensor(Float32Array.from(test.x, (v) => v / 255), [300, 784])) as tf.Tensor).argMax(-1).dataSync());
    const correct = Array.from(predicted).filter((p, i) => p === test.y[i]).length;
    expect(correct / 300).toBeCloseTo(valAcc, 2);
    model.dispose();

    const summary = cli('summary', file);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toContain('Total params: 55,050');
  }, 120_000);
});

describe('layerlab train --resume', () => {
  it('continues from the checkpoint with the next epoch', () => {
    const ck = path.join(dir, 'resume');
    const args = [fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--limit-train', '300', '--limit-test', '100', '--checkpoint-dir', ck, '--seed', '1'];
    const first = cli('train', ...args, '--epochs', '1', '--json');
    expect(first.code, first.stderr).toBe(0);
    const runId = /--resume (\S+)\)/.exec(first.stderr)![1]!;
    expect(readdirSync(ck)).toEqual([runId]);
    const manifest = JSON.parse(readFileSync(path.join(ck, runId, 'checkpoint.json'), 'utf8')) as { epoch: number };
    expect(manifest.epoch).toBe(1);

    const resumed = cli('train', ...args, '--epochs', '3', '--json', '--resume', runId);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from .* after epoch 1/);
    const lines = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; loss: number });
    expect(lines.map((l) => l.epoch)).toEqual([2, 3]);
    const firstLoss = (JSON.parse(first.stdout.trim()) as { loss: number }).loss;
    expect(lines[1]!.loss).toBeLessThan(firstLoss);
    expect((JSON.parse(readFileSync(path.join(ck, runId, 'checkpoint.json'), 'utf8')) as { epoch: number }).epoch).toBe(3);

    const done = cli('train', ...args, '--epochs', '3', '--resume', runId);
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/already trained 3 epochs/);
  }, 120_000);
});

describe('one worker', () => {
  // That only main/engine/worker starts worker threads is an import rule (eslint.config.js, test/unit/lint/boundaries).
  it('there is a single training worker entry', () => {
    const workers: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = path.join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        // wasm-threads.ts starts emscripten's pthread helpers (the wasm backend's thread pool), not training.
        else if (/\.(ts|mjs|js)$/.test(name) && name !== 'wasm-threads.ts' && /\bparentPort\b/.test(readFileSync(p, 'utf8'))) workers.push(path.relative(repoRoot, p));
      }
    };
    walk(path.join(repoRoot, 'main'));
    expect(workers).toEqual([path.join('main', 'engine', 'worker', 'train-worker.ts')]);
  });
});
