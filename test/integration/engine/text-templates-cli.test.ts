/**
 * Every text template trains from its project, as a user runs it: `layerlab new --template X`, then `layerlab train`
 * on the catalog's imdb/reuters, on wasm. The catalog files here are real sentences in Keras' layout
 * (test/fixtures/keras-text-debian: Debian package descriptions; imdb = 'net' vs 'science', reuters = the 8 sections
 * as topics of the 46-way softmax), read through the real loader (mirror, checksums, load_data, padding/multi-hot).
 * Each run must learn: the training loss falls and the held-out accuracy beats the majority class by a margin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets';
import { miniTextCatalog, textCatalogEnv } from '../../support/keras-text/mini-catalog';
import { repoRoot } from './paths';

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-text-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, LAYERLAB_CACHE_DIR: path.join(dir, 'cache'), ...textCatalogEnv(dir, 'debian') };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The share of the held-out split's largest class: what a model that learned nothing scores at best. */
const majority: Record<'imdb' | 'reuters', number> = { imdb: 0, reuters: 0 };
beforeAll(async () => {
  const catalog = miniTextCatalog(path.join(dir, 'majority-mirror'), 'debian');
  for (const name of ['imdb', 'reuters'] as const) {
    const test = (await loadDataset(name, { catalog, mirror: path.join(dir, 'majority-mirror'), offline: true, cacheDir: path.join(dir, 'majority-cache') })).test!;
    const counts = new Map<number, number>();
    for (const y of test.y) counts.set(y, (counts.get(y) ?? 0) + 1);
    majority[name] = Math.max(...counts.values()) / test.count;
  }
});

// The loss and optimizer are given explicitly (a --config file replaces the project's), so the test does not depend
// on each template's stored training setup; the heavy telemetry is off to keep the runs short.
function config(loss: string, learningRate: number): string {
  const file = path.join(dir, `${loss}-${learningRate}.json`);
  const telemetry = { histograms: false, filters: false, activations: false };
  writeFileSync(file, JSON.stringify({ loss, optimizer: { name: 'adam', learning_rate: learningRate }, batch_size: 32, seed: 1, telemetry }));
  return file;
}

interface Case {
  template: string;
  dataset: 'imdb' | 'reuters';
  loss: string;
  learningRate: number;
  epochs: number;
  /** The loader flags (the templates take 200 ids, or reuters-mlp's 10,000-word multi-hot). */
  flags: string[];
  /** Held-out accuracy the run must exceed, above the majority class. */
  margin: number;
}

const CASES: Case[] = [
  { template: 'imdb-embedding-pool', dataset: 'imdb', loss: 'binary_crossentropy', learningRate: 0.01, epochs: 15, flags: ['--sequence-length', '200'], margin: 0.2 },
  { template: 'imdb-lstm', dataset: 'imdb', loss: 'binary_crossentropy', learningRate: 0.01, epochs: 4, flags: ['--sequence-length', '200'], margin: 0.2 },
  { template: 'reuters-mlp', dataset: 'reuters', loss: 'sparse_categorical_crossentropy', learningRate: 0.005, epochs: 5, flags: ['--multi-hot', '--num-words', '10000'], margin: 0.25 },
  { template: 'reuters-conv1d', dataset: 'reuters', loss: 'sparse_categorical_crossentropy', learningRate: 0.005, epochs: 3, flags: ['--sequence-length', '200'], margin: 0.15 },
];

describe('text templates train end to end on real sentences (layerlab new --template, layerlab train, wasm)', () => {
  it.each(CASES)('$template on $dataset', { timeout: 240_000 }, (c) => {
    const project = path.join(dir, `${c.template}.layerlab`);
    const made = cli('new', project, '--template', c.template);
    expect(made.code, made.stderr).toBe(0);
    const r = cli('train', project, '--config', config(c.loss, c.learningRate), '--dataset', c.dataset, '--epochs', String(c.epochs), '--backend', 'wasm', '--json', ...c.flags);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend: wasm/);
    const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { loss: number; val_acc: number });
    expect(epochs).toHaveLength(c.epochs);
    const first = epochs[0]!;
    const last = epochs.at(-1)!;
    console.log(`${c.template}: loss ${first.loss.toFixed(3)} -> ${last.loss.toFixed(3)}, held-out accuracy ${last.val_acc.toFixed(3)} (majority ${majority[c.dataset].toFixed(3)})`);
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(last.val_acc).toBeGreaterThan(majority[c.dataset] + c.margin);
  });
});
