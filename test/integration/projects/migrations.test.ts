import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_FORMAT_VERSION, readableFormatVersions } from '../../../shared/format';
import { analyzeGraph } from '../../../shared/graph';
import { requireLayerKind } from '../../../shared/layers/registry';
import { openProject } from '../../../main/projects/service';
import { readProjectFile, readRunWeights, writeProjectFile } from '../../../main/projects/file';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/projects');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-migrate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** v1 stored only changed params; migration fills in the layer kinds' defaults, as v2 stores them. */
const expectedGraph = {
  nodes: [
    { id: 'in', kind: 'InputLayer', name: 'input_1', config: { ...requireLayerKind('InputLayer').defaults(), batch_input_shape: [null, 4], dtype: 'float32' }, position: { x: 100, y: 40 } },
    { id: 'd1', kind: 'Dense', name: 'dense_1', config: { ...requireLayerKind('Dense').defaults(), units: 3, activation: 'softmax', use_bias: true }, position: { x: 100, y: 160 } },
  ],
};

/** The fixture model's weights: kernel (i - 6) / 8 for i = 0..11 (row-major [4, 3]), bias [0.1, -0.2, 0.3]. */
function expectedPrediction(x: number[]): number[] {
  const logits = [0, 1, 2].map((j) => [0, 1, 2, 3].reduce((s, i) => s + x[i]! * ((i * 3 + j - 6) / 8), [0.1, -0.2, 0.3][j]!));
  const e = logits.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe('stored project files of every format version', () => {
  it('there is a fixture for every readable format version', () => {
    const names = readdirSync(fixtures);
    for (const v of readableFormatVersions) expect(names.some((n) => n.startsWith(`v${v}-`) && n.endsWith('.layerlab'))).toBe(true);
    expect(readableFormatVersions.at(-1)).toBe(CURRENT_FORMAT_VERSION);
  });

  it('v1: graph, dataset, runs and metrics are migrated to v2 (and on to the current version)', async () => {
    const file = join(fixtures, 'v1-iris-mlp.layerlab');
    const before = await readFile(file);
    const doc = await readProjectFile(file);
    expect(doc.migratedFrom).toBe(1);
    expect(doc.project.formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(doc.project.name).toBe('Iris MLP (v1)');
    expect(doc.project.created).toBe('2025-03-01T10:00:00.000Z');
    expect(doc.project.modified).toBe('2025-03-02T11:30:00.000Z');
    expect(doc.project.graph.nodes).toStrictEqual(expectedGraph.nodes);
    expect(doc.project.graph.edges).toStrictEqual([{ id: 'e1_in_d1', source: 'in', target: 'd1' }]);
    expect(doc.project.viewport).toStrictEqual({ x: 0, y: 0, zoom: 1 });
    expect(doc.project.notes).toBe('');
    expect(doc.project.dataset).toStrictEqual({ kind: 'builtin', id: 'iris' });
    expect(analyzeGraph(doc.project.graph).valid).toBe(true);
    expect(analyzeGraph(doc.project.graph).totals.total).toBe(15);
    expect(doc.runs.map((r) => [r.meta.id, r.meta.status, r.meta.hasWeights])).toStrictEqual([
      ['r1', 'completed', true],
      ['r2', 'failed', false],
    ]);
    const r1 = doc.runs[0]!.meta;
    expect(r1.history[2]).toStrictEqual({ epoch: 2, metrics: { loss: 0.61, acc: 0.79, val_loss: 0.7, val_acc: 0.71 } });
    expect(r1.best).toStrictEqual({ loss: 0.61, acc: 0.79, val_loss: 0.7, val_acc: 0.71 });
    expect(r1.durationSeconds).toBeCloseTo(4.2);
    expect(Buffer.compare(await readFile(file), before)).toBe(0); // opening an old file never rewrites it
  });

  it('v1 camelCase training settings become a valid shared/training config', async () => {
    const { config, configIssues, doc } = await openProject(join(fixtures, 'v1-iris-mlp.layerlab'));
    expect(configIssues).toStrictEqual([]);
    expect(config).toMatchObject({
      dataset: { name: 'iris' },
      optimizer: { name: 'adam', learning_rate: 0.01 },
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
      epochs: 3,
      batch_size: 16,
    });
    expect(doc.runs[1]!.meta.config).toStrictEqual({ optimizer: { name: 'sgd', learning_rate: 0.1 }, epochs: 10, batch_size: 16 });
  });

  it('v1 run weights load into tfjs and predict what the stored weights say', async () => {
    const model = await loadModelFromWeights(await readRunWeights(join(fixtures, 'v1-iris-mlp.layerlab'), 'r1'));
    const x = [0.5, -1, 2, 0.25];
    const y = Array.from((model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
    expectedPrediction(x).forEach((p, i) => expect(y[i]).toBeCloseTo(p, 5));
  });

  it('v1 saved again is written in the current version and reopens identically', async () => {
    const copy = join(dir, 'old.layerlab');
    await copyFile(join(fixtures, 'v1-iris-mlp.layerlab'), copy);
    const doc = await readProjectFile(copy);
    const out = join(dir, 'new.layerlab');
    await writeProjectFile(out, doc);
    const again = await readProjectFile(out);
    expect(again.migratedFrom).toBeUndefined();
    expect(again.project).toStrictEqual(doc.project);
    expect(again.runs.map((r) => r.meta)).toStrictEqual(doc.runs.map((r) => r.meta));
    const a = await readRunWeights(copy, 'r1');
    const b = await readRunWeights(out, 'r1');
    expect(Buffer.from(b.weightData).equals(Buffer.from(a.weightData))).toBe(true);
  });

  it('v2 opens as v3 (v3 only added to it), with viewport, notes and sweeps', async () => {
    const { doc, config, configIssues } = await openProject(join(fixtures, 'v2-iris-mlp.layerlab'));
    expect(doc.migratedFrom).toBe(2);
    expect(doc.project.formatVersion).toBe(3);
    expect(configIssues).toStrictEqual([]);
    expect(config).toMatchObject({ optimizer: { name: 'adam', learning_rate: 0.01 }, epochs: 3, batch_size: 16 });
    expect(doc.project.viewport).toStrictEqual({ x: -20, y: 15.5, zoom: 1.25 });
    expect(doc.project.notes).toBe('Stored by format version 2.');
    expect(doc.project.sweeps).toStrictEqual([]);
    expect(doc.project.graph.nodes).toStrictEqual(expectedGraph.nodes);
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0]!.meta.best).toStrictEqual({ loss: 0.82, acc: 0.66 });
    expect(existsSync(join(fixtures, 'v2-iris-mlp.layerlab.bak'))).toBe(false);
  });

  it('v3 (current) opens without migration: the run\'s number and its best epoch\'s weights beside the final ones', async () => {
    const file = join(fixtures, 'v3-iris-mlp.layerlab');
    const { doc } = await openProject(file);
    expect(doc.migratedFrom).toBeUndefined();
    expect(doc.project.notes).toBe('Stored by format version 3.');
    expect(doc.runs[0]!.meta).toMatchObject({ number: 1, bestWeights: { epoch: 0, monitor: 'val_loss', value: 0.9, stored: true } });
    const x = [0.5, -1, 2, 0.25];
    const predict = async (which: 'final' | 'best') => {
      const model = await loadModelFromWeights(await readRunWeights(file, 'r1', which));
      return Array.from((model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
    };
    const final = await predict('final');
    expectedPrediction(x).forEach((p, i) => expect(final[i]).toBeCloseTo(p, 5));
    expect(await predict('best')).not.toEqual(final);
  });
});
