/**
 * A frozen nested model trains as frozen (issue 17): the backbone of an imported transfer-learning model (tfjs'
 * own JSON, test/fixtures/nested) with its group's trainable switch off keeps every weight it started with through
 * real training on MNIST, while the head learns; switched on, the backbone's weights change too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildModel } from '../../../main/engine/model';
import { runTraining } from '../../../main/engine/train';
import { compileGraph, importModelJson } from '../../../shared/graph';
import { setGroupTrainable } from '../../../shared/graph/groups';
import { TrainingConfigSchema } from '../../../shared/training';
import { mnistDir } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-frozen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/nested/tfjs-sequential-backbone.json', import.meta.url)), 'utf8'));
const imported = importModelJson(file);
const BACKBONE = ['conv1', 'conv2'];
const HEAD = ['dense', 'dense_1'];

/** Every weight of the named layers, after a 1-epoch run, next to the same seed's initial weights. */
async function trainWith(trainable: boolean): Promise<{ before: Map<string, Float32Array>; after: Map<string, Float32Array> }> {
  const spec = compileGraph(setGroupTrainable(imported, 'backbone', trainable));
  const config = TrainingConfigSchema.parse({
    dataset: { name: 'mnist' },
    limit_train: 64,
    limit_test: 32,
    epochs: 1,
    batch_size: 32,
    seed: 5,
    optimizer: { name: 'adam', learning_rate: 0.01 },
    telemetry: { histograms: false, filters: false, activations: false, gradient_histograms: false },
  });
  const weights = (model: Awaited<ReturnType<typeof buildModel>>) =>
    new Map(model.layers.filter((l) => [...BACKBONE, ...HEAD].includes(l.name)).flatMap((l) => l.getWeights().map((w, i) => [`${l.name}/${i}`, w.dataSync() as Float32Array] as const)));
  const initial = await buildModel(spec, { seed: config.seed });
  const before = weights(initial);
  initial.dispose();
  const result = await runTraining({ spec, config, data: { dataDir: mnistDir }, backend: 'cpu', checkpointDir: join(dir, String(trainable)) }, () => {});
  expect(result.done.status).toBe('completed');
  const after = weights(result.model);
  result.model.dispose();
  return { before, after };
}

const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

it('a frozen backbone keeps its weights through training while the head learns; unfrozen, it changes', async () => {
  const frozen = await trainWith(false);
  expect(frozen.before.size).toBe(8);
  for (const [name, w] of frozen.before) {
    const moved = changed(w, frozen.after.get(name)!);
    expect(moved, name).toBe(HEAD.some((h) => name.startsWith(`${h}/`)));
  }
  const free = await trainWith(true);
  for (const [name, w] of free.before) expect(changed(w, free.after.get(name)!), name).toBe(true);
}, 120_000);
