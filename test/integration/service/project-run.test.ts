/** training.start with projectPath: the ended run lands in the project file, with weights that load in tfjs. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { parseIdx } from '../../../main/datasets/idx';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { createProject, loadRunWeights, openProject, saveProjectAs } from '../../../main/projects/service';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';
import { loadExportSource } from '../../../main/export/source';
import type { ApiEventMessage } from '../../../shared/api';
import { TrainingConfigSchema } from '../../../shared/training';
import { MIRROR, mlpGraph } from '../../unit/api/examples';

const events: ApiEventMessage[] = [];
const payload = (m: ApiEventMessage) => m.payload as { runId: string; status?: string; epoch?: number; message?: string };
function waitFor(match: (m: ApiEventMessage) => boolean): Promise<ApiEventMessage> {
  return new Promise((resolve) => {
    const check = () => {
      const e = events.find(match);
      if (e) resolve(e);
      else setTimeout(check, 50);
    };
    check();
  });
}
const dir = mkdtempSync(join(tmpdir(), 'layerlab-project-run-'));
const service = createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir });
service.subscribe((m) => events.push(m));
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

it('stores the finished run in the project named by projectPath', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  const config = { dataset: { name: 'mnist' }, epochs: 1, batch_size: 50, limit_train: 500, limit_test: 200, telemetry: { histograms: false, filters: false } };
  const response = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'training.start', params: { graph: mlpGraph, config, name: 'stored', projectPath: 'p.layerlab' } }));
  expect('result' in response && response.result).toMatchObject({ status: 'running' });
  const runId = 'result' in response ? (response.result as { runId: string }).runId : '';
  const ended = await waitFor((m) => m.event === 'training.status' && payload(m).runId === runId && ['completed', 'failed'].includes(payload(m).status!));
  expect(ended.payload).toMatchObject({ status: 'completed', message: expect.stringMatching(/saved to .*p\.layerlab as run-/) });

  const { doc } = await openProject(file);
  expect(doc.runs).toHaveLength(1);
  const run = doc.runs[0]!.meta;
  expect(run).toMatchObject({ name: 'stored', status: 'completed', hasWeights: true, graph: mlpGraph });
  expect(run.history).toHaveLength(1);
  expect(run.best.val_acc).toBe(run.history[0]!.metrics.val_acc);
  expect((run.telemetry as { confusion: { samples: number } }).confusion.samples).toBe(200);
  const model = await loadModelFromWeights(await loadRunWeights(doc, run.id));
  expect(model.countParams()).toBe(784 * 32 + 32 + 32 * 10 + 10);
  const kernel = Array.from(model.getWeights()[0]!.dataSync().slice(0, 5));
  model.dispose();

  // A real MNIST test digit, predicted by the run's own worker while it is loaded.
  const digit = Array.from(parseIdx(readFileSync(join(MIRROR, 'mnist', 't10k-images-idx3-ubyte.gz'))).data.subarray(0, 784));
  const live = await service.runs.predict(runId, digit, [28, 28, 1]);
  expect(live.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

  // Once its worker is gone, export.run with the runId takes the weights the run stored in the project.
  await service.runs.kill(runId);
  const exported = await handleApiMessage(service, JSON.stringify({ id: 2, method: 'export.run', params: { format: 'tfjs', graph: mlpGraph, runId, path: join(dir, 'exported') } }));
  expect('result' in exported ? exported.result : exported).toMatchObject({ format: 'tfjs' });
  const back = await loadExportSource(join(dir, 'exported', 'model.json'));
  expect(Array.from(back.weights![0]!.data.slice(0, 5))).toEqual(kernel);

  // Another session (a restarted app) that opens the project lists the stored run in its run history.
  const later = createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, baseDir: dir });
  try {
    const ask = async (method: string, params?: unknown) => {
      const r = await handleApiMessage(later, JSON.stringify({ id: 3, method, params }));
      return 'result' in r ? (r.result as any) : r;
    };
    expect((await ask('training.list')).runs).toEqual([]);
    await ask('projects.open', { path: 'p.layerlab' });
    await ask('projects.open', { path: 'p.layerlab' }); // opening again lists it once
    const listed = (await ask('training.list')).runs;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ runId: run.id, name: 'stored', status: 'completed', config: { epochs: 1, batch_size: 50 } });
    expect(listed[0].history.map((h: { epoch: number }) => h.epoch)).toEqual([0]);
    expect(listed[0].history[0].metrics.val_acc).toBe(run.history[0]!.metrics.val_acc);
    expect((await ask('training.get', { runId: run.id })).graph).toEqual(mlpGraph);
    const again = await ask('export.run', { format: 'tfjs', graph: mlpGraph, runId: run.id, path: join(dir, 'exported-later') });
    expect(again).toMatchObject({ format: 'tfjs' });
    // Predictions load the stored weights into a worker on demand: the same probabilities as the live run gave.
    const stored = await ask('training.predict', { runId: run.id, input: { pixels: digit, shape: [28, 28, 1] } });
    expect(stored.predicted).toBe(live.predicted);
    stored.probabilities.forEach((p: number, i: number) => expect(p).toBeCloseTo(live.probabilities[i]!, 5));
  } finally {
    await later.close();
  }
}, 60_000);

it('a stopped run is stored, and after resuming its entry is replaced by the finished run', async () => {
  const file = join(dir, 'q.layerlab');
  await saveProjectAs(createProject({ name: 'Q', templateId: 'mlp-64' }), file);
  const config = { dataset: { name: 'mnist' }, epochs: 3, batch_size: 50, limit_train: 500, limit_test: 100, telemetry: { histograms: false, filters: false, activations: false } };
  const { runId } = service.runs.start(mlpGraph, TrainingConfigSchema.parse(config), 'resumable', file);
  await waitFor((m) => m.event === 'training.epoch' && payload(m).runId === runId && payload(m).epoch === 0);
  service.runs.stop(runId);
  const stopped = await waitFor((m) => m.event === 'training.status' && payload(m).runId === runId && payload(m).status === 'stopped');
  expect(payload(stopped).message).toMatch(/saved to/);
  const first = (await openProject(file)).doc.runs;
  expect(first.map((r) => r.meta.status)).toEqual(['stopped']);

  service.runs.resume(runId);
  await waitFor((m) => m.event === 'training.status' && payload(m).runId === runId && payload(m).status === 'completed');
  const runs = (await openProject(file)).doc.runs;
  expect(runs).toHaveLength(1);
  expect(runs[0]!.meta).toMatchObject({ status: 'completed', hasWeights: true });
  expect(runs[0]!.meta.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
}, 60_000);
