/**
 * Own data for a project through the API: datasets.inspect with the project names the data relative to the project
 * file, training.start reads a relative reference from the project's folder, and a cross-entropy loss on a
 * regression dataset is refused before training with the fix in the message.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { OwnDataHandlers } from '../../../main/service/own-data';
import type { DatasetCard } from '../../../shared/api';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { parseTrainingConfig } from '../../../shared/training';
import { getTemplate } from '../../../shared/templates/registry';
import { repoRoot } from '../datasets/paths';
import { apiHarness } from './api-harness';

const housing = resolve(repoRoot, '../shared/datasets/boston-housing/housing.csv');
const { dir, call } = apiHarness('layerlab-own-proj-', true);
mkdirSync(join(dir, 'data'));
mkdirSync(join(dir, 'boston'));
copyFileSync(housing, join(dir, 'data', 'housing.csv'));
// With a project, a relative path is read from the project's folder (as its stored reference is); else from the base folder.
const inspect = async (project?: string): Promise<DatasetCard> =>
  call('datasets.inspect', { path: project ? '../data/housing.csv' : 'data/housing.csv', label_column: 'MEDV', ...(project ? { project } : {}) });

it('the card for a project names sibling data relative to the project file (absolute without a project)', async () => {
  expect((await inspect('boston/boston.layerlab')).config.source.path).toBe('../data/housing.csv');
  expect((await inspect()).config.source.path).toBe(join(dir, 'data', 'housing.csv'));
});

it('a relative reference is resolved from the project folder, and still confined to the allowed folders', async () => {
  const card = await inspect('boston/boston.layerlab');
  const parsed = parseTrainingConfig({ ...getTemplate('boston-mlp')!.training, dataset: card.config });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const handlers = new OwnDataHandlers((p) => resolve(dir, p));
  const confined = handlers.confine(parsed.config, join(dir, 'boston', 'boston.layerlab'));
  expect(ownDatasetOf(confined.dataset)!.source.path).toBe(join(dir, 'data', 'housing.csv'));
  const strict = new OwnDataHandlers((p) => {
    if (!p.startsWith(join(dir, 'boston'))) throw new Error(`'${p}' is outside the folders this server may use`);
    return p;
  });
  expect(() => strict.confine(parsed.config, join(dir, 'boston', 'boston.layerlab'))).toThrow(/is outside the folders/);
});

it('training.start refuses a cross-entropy loss on regression data (own or boston-housing), naming mse and mae', async () => {
  const card = (await inspect());
  const graph = getTemplate('boston-mlp')!.graph;
  const base = { ...getTemplate('boston-mlp')!.training, epochs: 1, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] };
  const own = await call('training.start', { graph, config: { ...base, dataset: card.config } });
  expect(own.error).toMatchObject({
    code: 'invalid-params',
    message: 'training.start: loss sparse_categorical_crossentropy needs class labels, but housing is a regression dataset (real-valued targets): use loss mse (or mae/huber) with metric mae',
  });
  const catalog = await call('training.start', { graph, config: { ...base, loss: 'categorical_crossentropy', dataset: { name: 'boston-housing' } } });
  expect(catalog.error?.message).toMatch(/^training.start: loss categorical_crossentropy needs class labels, but boston-housing is a regression dataset .*use loss mse/);
});
