/**
 * The sweeps.* API end to end: messages through handleApiMessage (the validation edge every transport uses), real
 * tfjs worker threads training a small Dense net on a real MNIST subset (300 train / 100 test), events on the bus.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { projectSweeps } from '../../../main/sweep/project-store';
import { apiEvents, type ApiEventMessage, type ApiMethod, type ApiParams, type ApiResult, type SweepStatusEvent, type SweepTrialEvent } from '../../../shared/api';
import { sequentialGraph } from '../../../shared/templates/builder';

const MIRROR = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const built = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 10, activation: 'softmax' }]]);
// The wire's ids are letters, digits, '_', '.', ':' and '-' (the builder's edge ids have '>').
const graph = { ...built, edges: built.edges.map((e, i) => ({ ...e, id: `e${i}` })) };
const training = { dataset: { name: 'mnist' }, limit_train: 300, limit_test: 100, batch_size: 32, epochs: 1, optimizer: { name: 'sgd' as const, learning_rate: 0.1 } };
const config = { name: 'lr', dimensions: [{ target: { training: 'learning_rate' }, values: [0.0001, 0.2] }] };

const services: LocalBackendService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

/** A backend over a cache folder of its own (sweeps are saved in `<cacheDir>/sweeps`), recording its sweep events. */
function backend(cacheDir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-api-'))) {
  const service = createBackendService({ datasets: { mirror: MIRROR, cacheDir, offline: true }, baseDir: cacheDir });
  services.push(service);
  const statuses: SweepStatusEvent[] = [];
  const trials: SweepTrialEvent[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  service.subscribe((m: ApiEventMessage) => {
    if (m.event !== 'sweeps.status' && m.event !== 'sweeps.trial') return;
    // Every pushed sweep event must match its contract schema.
    const parsed = apiEvents[m.event].safeParse(m.payload);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    if (m.event === 'sweeps.status') statuses.push(m.payload as SweepStatusEvent);
    else trials.push(m.payload as SweepTrialEvent);
    for (const w of [...waiters]) {
      if (!w.test()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const until = (test: () => boolean) => (test() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ test, resolve })));
  let next = 0;
  async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const response = await handleApiMessage(service, JSON.stringify({ id: ++next, method, params }));
    if ('error' in response) throw Object.assign(new Error(response.error.message), { code: response.error.code });
    return response.result as ApiResult<M>;
  }
  return { service, cacheDir, statuses, trials, until, call };
}

describe('sweeps API (real tfjs, real MNIST subset)', () => {
  it('runs a 2-trial grid, streams trial events, ranks the trials and stores the sweep in the project', async () => {
    const b = backend();
    const doc = createProject({ name: 'sweeps' });
    const projectPath = join(b.cacheDir, 'p.layerlab');
    await saveProjectAs(doc, projectPath);

    const { sweepId } = await b.call('sweeps.start', { config, graph, training, projectPath: 'p.layerlab' });
    // One sweep at a time.
    await expect(b.call('sweeps.start', { config, graph, training })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(sweepId) });
    await b.until(() => b.statuses.some((s) => s.status === 'completed'));

    const started = b.trials.filter((t) => t.phase === 'started');
    const ended = b.trials.filter((t) => t.phase === 'ended');
    expect(started.map((t) => t.trialId)).toEqual([0, 1]);
    expect(ended.map((t) => [t.trialId, t.status])).toEqual([[0, 'done'], [1, 'done']]);
    expect(ended.map((t) => t.values.learning_rate)).toEqual([0.0001, 0.2]);
    for (const t of ended) {
      expect(t.history).toHaveLength(1);
      expect(t.objective).toBe(t.history![0]!.metrics.val_acc);
      expect(t.durationSeconds).toBeGreaterThan(0);
    }

    const detail = await b.call('sweeps.get', { sweepId });
    expect(detail).toMatchObject({ sweepId, status: 'completed', trialCount: 2, finished: 2, active: false, projectPath });
    expect(detail.trials.map((t) => t.runId)).toEqual(started.map((t) => t.runId));
    // lr 0.2 learns 300 digits in one epoch; lr 1e-4 barely moves: the ranking must put trial 1 first.
    expect(detail.trials[1]!.objective!).toBeGreaterThan(0.3);
    expect(detail.ranked).toEqual([1, 0]);
    expect(detail.best).toEqual({ trialId: 1, objective: detail.trials[1]!.objective });
    expect((await b.call('training.get', { runId: detail.trials[1]!.runId! })).config.optimizer.learning_rate).toBe(0.2);

    // Stored in the project (with each trial as a project run), and found there by a fresh service.
    const stored = projectSweeps((await openProject(projectPath)).doc);
    expect(stored.map((s) => [s.id, s.status])).toEqual([[sweepId, 'completed']]);
    const fresh = backend();
    const listed = await fresh.call('sweeps.list', { projectPath });
    expect(listed.sweeps).toEqual([expect.objectContaining({ sweepId, status: 'completed', projectPath, best: detail.best })]);
    expect((await fresh.call('sweeps.get', { sweepId, projectPath })).ranked).toEqual([1, 0]);
    await expect(fresh.call('sweeps.resume', { sweepId, projectPath })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('pauses, stops, and resumes after a restart skipping the finished trial', async () => {
    const first = backend();
    const { sweepId } = await first.call('sweeps.start', { config, graph, training });
    await first.until(() => first.trials.some((t) => t.phase === 'started'));
    const paused = await first.call('sweeps.pause', { sweepId });
    expect(paused.status).toBe('paused');
    await new Promise((r) => setTimeout(r, 1500));
    const whilePaused = await first.call('sweeps.get', { sweepId });
    expect(whilePaused.status).toBe('paused');
    const run = await first.call('training.get', { runId: whilePaused.activeTrial!.runId });
    expect(run.status).toBe('paused');
    expect(run.history).toHaveLength(0);
    expect((await first.call('sweeps.resume', { sweepId })).status).toBe('running');

    await first.until(() => first.trials.some((t) => t.phase === 'ended'));
    await first.call('sweeps.stop', { sweepId });
    await first.until(() => first.statuses.some((s) => s.status === 'stopped'));
    const stopped = await first.call('sweeps.get', { sweepId });
    expect(stopped.trials.map((t) => t.status)).toEqual(['done', 'pending']);
    await expect(first.call('sweeps.pause', { sweepId })).rejects.toMatchObject({ code: 'conflict' });
    await first.service.close();

    // "Restart": a new backend over the same sweep folder continues with the trial that had not ended.
    const second = backend(first.cacheDir);
    expect((await second.call('sweeps.list', {})).sweeps).toEqual([expect.objectContaining({ sweepId, status: 'stopped', finished: 1, active: false })]);
    expect((await second.call('sweeps.resume', { sweepId })).active).toBe(true);
    await second.until(() => second.statuses.some((s) => s.status === 'completed'));
    expect(second.trials.filter((t) => t.phase === 'started').map((t) => t.trialId)).toEqual([1]);
    const done = await second.call('sweeps.get', { sweepId });
    expect(done.trials.map((t) => t.status)).toEqual(['done', 'done']);
    expect(done.trials[0]).toEqual(stopped.trials[0]);
    expect(done.ranked[0]).toBe(1);
  });
});
