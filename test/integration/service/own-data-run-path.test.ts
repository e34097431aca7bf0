/**
 * A run the window starts on own data is stored with its data path relative to the project (as the CLI stores it),
 * so the project moves with its data; reopened, the run reads it from the project's folder again, and its export
 * gives train.py the absolute path as its --data default.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { ApiEventMessage } from '../../../shared/api';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { getTemplate } from '../../../shared/templates/registry';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { repoRoot } from '../datasets/paths';
import { apiHarness } from './api-harness';

const housing = resolve(repoRoot, '../shared/datasets/boston-housing/housing.csv');
const { dir, service, call } = apiHarness('layerlab-own-run-path-', true);
const events: ApiEventMessage[] = [];
service.subscribe((m) => events.push(m));
mkdirSync(join(dir, 'data'));
mkdirSync(join(dir, 'boston'));
copyFileSync(housing, join(dir, 'data', 'housing.csv'));

it('stores ../data/housing.csv in the run, resolves it on reopening, exports train.py with the absolute path, and the project\'s runs to TensorBoard', async () => {
  const file = join(dir, 'boston', 'boston.layerlab');
  await saveProjectAs(createProject({ name: 'boston', templateId: 'boston-mlp' }), file);
  const card = await call('datasets.inspect', { path: '../data/housing.csv', label_column: 'MEDV', project: 'boston/boston.layerlab' });
  const template = getTemplate('boston-mlp')!;
  const started = await call('training.start', {
    graph: template.graph,
    config: { ...template.training, epochs: 1, dataset: card.config, validation: { kind: 'split', fraction: 0.2 }, telemetry: { histograms: false, filters: false } },
    name: 'window run',
    projectPath: 'boston/boston.layerlab',
  });
  expect(started.runId).toBeTruthy();
  const ended = await new Promise<{ status: string; message?: string }>((done) => {
    const check = () => {
      const s = events.map((m) => m.payload as { runId?: string; status?: string; message?: string })
        .find((p) => p.runId === started.runId && (/saved to/.test(p.message ?? '') || p.status === 'failed'));
      if (s) done(s as { status: string; message?: string });
      else setTimeout(check, 50);
    };
    check();
  });
  expect(ended.status, ended.message).toBe('completed');

  const stored = (await openProject(file)).doc.runs.at(-1)!.meta;
  expect(ownDatasetOf((stored.config as { dataset: { name: string } }).dataset)!.source.path).toBe('../data/housing.csv');

  // A new server (the window reopens the project after a restart): the stored run reads the data from the project's
  // folder, and exports with it.
  const restarted = createBackendService({ baseDir: dir, roots: [dir], checkpointDir: join(dir, 'ck2') });
  try {
    const call2 = async (method: string, params: unknown): Promise<any> => {
      const response = await handleApiMessage(restarted, JSON.stringify({ id: 1, method, params }));
      if ('error' in response) throw new Error(JSON.stringify(response.error));
      return response.result;
    };
    await call2('projects.open', { path: 'boston/boston.layerlab' });
    const { runs } = (await call2('training.list', { projectPath: file })) as { runs: { runId: string; name: string }[] };
    const run = runs.find((r) => r.name === 'window run')!;
    const out = join(dir, 'export-pt');
    const result = await call2('export.run', { format: 'pytorch', graph: template.graph, runId: run.runId, path: out });
    expect(result.files).toContain('train.py');
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toContain(`DATA_PATH = '${join(dir, 'data', 'housing.csv')}'`);
    // The window's "every run of this project" TensorBoard export: one log folder per stored run.
    const tb = await call2('export.run', { format: 'tensorboard', graph: template.graph, project: 'boston/boston.layerlab', path: join(dir, 'tb') });
    expect(tb.format).toBe('tensorboard');
    expect(tb.files).toEqual([expect.stringMatching(new RegExp(`^${stored.id}/events\\.out\\.tfevents\\.`))]);
    const noRun = await handleApiMessage(restarted, JSON.stringify({ id: 2, method: 'export.run', params: { format: 'tensorboard', graph: template.graph, path: join(dir, 'tb2') } }));
    expect('error' in noRun && noRun.error.message).toMatch(/tensorboard needs a runId \(one run\) or project/);
  } finally {
    await restarted.close();
  }
}, 120_000);
