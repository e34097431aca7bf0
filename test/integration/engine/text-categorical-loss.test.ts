/**
 * Topics trained with either cross-entropy, as the issue asks ("sparse/categorical for topics"): the reuters-mlp
 * template on the catalog's reuters (real sentences in Keras' layout, test/fixtures/keras-text-debian: the 8 Debian
 * sections as topics of the 46-way softmax), `layerlab train` on wasm. categorical_crossentropy gets the labels
 * one-hot over the 46 topics and sparse_categorical_crossentropy gets the ids; with the same seed the two are the same
 * function of the same weights, so every epoch's loss and accuracy must agree. A one-hot of the wrong width or of
 * shifted ids (or labels left as ids) would make the categorical run differ or fail.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textCatalogCli } from '../../support/keras-text/text-cli';

const { dir, cli } = textCatalogCli('layerlab-text-categorical-', 'debian');

interface Epoch {
  loss: number;
  acc: number;
  val_loss: number;
  val_acc: number;
}

function train(loss: string): Epoch[] {
  const project = path.join(dir, `${loss}.layerlab`);
  const made = cli('new', project, '--template', 'reuters-mlp');
  expect(made.code, made.stderr).toBe(0);
  const config = path.join(dir, `${loss}.json`);
  const telemetry = { histograms: false, filters: false, activations: false };
  writeFileSync(config, JSON.stringify({ loss, optimizer: { name: 'adam', learning_rate: 0.005 }, batch_size: 32, seed: 1, telemetry }));
  const r = cli('train', project, '--config', config, '--dataset', 'reuters', '--epochs', '3', '--backend', 'wasm', '--json', '--multi-hot', '--num-words', '10000');
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Epoch);
}

describe('reuters topics train with sparse_categorical_crossentropy and with categorical_crossentropy alike', () => {
  it('same seed: the same losses and accuracies every epoch, and the loss falls', { timeout: 300_000 }, () => {
    const sparse = train('sparse_categorical_crossentropy');
    const categorical = train('categorical_crossentropy');
    expect(categorical).toHaveLength(3);
    console.log(`reuters-mlp: sparse ${sparse.map((e) => e.loss.toFixed(4)).join(' ')}; categorical ${categorical.map((e) => e.loss.toFixed(4)).join(' ')}`);
    categorical.forEach((e, i) => {
      const s = sparse[i]!;
      for (const key of ['loss', 'val_loss'] as const) expect(Math.abs(e[key] - s[key]) / s[key], `epoch ${i + 1} ${key}`).toBeLessThan(1e-3);
      for (const key of ['acc', 'val_acc'] as const) expect(Math.abs(e[key] - s[key]), `epoch ${i + 1} ${key}`).toBeLessThan(2e-3);
    });
    expect(categorical.at(-1)!.loss).toBeLessThan(categorical[0]!.loss * 0.7);
  });
});
