/**
 * One writer per project file (issue 14): four `layerlab train P.layerlab` processes (real MNIST subsets, each
 * storing its run after every epoch and at its end), a run started through the API storing itself the same way,
 * the window's saves through the API and in-process run stores all write one file at the same time; every run is
 * kept, complete, with its own number. Before the file lock and the re-read-merge-write, two writers lost a run in
 * 13 of 13 trials.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeRun, saveProject, storeRunInProject } from '../../support/project-files';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { mnistDir, repoRoot } from '../engine/paths';
import { TrainingConfigSchema } from '../../../shared/training';
import { MIRROR } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-writers-'));
const service = createBackendService({ datasets: { mirror: MIRROR, offline: true, cacheDir: join(dir, 'cache') }, baseDir: dir, checkpointDir: join(dir, 'ck') });
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function train(file: string, seed: number): Promise<{ code: number | null; out: string }> {
  const args = [join(repoRoot, 'bin/layerlab.js'), 'train', file, '--data-dir', mnistDir, '--epochs', '2', '--limit-train', '100',
    '--limit-test', '50', '--batch-size', '50', '--backend', 'cpu', '--seed', String(seed)];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache') } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

it('keeps every run when 4 CLI trainings, API saves and run stores write one project at once', async () => {
  const file = join(dir, 'p.layerlab');
  const doc = await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  const projectJson = structuredClone(doc.project);

  const trainings = Promise.all([1, 2, 3, 4].map((seed) => train(file, seed)));
  // The window's own run, stored by the run manager after each epoch and at its end, beside the CLI's.
  const config = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 2, batch_size: 50, limit_train: 100, limit_test: 50, telemetry: { histograms: false, filters: false, activations: false } });
  const { runId: apiRun } = service.runs.start(doc.project.graph, config, 'from the window', file);
  const apiDone = new Promise<void>((resolve) => {
    const check = () => (['completed', 'failed', 'stopped'].includes(service.runs.list(file).find((r) => r.runId === apiRun)?.status ?? '') ? resolve() : setTimeout(check, 100));
    check();
  });
  let finished = false;
  void Promise.all([trainings, apiDone]).then(() => (finished = true));

  // While they train and store: the window saves edits (notes) and the run manager stores runs, over and over.
  let saves = 0;
  const stored: string[] = [];
  while (!finished) {
    const notes = `edit ${++saves}`;
    const saved = await handleApiMessage(service, JSON.stringify({ id: saves, method: 'projects.save', params: { path: 'p.layerlab', project: { ...projectJson, notes } } }));
    expect('result' in saved ? saved.result : saved).toEqual({ path: file });
    if (stored.length < 6) {
      stored.push(await storeRunInProject(file, { name: `stored ${stored.length}`, status: 'completed', config: {}, graph: doc.project.graph, history: [], durationSeconds: 1 }));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await trainings;
  for (const r of results) expect(r.code, r.out).toBe(0);
  const cliRuns = results.map((r) => /saved run (\S+) to /.exec(r.out)?.[1]);
  expect(cliRuns.every(Boolean), results.map((r) => r.out).join('\n')).toBe(true);

  const { doc: after } = await openProject(file);
  const ids = after.runs.map((r) => r.meta.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([...cliRuns, apiRun, ...stored].sort());
  // Every trained run complete: both epochs, its end status, its weights; no run left 'running' by a lost write.
  for (const run of after.runs.filter((r) => [...cliRuns, apiRun].includes(r.meta.id))) {
    expect(run.meta).toMatchObject({ status: 'completed', hasWeights: true });
    expect(run.meta.history.map((h) => h.epoch)).toEqual([0, 1]);
    expect(run.meta.trainer).toBeUndefined();
  }
  // Numbers are given once each: #1..#N, none twice.
  expect(after.runs.map((r) => r.meta.number).sort((a, b) => a! - b!)).toEqual(after.runs.map((_, i) => i + 1));
  expect(after.project.notes).toBe(`edit ${saves}`);
  // No lock, break guard or temp file is left beside the project.
  expect(readdirSync(dir).filter((n) => n.startsWith('p.layerlab') || n.startsWith('.p.layerlab')).sort()).toEqual(['p.layerlab', 'p.layerlab.bak']);
});

it('a save of a document read before another writer stored a run keeps that run; its own removals still apply', async () => {
  const file = join(dir, 'held.layerlab');
  const base = await saveProjectAs(createProject({ name: 'held', templateId: 'mlp-64' }), file);
  const run = { status: 'completed' as const, config: {}, graph: base.project.graph, history: [], durationSeconds: 1 };
  const first = await storeRunInProject(file, { ...run, name: 'first' });
  const { doc: held } = await openProject(file); // the window's copy, with 'first'
  const second = await storeRunInProject(file, { ...run, name: 'second' }); // stored behind the window's back
  removeRun(held, first);
  held.project.notes = 'edited in the window';
  await saveProject(held);
  const { doc: after } = await openProject(file);
  expect(after.runs.map((r) => r.meta.id)).toEqual([second]);
  expect(after.project.notes).toBe('edited in the window');
});
