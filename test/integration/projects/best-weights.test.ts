/**
 * Issue #14: a run stores its best epoch's weights beside its final ones. A real CLI training (MNIST subset) is
 * stored; the stored best weights, loaded back, give the best val_loss the run recorded (so they are the weights the
 * engine had at that epoch, not the final ones); `info` names the epoch; `export --weights best` writes them; a run
 * whose best epoch is its last keeps no second copy; older projects (no best entry) still open.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProject, loadRunWeights, openProject, saveProjectAs } from '../../../main/projects/service';
import { ZipReader } from '../../../main/projects/zip-reader';
import { runEntries } from '../../../main/projects/file';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';
import { BestWeightsKeeper } from '../../../main/engine/training/best-weights';
import { TrainingConfigSchema } from '../../../shared/training';
import { mnistDir, repoRoot } from '../engine/paths';
import { mlp, mnistTensors } from '../training/support/mnist';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-best-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

function cli(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: dir, env: { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache') } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

it('stores the best epoch\'s weights: reloaded they give the best val_loss; info and export --weights best use them', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  // A high learning rate makes the validation loss jump about, so the best epoch is usually not the last.
  const trained = await cli('train', file, '--data-dir', mnistDir, '--epochs', '5', '--limit-train', '500', '--limit-test', '200',
    '--batch-size', '50', '--backend', 'cpu', '--seed', '3', '--optimizer', 'adam', '--learning-rate', '0.05');
  expect(trained.out).toContain('saved run');
  expect(trained.code).toBe(0);

  const { doc } = await openProject(file);
  const run = doc.runs[0]!;
  const best = run.meta.bestWeights!;
  expect(best.monitor).toBe('val_loss');
  const valLosses = run.meta.history.map((h) => h.metrics.val_loss!);
  expect(best.value).toBe(Math.min(...valLosses));
  expect(valLosses[best.epoch]).toBe(best.value);
  // Stored as a separate entry exactly when the best epoch is not the last.
  const last = run.meta.history.at(-1)!.epoch;
  expect(best.stored).toBe(best.epoch !== last);
  // With this seed the best epoch is the 4th of 5 (cpu backend, deterministic): the separate entry is exercised.
  expect(best.stored).toBe(true);
  const reader = await ZipReader.open(file);
  expect(reader.has(runEntries(run.meta.id).bestWeights)).toBe(best.stored);
  await reader.close();

  // The stored best weights on the run's validation set (the first 200 MNIST test images, scaled to [0, 1]).
  const weights = await loadRunWeights(doc, run.meta.id, 'best');
  const model = await loadModelFromWeights(weights);
  const { x, y } = mnistTensors('test', 200);
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const loss = model.evaluate(x, y) as tf.Scalar;
  expect(Math.abs((await loss.data())[0]! - best.value)).toBeLessThan(1e-5);
  if (best.stored) {
    const final = await loadRunWeights(doc, run.meta.id, 'final');
    expect(Buffer.from(final.weightData).equals(Buffer.from(weights.weightData))).toBe(false);
  }
  tf.dispose([x, y, loss]);
  model.dispose();

  const info = await cli('info', file);
  expect(info.out).toContain(`best: epoch ${best.epoch + 1}${best.stored ? '' : ' (= final)'} val_loss=`);

  const exported = await cli('export', file, '--format', 'tfjs', '--out', join(dir, 'ex'), '--run', '#1', '--weights', 'best');
  expect(exported.code).toBe(0);
  expect(Buffer.from(readFileSync(join(dir, 'ex/group1-shard1of1.bin'))).equals(Buffer.from(weights.weightData))).toBe(true);
  const wrong = await cli('export', file, '--format', 'tfjs', '--out', join(dir, 'ex2'), '--weights', 'middle');
  expect(wrong.out).toContain("--weights 'middle' is not one of final, best");
}, 240_000);

it('the engine keeps the best epoch\'s weights by val_loss and copies nothing when that epoch is the final one', async () => {
  const config = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 4, loss: 'sparse_categorical_crossentropy' });
  const keeper = new BestWeightsKeeper(config, true);
  expect([keeper.monitor, keeper.mode]).toEqual(['val_loss', 'min']);
  const model = mlp(16, 10, 'softmax');
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  const train = mnistTensors('train', 400);
  const val = mnistTensors('test', 100, 1000);
  const losses: number[] = [];
  for (let epoch = 0; epoch < 4; epoch++) {
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 50, verbose: 0 });
    const l = model.evaluate(val.x, val.y) as tf.Scalar;
    losses.push((await l.data())[0]!);
    l.dispose();
    keeper.update(epoch, { val_loss: losses[epoch]!, loss: 0 }, model);
  }
  expect(keeper.bestValue).toBe(Math.min(...losses));
  const copied = await keeper.capture(model, null);
  const reloaded = await loadModelFromWeights(copied!.weights!);
  reloaded.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const l = reloaded.evaluate(val.x, val.y) as tf.Scalar;
  expect(Math.abs((await l.data())[0]! - keeper.bestValue)).toBeLessThan(1e-5);
  // The model's own (final) weights are back after the capture.
  const after = model.evaluate(val.x, val.y) as tf.Scalar;
  expect((await after.data())[0]).toBeCloseTo(losses[3]!, 5);
  expect((await keeper.capture(model, keeper.bestEpoch))!.weights).toBeNull();
  tf.dispose([l, after, train.x, train.y, val.x, val.y]);
  keeper.dispose();
}, 120_000);

it('an older project without best weights still opens; asking for its best weights says what to do', async () => {
  const file = join(dir, 'old.layerlab');
  copyFileSync(join(repoRoot, 'test/fixtures/projects/v2-iris-mlp.layerlab'), file);
  const { doc } = await openProject(file);
  const run = doc.runs.find((r) => r.weights)!;
  expect(run.meta.bestWeights).toBeUndefined();
  await expect(loadRunWeights(doc, run.meta.id, 'best')).rejects.toThrow(/has no best weights .*use its final weights/);
  expect((await loadRunWeights(doc, run.meta.id)).weightData.length).toBeGreaterThan(0);
});
