/**
 * Runs belong to a project from the first batch (issue 14): an Untitled project's runs are stored in its recovery
 * store as they happen, move into the file at its first save with their numbers, and the run history lists only
 * the open project's runs, across a restart and beside a copy of the project.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { createProject, openProject } from '../../../main/projects/service';
import type { ApiEventMessage, RunSummary } from '../../../shared/api';
import { MIRROR, mlpGraph } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-untitled-'));
const recoveryDir = join(dir, 'recovery');
const options = { datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir, recoveryDir };
const services: LocalBackendService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open() {
  const service = createBackendService(options);
  services.push(service);
  const events: ApiEventMessage[] = [];
  service.subscribe((m) => events.push(m));
  let id = 0;
  const ask = async (method: string, params?: unknown): Promise<any> => {
    const r = await handleApiMessage(service, JSON.stringify({ id: ++id, method, params }));
    if ('error' in r) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  const ended = (runId: string) =>
    new Promise<void>((resolve) => {
      const check = () => (events.some((m) => m.event === 'training.status' && (m.payload as { runId: string; status: string }).runId === runId && ['completed', 'failed', 'stopped'].includes((m.payload as { status: string }).status)) ? resolve() : setTimeout(check, 50));
      check();
    });
  return { service, ask, ended };
}

const config = { dataset: { name: 'mnist' }, epochs: 2, batch_size: 50, limit_train: 200, limit_test: 100, telemetry: { histograms: false, filters: false, activations: false } };
const numbers = (runs: RunSummary[]) => runs.map((r) => [r.runId, r.number]);

it('stores an Untitled project\'s runs in its recovery store, moves them into the file at Save As, keeps numbers after a restart', async () => {
  const a = open();
  const first = await a.ask('training.start', { graph: mlpGraph, config, name: 'first' });
  expect(first.recoveryId).toMatch(/^untitled-/);
  const store = join(recoveryDir, `${first.recoveryId}.layerlab`);
  expect(existsSync(store)).toBe(true);
  await a.ended(first.runId);
  const inStore = (await openProject(store)).doc.runs.map((r) => r.meta);
  expect(inStore).toMatchObject([{ id: first.runId, number: 1, status: 'completed', hasWeights: true }]);
  expect(inStore[0]!.history.map((h) => h.epoch)).toEqual([0, 1]);

  const second = await a.ask('training.start', { graph: mlpGraph, config, name: 'second', recoveryId: first.recoveryId });
  expect(second.recoveryId).toBe(first.recoveryId);
  await a.ended(second.runId);
  const listed = (await a.ask('training.list', { recoveryId: first.recoveryId })).runs;
  expect(numbers(listed)).toEqual([[first.runId, 1], [second.runId, 2]]);
  // A new Untitled project (another store) and a saved one list none of these runs.
  expect((await a.ask('training.list', { recoveryId: 'untitled-other' })).runs).toEqual([]);

  // First save: the runs move into the file, the store is removed, the history follows them.
  const project = createProject({ name: 'Saved', templateId: 'mlp-64' }).project;
  expect(await a.ask('projects.saveAs', { path: 'saved.layerlab', project, recoveryId: first.recoveryId })).toEqual({ path: join(dir, 'saved.layerlab') });
  expect(readdirSync(recoveryDir).filter((n) => n.startsWith(first.recoveryId))).toEqual([]);
  const inFile = (await openProject(join(dir, 'saved.layerlab'))).doc.runs.map((r) => r.meta);
  expect(inFile.map((r) => [r.id, r.number, r.status, r.hasWeights])).toEqual([[first.runId, 1, 'completed', true], [second.runId, 2, 'completed', true]]);
  expect(numbers((await a.ask('training.list', { projectPath: 'saved.layerlab' })).runs)).toEqual([[first.runId, 1], [second.runId, 2]]);
  expect((await a.ask('training.list', { recoveryId: first.recoveryId })).runs).toEqual([]);

  // A third run in the saved project gets #3, stored in the file.
  const third = await a.ask('training.start', { graph: mlpGraph, config, name: 'third', projectPath: 'saved.layerlab' });
  expect(third.recoveryId).toBeUndefined();
  await a.ended(third.runId);
  expect(numbers((await a.ask('training.list', { projectPath: 'saved.layerlab' })).runs)).toEqual([[first.runId, 1], [second.runId, 2], [third.runId, 3]]);

  // Restart: the same ids and numbers; a copy opened beside it lists its own runs under other keys.
  const b = open();
  expect((await b.ask('training.list', { projectPath: 'saved.layerlab' })).runs).toEqual([]);
  await b.ask('projects.open', { path: 'saved.layerlab' });
  const reopened = (await b.ask('training.list', { projectPath: 'saved.layerlab' })).runs as RunSummary[];
  expect(numbers(reopened)).toEqual([[first.runId, 1], [second.runId, 2], [third.runId, 3]]);
  expect(reopened.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  copyFileSync(join(dir, 'saved.layerlab'), join(dir, 'copy.layerlab'));
  await b.ask('projects.open', { path: 'copy.layerlab' });
  const copy = (await b.ask('training.list', { projectPath: 'copy.layerlab' })).runs as RunSummary[];
  expect(copy.map((r) => r.number)).toEqual([1, 2, 3]);
  const all = (await b.ask('training.list')).runs as RunSummary[];
  expect(new Set(all.map((r) => r.runId)).size).toBe(6);
  expect((await b.ask('training.get', { runId: copy[0]!.runId })).name).toBe('first');
}, 120_000);
