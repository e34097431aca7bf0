/**
 * The exported mnist CNN trains under `torchrun --nproc_per_node=2` (gloo, CPU, DistributedDataParallel) for one
 * epoch on 1000 real MNIST training images, and its loss falls.
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
import { mnist, PYTHON, torchMissing } from './helpers';
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
  it('trains the workshop CNN with DDP on 2 gloo processes and the loss falls', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-torchrun-'));
    const spec = JSON.parse(JSON.stringify(mnistCnn().toJSON(null, false)));
    expect(exportGraph(spec).layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dropout', 'Dense']);
    return exportModel({
      spec,
      training: TrainingConfigSchema.parse({ optimizer: { name: 'adam', learning_rate: 0.001 }, loss: 'categorical_crossentropy', batch_size: 32, epochs: 1, dataset: { name: 'mnist' }, validation: { kind: 'test' }, early_stopping: { monitor: 'val_loss', patience: 5 } }),
    }, { format: 'pytorch', outDir: dir }).then(() => {
      writeMnistSubset(dir, 1000, 100);
      const launcher = existsSync('/usr/bin/torchrun') ? ['/usr/bin/torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];
      // Debian's torch 1.13 on Python 3.11 turns the default '--redirects 0 --tee 0' into None (IntFlag iteration
      // skips 0) and crashes; any explicit mapping avoids that (README.md of the export says so too).
      const r = spawnSync(launcher[0], [...launcher.slice(1), '--standalone', '--nproc_per_node=2', '--redirects', '1:2', '--tee', '1:2', 'train.py', '--threads', '1', '--log-every', '1', '--seed', '1'], {
        cwd: dir, encoding: 'utf8', timeout: 150_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(0);
      expect(output).toMatch(/2 process\(es\) on cpu/);
      const losses = [...r.stdout.matchAll(/^epoch 1 step \d+ loss ([\d.]+)$/gm)].map((m) => Number(m[1]));
      // 1000 images over 2 processes at a global batch of 32: 16 per process, 32 steps.
      expect(losses.length).toBe(32);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) * 0.8);
      expect(r.stdout).toMatch(/^epoch 1 loss [\d.]+ accuracy [\d.]+/m);
      expect(r.stdout).toMatch(/^test loss [\d.]+ accuracy [\d.]+/m);
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
    const r = spawnSync(PYTHON, ['train.py', '--threads', '1', '--log-every', '2'], { cwd: dir, encoding: 'utf8', timeout: 100_000 });
    expect(r.status, r.stderr).toBe(0);
    const epochs = [...r.stdout.matchAll(/^epoch (\d) loss ([\d.]+) accuracy [\d.]+ val_loss [\d.]+ val_accuracy [\d.]+ lr ([\d.e-]+)/gm)];
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(Number(epochs[1][2])).toBeLessThan(Number(epochs[0][2]));
    if (_kind === 'cosine') expect(epochs.map((m) => Number(m[3]))).toEqual([0.05, 0.025, 0].slice(0, epochs.length));
    expect(r.stdout).toMatch(/^test loss [\d.]+ accuracy 0\.[5-9]/m);
  }, 120_000);
});
