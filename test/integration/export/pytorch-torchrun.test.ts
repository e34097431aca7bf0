/**
 * The exported mnist CNN trains on 2 DDP processes (gloo, CPU, DistributedDataParallel) for one epoch on 1000 real
 * MNIST training images, started by `python train.py --nproc-per-node 2` (torch's elastic launcher, as torchrun
 * --standalone; torch 1.13's torchrun command itself crashes on Python 3.11 before starting any worker), and its
 * loss falls.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { compileGraph } from '../../../shared/graph';
import { getTemplate } from '../../../shared/templates';
import { TrainingConfigSchema } from '../../../shared/training';
import { exportGraph } from '../../../main/export/model';
import { DATASETS, mnist, PYTHON, runPython, torchMissing } from './helpers';
import { mnistCnn } from './workshop-models';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED torchrun training test: ${missing}`);

function writeMnistSubset(dir: string, train: number, test: number): void {
  // The standard file names in data/, so train.py finds them and downloads nothing.
  const data = join(dir, 'data');
  mkdirSync(data);
  const tr = mnist(train, 'train');
  const te = mnist(test);
  writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), idx([train, 28, 28], tr.raw));
  writeFileSync(join(data, 'train-labels-idx1-ubyte.gz'), idx([train], tr.y));
  writeFileSync(join(data, 't10k-images-idx3-ubyte.gz'), idx([test, 28, 28], te.raw));
  writeFileSync(join(data, 't10k-labels-idx1-ubyte.gz'), idx([test], te.y));
}

function idx(dims: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, data]));
}

describe.skipIf(missing !== null)('PyTorch train.py under torchrun', () => {
  it('trains the workshop CNN with DDP on 2 gloo processes (python train.py --nproc-per-node 2) and the loss falls', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-torchrun-'));
    const spec = JSON.parse(JSON.stringify(mnistCnn().toJSON(null, false)));
    expect(exportGraph(spec).layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dropout', 'Dense']);
    return exportModel({
      spec,
      training: TrainingConfigSchema.parse({ optimizer: { name: 'adam', learning_rate: 0.001 }, loss: 'categorical_crossentropy', batch_size: 32, epochs: 1, dataset: { name: 'mnist' }, validation: { kind: 'test' }, early_stopping: { monitor: 'val_loss', patience: 5 } }),
    }, { format: 'pytorch', outDir: dir }).then(() => {
      writeMnistSubset(dir, 1000, 100);
      const r = spawnSync(PYTHON, ['train.py', '--nproc-per-node', '2', '--offline', '--threads', '1', '--log-every', '1', '--seed', '1'], {
        cwd: dir, encoding: 'utf8', timeout: 150_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(0);
      expect(output).toMatch(/2 process\(es\) on cpu/);
      const losses = [...output.matchAll(/^epoch 1 step \d+ loss ([\d.]+)$/gm)].map((m) => Number(m[1]));
      // 1000 images over 2 processes at a global batch of 32: 16 per process, 32 steps.
      expect(losses.length).toBe(32);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) * 0.8);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);
      expect(Object.keys(lines[0]!)).toEqual(['epoch', 'loss', 'acc', 'val_loss', 'val_acc', 'lr', 'seconds']);
      expect(lines[1]!.test_acc).toBeGreaterThan(0.5);
      expect(existsSync(join(dir, 'checkpoints', 'last.pt'))).toBe(true);
    });
  }, 200_000);

  it.each([
    ['reduce_on_plateau', { kind: 'reduce_on_plateau', monitor: 'val_loss', patience: 0, factor: 0.5 }],
    ['cosine', { kind: 'cosine', decay_steps: 2 }],
  ] as const)('runs in one process: the MLP template, %s schedule, split validation, standardize, early stopping', async (_kind, schedule) => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-train1-'));
    const training = TrainingConfigSchema.parse({
      optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true }, batch_size: 50, epochs: 3,
      validation: { kind: 'split', fraction: 0.2 }, preprocessing: { normalize: 'standardize' }, lr_schedule: schedule,
      early_stopping: { monitor: 'val_acc', patience: 1, restore_best_weights: true },
    });
    await exportModel({ spec: compileGraph(getTemplate('mlp-64')!.graph), training }, { format: 'pytorch', outDir: dir });
    writeMnistSubset(dir, 500, 100);
    const r = spawnSync(PYTHON, ['train.py', '--threads', '1', '--log-every', '2', '--offline'], { cwd: dir, encoding: 'utf8', timeout: 100_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);
    const epochs = lines.filter((l) => 'epoch' in l);
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(epochs[1]!.loss).toBeLessThan(epochs[0]!.loss!);
    if (_kind === 'cosine') expect(epochs.map((e) => e.lr)).toEqual([0.05, 0.025, 0].slice(0, epochs.length));
    // Layerlab's split: round(500 * 0.2) = 100 held out of the 500 training images.
    expect(r.stderr).toMatch(/400 training and 100 validation samples/);
    expect(lines.at(-1)!.test_acc).toBeGreaterThan(0.5);
  }, 120_000);

  it('reproduces augmentation, class weights and a regression loss: mse with an mae metric logs loss/mae/val_loss/val_mae', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-train-settings-'));
    const training = TrainingConfigSchema.parse({
      loss: 'mse', metrics: ['mae'], batch_size: 50, epochs: 1, limit_train: 300,
      augmentation: { rotation_range: 10, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.1, horizontal_flip: true, gaussian_noise: 0.05 },
    });
    const spec = compileGraph(getTemplate('cnn-first')!.graph);
    await exportModel({ spec, training }, { format: 'pytorch', outDir: dir });
    writeMnistSubset(dir, 300, 100);
    const r = spawnSync(PYTHON, ['train.py', '--threads', '1', '--offline'], { cwd: dir, encoding: 'utf8', timeout: 100_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(Object.keys(lines[0]!)).toEqual(['epoch', 'loss', 'mae', 'val_loss', 'val_mae', 'lr', 'seconds']);
    // Regression stays regression: the target is the label value (0..9), so the loss is far above a one-hot mse.
    expect(lines[0]!.val_loss).toBeGreaterThan(1);
    expect(Object.keys(lines[1]!)).toEqual(['test_loss', 'test_mae']);

    // class_weight needs a classification loss; weighted training runs and still learns.
    const weighted = TrainingConfigSchema.parse({ batch_size: 50, epochs: 1, class_weight: { '0': 1, '1': 5 }, augmentation: { rotation_range: 5 } });
    const dir2 = mkdtempSync(join(tmpdir(), 'layerlab-train-weights-'));
    await exportModel({ spec, training: weighted }, { format: 'pytorch', outDir: dir2 });
    writeMnistSubset(dir2, 300, 100);
    const r2 = spawnSync(PYTHON, ['train.py', '--threads', '1', '--offline'], { cwd: dir2, encoding: 'utf8', timeout: 100_000 });
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/"test_acc": 0\.[3-9]/);
  }, 120_000);

  it('boston-housing (a .npz split as Keras splits it): regression stays regression, targets are the prices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-boston-'));
    const template = getTemplate('boston-mlp')!;
    const training = TrainingConfigSchema.parse({ ...template.training, epochs: 20 });
    await exportModel({ spec: compileGraph(template.graph), training }, { format: 'pytorch', outDir: join(dir, 'pt') });
    // The Keras file (boston_housing.npz: x [506, 13], y [506]) built from the real rows in ../shared/datasets.
    const mirror = join(dir, 'mirror');
    mkdirSync(join(mirror, 'boston-housing'), { recursive: true });
    const csv = join(DATASETS, 'boston-housing', 'housing.csv');
    runPython(['-c', `import numpy as np, sys
rows = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
np.savez(sys.argv[2], x=rows[:, :13], y=rows[:, 13])`, csv, join(mirror, 'boston-housing', 'boston_housing.npz')]);
    const r = spawnSync(PYTHON, ['train.py', '--threads', '1', '--offline', '--data-dir', mirror], { cwd: join(dir, 'pt'), encoding: 'utf8', timeout: 100_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/404 training and 102 test samples of boston-housing/);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(Object.keys(lines[0]!)).toEqual(['epoch', 'loss', 'mae', 'val_loss', 'val_mae', 'lr', 'seconds']);
    // Prices are 5..50 (thousands): the first epochs' mae is in dollars-thousands, not a one-hot class error.
    expect(lines[0]!.mae).toBeGreaterThan(5);
    expect(lines.at(-1)!.test_mae).toBeLessThan(lines[0]!.val_mae!);
  }, 120_000);
});
