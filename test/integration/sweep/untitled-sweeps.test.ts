/**
 * Sweeps belong to the open project, as runs do (issue 22): an Untitled project's sweep lives in its recovery store
 * (<cache>/recovery), sweeps.list shows one project's sweeps only, and the first save moves them into the file.
 * Real tfjs worker, a one-trial sweep on a real MNIST subset.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { projectSweeps } from '../../../main/sweep/project-store';
import type { ApiMethod, ApiParams, ApiResult } from '../../../shared/api';
import { MIRROR, mlpGraph } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-untitled-sweeps-'));
const recoveryDir = join(dir, 'recovery');
const services: LocalBackendService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const training = { dataset: { name: 'mnist' }, limit_train: 200, limit_test: 100, batch_size: 50, epochs: 1, optimizer: { name: 'sgd' as const, learning_rate: 0.1 } };
const sweep = { name: 'lr', dimensions: [{ target: { training: 'learning_rate' }, values: [0.1] }] };

function backend() {
  const service = createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir, recoveryDir });
  services.push(service);
  let next = 0;
  return async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const response = await handleApiMessage(service, JSON.stringify({ id: ++next, method, params }));
    if ('error' in response) throw new Error(`${method}: ${response.error.message}`);
    return response.result as ApiResult<M>;
  };
}

async function finished(call: ReturnType<typeof backend>, sweepId: string, scope: { recoveryId?: string; projectPath?: string }): Promise<void> {
  for (;;) {
    const { status } = await call('sweeps.get', { sweepId, ...scope });
    if (status === 'completed' || status === 'stopped') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

it("keeps an Untitled project's sweep in its recovery store, lists each project's sweeps only, and moves them at Save As", async () => {
  const call = backend();
  // Another project with a sweep of its own: never listed for the Untitled one.
  await saveProjectAs(createProject({ name: 'other' }), join(dir, 'other.layerlab'));
  const other = await call('sweeps.start', { config: { ...sweep, name: 'other' }, graph: mlpGraph, training, projectPath: 'other.layerlab' });
  await finished(call, other.sweepId, { projectPath: 'other.layerlab' });

  // No store yet: an Untitled project has no sweeps (not the whole cache's).
  expect((await call('sweeps.list', { recoveryId: 'untitled-none' })).sweeps).toEqual([]);
  const started = await call('sweeps.start', { config: sweep, graph: mlpGraph, training });
  expect(started.recoveryId).toMatch(/^untitled-/);
  const recoveryId = started.recoveryId!;
  const store = join(recoveryDir, `${recoveryId}.layerlab`);
  await finished(call, started.sweepId, { recoveryId });

  expect((await call('sweeps.list', { recoveryId })).sweeps.map((s) => [s.sweepId, s.projectPath])).toEqual([[started.sweepId, store]]);
  expect((await call('sweeps.list', { projectPath: 'other.layerlab' })).sweeps.map((s) => s.sweepId)).toEqual([other.sweepId]);
  // The API without a project still lists every sweep it knows.
  expect((await call('sweeps.list', {})).sweeps.map((s) => s.sweepId).sort()).toEqual([other.sweepId, started.sweepId].sort());
  const inStore = (await openProject(store)).doc;
  expect(projectSweeps(inStore).map((s) => [s.id, s.status])).toEqual([[started.sweepId, 'completed']]);
  expect(inStore.runs.map((r) => r.meta.name)).toEqual(['lr #1']);

  // The first save moves the sweep (and its trial's run) into the file; the store is gone.
  const project = createProject({ name: 'saved' }).project;
  await call('projects.saveAs', { path: 'saved.layerlab', project: project as never, recoveryId });
  expect(existsSync(store)).toBe(false);
  const saved = (await openProject(join(dir, 'saved.layerlab'))).doc;
  expect(projectSweeps(saved).map((s) => s.id)).toEqual([started.sweepId]);
  expect(saved.runs.map((r) => r.meta.name)).toEqual(['lr #1']);
  const listed = (await call('sweeps.list', { projectPath: 'saved.layerlab' })).sweeps;
  expect(listed.map((s) => [s.sweepId, s.projectPath])).toEqual([[started.sweepId, join(dir, 'saved.layerlab')]]);
  expect((await call('sweeps.list', { recoveryId })).sweeps).toEqual([]);
}, 120_000);
