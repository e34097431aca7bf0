/**
 * The user's own data through the API, as the window uses it: datasets.browse and datasets.inspect inside the
 * allowed folders (serve --root), then training.start on the card's config.dataset (the real Boston Housing CSV),
 * and a prediction from a raw table row standardised with the run's stored record.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import type { ApiEventMessage, BrowseResult, DatasetCard } from '../../../shared/api';
import { getTemplate } from '../../../shared/templates/registry';
import { repoRoot } from '../datasets/paths';

const housing = resolve(repoRoot, '../shared/datasets/boston-housing/housing.csv');
const dir = mkdtempSync(join(tmpdir(), 'layerlab-own-api-'));
copyFileSync(housing, join(dir, 'housing.csv'));
const service = createBackendService({ checkpointDir: join(dir, 'ck'), baseDir: dir, roots: [dir] });
const events: ApiEventMessage[] = [];
service.subscribe((m) => events.push(m));
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

let nextId = 1;
async function call<T>(method: string, params: unknown): Promise<{ result?: T; error?: { code: string; message: string } }> {
  return (await handleApiMessage(service, JSON.stringify({ id: nextId++, method, params }))) as { result?: T; error?: { code: string; message: string } };
}

it('browses the allowed folder and refuses to look outside it', async () => {
  const r = await call<BrowseResult>('datasets.browse', {});
  expect(r.result!.path).toBe(dir);
  expect(r.result!.parent).toBeUndefined();
  expect(r.result!.entries).toContainEqual({ name: 'housing.csv', path: join(dir, 'housing.csv'), type: 'file', dataKind: 'csv' });
  const outside = await call('datasets.browse', { path: '/etc' });
  expect(outside.error?.message).toMatch(/'\/etc' is outside the folders this server may use/);
});

it('inspects housing.csv: a card with splits, target histogram, features and the first rows; bad input is a clear error', async () => {
  const r = await call<DatasetCard>('datasets.inspect', { path: 'housing.csv', label_column: 'MEDV' });
  const card = r.result!;
  expect(card).toMatchObject({ kind: 'csv', task: 'regression', splits: { train: 405, validation: 101 }, sampleShape: [13], warnings: [] });
  expect(card.target!.histogram.reduce((a, b) => a + b, 0)).toBe(405);
  expect(card.target!.min).toBe(5);
  expect(card.features!.map((f) => f.name)).toEqual(['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT']);
  expect(card.table!.columns.at(-1)).toBe('MEDV');
  expect(card.table!.rows[0]).toEqual(readFileSync(housing, 'utf8').split('\n')[1]!.split(','));
  expect(card.config.source.path).toBe(join(dir, 'housing.csv'));

  expect((await call('datasets.inspect', { path: 'housing.csv' })).error).toMatchObject({ code: 'invalid-params', message: expect.stringMatching(/pass --label-column NAME\. The columns are: CRIM,/) });
  expect((await call('datasets.inspect', { path: housing })).error?.message).toMatch(/is outside the folders this server may use/);
});

it('trains boston-mlp on the card\'s config.dataset (mse, mae) and predicts from a raw row', async () => {
  const card = (await call<DatasetCard>('datasets.inspect', { path: 'housing.csv', label_column: 'MEDV' })).result!;
  const graph = getTemplate('boston-mlp')!.graph;
  const config = { ...getTemplate('boston-mlp')!.training, dataset: card.config, epochs: 2, validation: { kind: 'split', fraction: 0.2 }, telemetry: { histograms: false, filters: false, activations: false } };
  const outside = await call('training.start', { graph, config: { ...config, dataset: { ...card.config, source: { ...card.config.source, path: housing } } } });
  expect(outside.error?.message).toMatch(/is outside the folders this server may use/);

  const started = await call<{ runId: string }>('training.start', { graph, config, name: 'boston' });
  const runId = started.result!.runId;
  const ended = await new Promise<ApiEventMessage>((done) => {
    const check = () => {
      const e = events.find((m) => m.event === 'training.status' && (m.payload as { runId: string; status: string }).runId === runId && ['completed', 'failed'].includes((m.payload as { status: string }).status));
      if (e) done(e);
      else setTimeout(check, 50);
    };
    check();
  });
  expect(ended.payload).toMatchObject({ status: 'completed' });
  const detail = await call<{ history: { metrics: Record<string, number> }[] }>('training.get', { runId });
  expect(Object.keys(detail.result!.history[1]!.metrics).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
  const row = readFileSync(housing, 'utf8').split('\n')[1]!.split(',').slice(0, 13).map(Number);
  const p = await call<{ probabilities: number[] }>('training.predict', { runId, input: { pixels: row, shape: [13] } });
  expect(p.result!.probabilities).toHaveLength(1);
  expect(Number.isFinite(p.result!.probabilities[0])).toBe(true);
});
