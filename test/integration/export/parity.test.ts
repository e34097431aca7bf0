/**
 * The exported PyTorch program is the same experiment: a Fashion-MNIST CNN project trained by Layerlab itself
 * (`layerlab train`, real data, 2 epochs on 10,000 training images) and by its exported train.py (fresh weights,
 * the project's training document, --data-dir in Layerlab's mirror layout, offline) reach test accuracies within
 * 2 points of each other. Both print per-epoch JSON lines with the same metric names.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, saveProjectAs } from '../../../main/projects/service';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema } from '../../../shared/training';
import { DATASETS, PYTHON, REPO, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED export parity test: ${missing}`);

function layerlab(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/layerlab.js'), ...args], { cwd, encoding: 'utf8', timeout: 400_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`layerlab ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const jsonLines = (out: string): Record<string, number>[] =>
  out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);

describe.skipIf(missing !== null)('exported PyTorch train.py reproduces the experiment', () => {
  it('Fashion-MNIST CNN: test accuracy within 2 points of Layerlab\'s own run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-parity-'));
    const doc = createProject({ name: 'fashion' });
    // A small CNN, so both trainings stay short on two shared cores.
    doc.project.graph = sequentialGraph([null, 28, 28, 1], [
      ['Conv2D', { filters: 8, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 10, activation: 'softmax' }],
    ]);
    doc.project.training = TrainingConfigSchema.parse({ dataset: { name: 'fashion-mnist' }, epochs: 2, batch_size: 32, limit_train: 10_000 });
    const file = join(dir, 'fashion.layerlab');
    await saveProjectAs(doc, file);
    const mirror = DATASETS; // ../shared/datasets: one sub-folder per dataset, as Layerlab's mirrors

    const ours = jsonLines(layerlab(['train', file, '--data-dir', join(mirror, 'fashion-mnist'), '--json'], dir));
    expect(ours.map((e) => e.epoch)).toEqual([1, 2]);
    const exportOut = layerlab(['export', file, '--format', 'pytorch', '--out', join(dir, 'pt'), '--run', 'none'], dir);
    expect(exportOut).toMatch(/exported pytorch to/);

    const r = spawnSync(PYTHON, ['train.py', '--data-dir', mirror, '--offline', '--fresh', '--threads', '2', '--log-every', '100000'], {
      cwd: join(dir, 'pt'), encoding: 'utf8', timeout: 400_000, env: { ...process.env, OMP_NUM_THREADS: '2' },
    });
    expect(r.status, r.stderr).toBe(0);
    const theirs = jsonLines(r.stdout);
    const epochs = theirs.filter((e) => 'epoch' in e);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // The same metric names as `layerlab train --json`.
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) expect(epochs[1]).toHaveProperty(key);
    expect(r.stderr).toMatch(/10000 training and 10000 test samples of fashion-mnist/);
    const layerlabAcc = ours[1]!.val_acc!; // validation = the test split in this config
    const torchAcc = theirs.find((e) => 'test_acc' in e)!.test_acc!;
    expect(layerlabAcc).toBeGreaterThan(0.7);
    expect(Math.abs(torchAcc - layerlabAcc), `Layerlab ${layerlabAcc}, PyTorch ${torchAcc}`).toBeLessThan(0.02);
  }, 900_000);
});
