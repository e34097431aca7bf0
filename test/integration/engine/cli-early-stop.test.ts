/** `layerlab train PROJECT` with early stopping and restore-best, spawned as a user runs it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistDir, repoRoot } from './paths';

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-cli-es-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env: { ...process.env, LAYERLAB_CACHE_DIR: dir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('layerlab train with early stopping (restore best weights)', () => {
  it('prints the restored epoch’s confusion matrix and stores the run as early-stopped', () => {
    const project = path.join(dir, 'es.layerlab');
    expect(run('new', project, '--template', 'mlp-64').code).toBe(0);
    const config = path.join(dir, 'es.json');
    writeFileSync(config, JSON.stringify({
      dataset: { name: 'mnist' }, epochs: 40, batch_size: 16, limit_train: 64, limit_test: 300, shuffle: false, seed: 3,
      optimizer: { name: 'adam', learning_rate: 0.01 },
      early_stopping: { monitor: 'val_loss', patience: 2, restore_best_weights: true },
    }));
    const r = run('train', project, '--config', config, '--data-dir', mnistDir, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const restored = /restored the weights of epoch (\d+)/.exec(r.stdout + r.stderr);
    expect(restored, r.stdout).not.toBeNull();
    const epochLines = r.stdout.match(/^epoch \d+\/40:/gm) ?? [];
    expect(Number(restored![1])).toBeLessThan(epochLines.length);
    expect(r.stdout).toMatch(new RegExp(`confusion matrix \\(epoch ${restored![1]}, 300 validation samples`));
    expect(r.stdout).toMatch(new RegExp(`early stopping ended the run after ${epochLines.length} of 40 epochs`));
    const info = run('info', project);
    expect(info.stdout).toMatch(/mnist\s+early-stopped\s+\d+/);
  });
});
