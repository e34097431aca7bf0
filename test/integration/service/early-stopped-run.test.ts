/** A run the window starts (training.start with projectPath) that early stopping ends is stored as 'early-stopped'. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import type { ApiEventMessage } from '../../../shared/api';
import { MIRROR, mlpGraph } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-early-stopped-'));
const service = createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir });
const events: ApiEventMessage[] = [];
service.subscribe((m) => events.push(m));
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

it('stores an early-stopped run with that status, and a run that ran all its epochs as completed', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  const base = { dataset: { name: 'mnist' }, batch_size: 16, limit_train: 64, limit_test: 300, shuffle: false, seed: 3, optimizer: { name: 'adam', learning_rate: 0.01 }, telemetry: { histograms: false, filters: false } };
  const start = async (name: string, config: Record<string, unknown>) => {
    const response = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'training.start', params: { graph: mlpGraph, config, name, projectPath: 'p.layerlab' } }));
    const runId = 'result' in response ? (response.result as { runId: string }).runId : '';
    expect(runId).not.toBe('');
    await new Promise<void>((resolve) => {
      const check = () => {
        const ended = events.some((m) => m.event === 'training.status' && (m.payload as { runId: string; status: string; message?: string }).runId === runId && /saved to/.test((m.payload as { message?: string }).message ?? ''));
        if (ended) resolve();
        else setTimeout(check, 50);
      };
      check();
    });
  };
  await start('early', { ...base, epochs: 40, early_stopping: { monitor: 'val_loss', patience: 2, restore_best_weights: true } });
  await start('full', { ...base, epochs: 1 });

  const { doc } = await openProject(file);
  const byName = new Map(doc.runs.map((r) => [r.meta.name, r.meta]));
  expect(byName.get('early')!.status).toBe('early-stopped');
  expect(byName.get('early')!.history.length).toBeLessThan(40);
  expect(byName.get('full')!.status).toBe('completed');
  // Best weights (issue #14): restored at the end, so the final weights are the best epoch's and nothing is copied.
  const early = byName.get('early')!;
  expect(early.bestWeights).toEqual({ epoch: early.history.length - 3, monitor: 'val_loss', value: early.history.at(-3)!.metrics.val_loss, stored: false });
  // One epoch: its weights are the final ones.
  expect(byName.get('full')!.bestWeights).toMatchObject({ epoch: 0, monitor: 'val_loss', stored: false });

  // The window's run list carries the best epoch (0-based, as history), live and after a fresh backend reopens the file.
  const expected = { epoch: early.history.length - 3, monitor: 'val_loss', value: early.history.at(-3)!.metrics.val_loss, sameAsFinal: true };
  const listed = async (svc: typeof service) => {
    const r = await handleApiMessage(svc, JSON.stringify({ id: 2, method: 'training.list', params: { projectPath: 'p.layerlab' } }));
    return ('result' in r ? (r.result as { runs: { name: string; bestWeights?: unknown }[] }).runs : []).find((x) => x.name === 'early')?.bestWeights;
  };
  expect(await listed(service)).toEqual(expected);

  // Its best epoch's weights are its final ones (restored): export.run with weights 'best' writes the same bytes.
  const listing = await handleApiMessage(service, JSON.stringify({ id: 4, method: 'training.list', params: { projectPath: 'p.layerlab' } }));
  const runs = 'result' in listing ? (listing.result as { runs: { runId: string; name: string }[] }).runs : [];
  const bin = async (weights: 'final' | 'best') => {
    const out = join(dir, `export-${weights}`);
    const params = { format: 'tfjs', graph: mlpGraph, path: out, runId: runs.find((r) => r.name === 'early')!.runId, weights };
    expect(await handleApiMessage(service, JSON.stringify({ id: 5, method: 'export.run', params }))).toHaveProperty('result');
    return readFileSync(join(out, 'group1-shard1of1.bin'));
  };
  expect((await bin('best')).equals(await bin('final'))).toBe(true);
  const fresh = createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, baseDir: dir });
  try {
    await handleApiMessage(fresh, JSON.stringify({ id: 3, method: 'projects.open', params: { path: 'p.layerlab' } }));
    expect(await listed(fresh)).toEqual(expected);
  } finally {
    await fresh.close();
  }
});
