/** `layerlab summary` and `layerlab train`, spawned as a user runs them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, mnistDir, repoRoot } from './paths';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'layerlab-cli-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  // Checkpoints go under the cache folder: keep them out of the user's.
  const env = { ...process.env, LAYERLAB_CACHE_DIR: cacheDir };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('layerlab summary', () => {
  it('prints the Keras table of the workshop CNN', () => {
    const r = cli('summary', fixture('workshop-cnn.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('conv2d_2 (Conv2D)');
    expect(r.stdout).toContain('(None, 24, 24, 64)');
    expect(r.stdout).toContain('Total params: 1,199,882');
  });

  it('prints a Keras model with an Embedding and nested Bidirectional LSTMs (the Keras IMDB example)', () => {
    const r = cli('summary', path.join(repoRoot, 'test/support/keras-json/imdb-bidirectional-lstm.keras3-format.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/embedding \(Embedding\) +\(None, None, 128\) +2,560,000/);
    expect(r.stdout).toMatch(/bidirectional_1 \(Bidirectional\) \(None, 128\) +98,816/);
    expect(r.stdout).toContain('Total params: 2,757,761');
  });

  it.each([
    ['JSON that is no model', '{"layers": []}', /Expected a Keras model config/],
  ])('exits 1 with a clear message for %s', (_t, content, message) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'layerlab-')), 'bad.json');
    writeFileSync(file, content);
    const r = cli('summary', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 for a missing file', () => {
    const r = cli('summary', '/nonexistent/model.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/model.json: no such file/);
  });
});

describe('layerlab train', () => {
  it('--json prints one JSON object per epoch on stdout, the backend and progress on stderr', () => {
    const r = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '2',
      '--limit-train', '1000', '--limit-test', '300', '--batch-size', '50', '--learning-rate', '0.1', '--momentum', '0.9', '--seed', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    for (const [i, l] of lines.entries()) {
      expect(Object.keys(l)).toEqual(['epoch', 'loss', 'acc', 'val_loss', 'val_acc', 'seconds', 'samples_per_second', 'backend']);
      expect(l.epoch).toBe(i + 1);
      expect(l.backend).toBe('wasm');
      for (const k of ['loss', 'acc', 'val_loss', 'val_acc', 'seconds', 'samples_per_second']) expect(typeof l[k]).toBe('number');
    }
    expect(lines[1]!.val_acc as number).toBeGreaterThan(0.75);
    expect(r.stderr).toMatch(/backend: wasm/);
    expect(r.stderr).toMatch(/skipped tfjs-node-gpu: not installed/);
    expect(r.stderr).toMatch(/data: 1000 training and 300 test samples/);
  });

  it('plain output: one line per epoch', () => {
    const r = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '1',
      '--limit-train', '200', '--limit-test', '100', '--optimizer', 'adam', '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend: cpu/);
    expect(r.stdout).toMatch(/epoch 1\/1: loss \d+\.\d{4} acc \d\.\d{4} val_loss \d+\.\d{4} val_acc \d\.\d{4} \(\d+\.\d s, \d+\.\d samples\/s\)/);
    expect(r.stderr).not.toMatch(/Hi, looks like/);
    // Issue 4: the learning rate on each epoch line, and the final confusion matrix with per-class precision/recall.
    expect(r.stdout).toMatch(/samples\/s\) lr 0\.001\n/);
    expect(r.stdout).toMatch(/confusion matrix \(epoch 1, 100 validation samples, accuracy \d+\.\d+%\):\ntrue\\pred +0 +1 .* 9 +precision +recall\n0 +\d+/);
    const rows = r.stdout.split('\n').filter((l) => /^\d +\d/.test(l));
    expect(rows).toHaveLength(10);
    const cells = rows.map((l) => l.trim().split(/ +/).slice(1, 11).map(Number));
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('exits 1 with a clear message for a forced backend that is not there', () => {
    const r = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '1', '--backend', 'tfjs-node');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/backend 'tfjs-node' is not available: tfjs-node: not installed/);
  });

  it('exits 1 naming a --data-dir that does not exist', () => {
    const r = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', '/nonexistent', '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--data-dir \/nonexistent does not exist/);
  });
});
