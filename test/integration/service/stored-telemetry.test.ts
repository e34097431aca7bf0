/**
 * A run stores everything its dashboard showed in its project (runs/<id>/telemetry.json.gz), and a service started
 * afresh (a restart) rebuilds the same dashboard from the file with the shared reducer. Real training: the
 * workshop's first CNN on an MNIST subset, 2 epochs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { readRunState, readRunTelemetry, telemetryEventsOf } from '../../../main/projects/telemetry';
import type { ApiEventMessage } from '../../../shared/api';
import { replayRunEvents } from '../../../shared/run-state';
import { getTemplate } from '../../../shared/templates';
import { MIRROR } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-stored-telemetry-'));
const make = () => createBackendService({ datasets: { mirror: MIRROR, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir });
const services: LocalBackendService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(service: LocalBackendService, method: string, params: unknown): Promise<any> {
  const response = await handleApiMessage(service, JSON.stringify({ id: 1, method, params }));
  if ('error' in response) throw new Error(JSON.stringify(response.error));
  return response.result;
}

it('stores histograms, filters, activations, confusion and batch points of every epoch, and reopens them after a restart', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'cnn-first' }), file);
  const first = make();
  services.push(first);
  const events: ApiEventMessage[] = [];
  first.subscribe((m) => events.push(m));
  const config = { dataset: { name: 'mnist' }, epochs: 2, batch_size: 32, limit_train: 512, limit_test: 200, seed: 1, optimizer: { name: 'adam', learning_rate: 0.001 }, lr_schedule: { kind: 'step', step_size: 1, gamma: 0.5 } };
  const { runId } = await call(first, 'training.start', { graph: getTemplate('cnn-first')!.graph, config, name: 'cnn', projectPath: 'p.layerlab' });
  await new Promise<void>((resolve) => {
    const check = () => {
      const saved = events.some((m) => m.event === 'training.status' && (m.payload as { runId: string }).runId === runId && /saved to/.test((m.payload as { message?: string }).message ?? ''));
      if (saved) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
  const live = await call(first, 'training.telemetry', { runId });

  const { doc } = await openProject(file);
  const meta = doc.runs[0]!.meta;
  expect(meta.hasTelemetry).toBe(true);
  const stored = await readRunTelemetry(file, meta.id);
  expect(stored!.backend).toMatch(/wasm|cpu|tensorflow|webgpu/);
  const state = (await readRunState(file, meta.id))!;
  expect(state.history.map((h) => h.epoch)).toEqual([0, 1]);
  expect(state.histograms.map((h) => h.epoch)).toEqual([0, 1]);
  // Every weight of every layer: the conv's and both dense layers' kernels and biases.
  expect(state.histograms[0]!.histograms.filter((h) => h.of === 'weights')).toHaveLength(6);
  expect(state.histograms[0]!.histograms.map((h) => h.weight)).toContain('kernel');
  expect(state.filters.map((f) => [f.epoch, f.layers[0]!.tiles])).toEqual([[0, 32], [1, 32]]);
  expect(state.activations.map((a) => a.epoch)).toEqual([0, 1]);
  expect(state.confusion.map((c) => c.samples)).toEqual([200, 200]);
  // The wrong examples of each epoch, and each epoch's learning rate.
  for (const c of state.confusion) expect(c.confidentlyWrong.length).toBeGreaterThan(0);
  // (halved after each epoch, so that the stored rate is each epoch's own, not the config's)
  const rounded = (lrs: number[]) => lrs.map((lr) => Math.round(lr * 1e7) / 1e7);
  expect(rounded(state.history.map((h) => h.lr))).toEqual([0.001, 0.0005]);
  // The config, the graph and the dataset reference it trained with, its timings and its final weights.
  expect(meta.config).toMatchObject({ dataset: { name: 'mnist' }, epochs: 2, batch_size: 32, limit_train: 512 });
  expect(meta.graph.nodes.map((n) => n.id)).toEqual(getTemplate('cnn-first')!.graph.nodes.map((n) => n.id));
  expect(meta.hasWeights).toBe(true);
  expect(meta.durationSeconds).toBeGreaterThan(0);
  expect(meta.history.map((h) => h.time! > 0)).toEqual([true, true]);
  expect(meta.best.val_acc).toBe(Math.max(...meta.history.map((h) => h.metrics.val_acc!)));
  // 16 batches per epoch: a curve within each epoch, not one point per epoch.
  expect(state.batches.length).toBeGreaterThanOrEqual(2 * 8);
  expect(new Set(state.batches.map((b) => b.epoch))).toEqual(new Set([0, 1]));
  // Each with the batch's accuracy beside its loss, for the accuracy chart's curve within epochs.
  for (const b of state.batches) expect(b.metrics!.acc).toBeGreaterThanOrEqual(0);
  for (const b of state.batches) expect(b.metrics!.acc).toBeLessThanOrEqual(1);
  // The engine-level events the TensorBoard export reads.
  expect(telemetryEventsOf(stored!.events).filter((e) => e.type === 'histogram').length).toBe(2 * state.histograms[0]!.histograms.length);
  // What was stored is what the live run showed (numbers rounded for the file).
  expect(replayRunEvents(live.events).confusion.map((c) => c.matrix)).toEqual(state.confusion.map((c) => c.matrix));
  await first.close();

  // A restart: a new service opens the project and rebuilds the run's dashboard from the file.
  const second = make();
  services.push(second);
  await call(second, 'projects.open', { path: 'p.layerlab' });
  const { runs } = await call(second, 'training.list', { projectPath: 'p.layerlab' });
  expect(runs).toHaveLength(1);
  expect(runs[0].number).toBe(1);
  // Its timings come back too (a stored run once reopened as lasting 0.0 s): the duration `layerlab info` prints.
  expect((Date.parse(runs[0].endedAt) - Date.parse(runs[0].startedAt)) / 1000).toBeCloseTo(meta.durationSeconds, 2);
  expect(runs[0].history.map((h: { seconds: number }) => h.seconds > 0)).toEqual([true, true]);
  expect(rounded(runs[0].history.map((h: { lr: number }) => h.lr))).toEqual([0.001, 0.0005]);
  const reopened = await call(second, 'training.telemetry', { runId: runs[0].runId });
  expect(reopened.events).toEqual(stored!.events);
  expect(reopened.backend).toBe(stored!.backend);

  // The activation probe the user picks: test image 3 through every layer with the stored run's weights.
  const probe = await call(second, 'training.probe', { runId: runs[0].runId, index: 3 });
  expect(probe).toMatchObject({ type: 'activations', probeIndex: 3, probeLabel: 0, epoch: 1 });
  expect(probe.layers.map((l: { layer: string }) => l.layer)).toEqual(state.activations[0]!.layers.map((l) => l.layer));
  await expect(call(second, 'training.probe', { runId: runs[0].runId, index: 10_000 })).rejects.toThrow(/offset 10000 is past the end of mnist\/test/);
});
