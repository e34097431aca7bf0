/**
 * One run of the workshop CNN (template cnn-first) trained through the backend service with every telemetry kind
 * on, stored in a new project as the window stores it: for the benchmarks of what a run adds to its project.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProject, saveProjectAs } from '../main/projects/service';
import { createBackendService } from '../main/service/service';
import { handleApiMessage } from '../main/service/handle';
import { getTemplate } from '../shared/templates';

export interface WorkshopRunOptions {
  /** A scratch folder: the project, the dataset cache and checkpoints go there. */
  dir: string;
  epochs: number;
  train: number;
  test: number;
  batch: number;
}

/** Trains the run into `<dir>/workshop.layerlab`; returns that file, its size before the run and the seconds taken. */
export async function trainWorkshopRun(o: WorkshopRunOptions): Promise<{ file: string; before: number; seconds: number }> {
  const datasets = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/datasets');
  const service = createBackendService({ datasets: { mirror: datasets, cacheDir: join(o.dir, 'cache'), offline: true }, checkpointDir: join(o.dir, 'ck'), baseDir: o.dir });
  const file = join(o.dir, 'workshop.layerlab');
  await saveProjectAs(createProject({ name: 'workshop', templateId: 'cnn-first' }), file);
  const before = statSync(file).size;
  const statuses: { runId: string; status: string; message?: string }[] = [];
  service.subscribe((m) => {
    if (m.event === 'training.status') statuses.push(m.payload as (typeof statuses)[number]);
  });
  const config = {
    dataset: { name: 'mnist' },
    epochs: o.epochs,
    batch_size: o.batch,
    limit_train: o.train,
    limit_test: o.test,
    seed: 1,
    optimizer: { name: 'adam', learning_rate: 0.001 },
    telemetry: { histograms: true, gradient_histograms: true, filters: true, activations: true, confusion_matrix: true, health_checks: true },
  };
  const started = Date.now();
  const response = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'training.start', params: { graph: getTemplate('cnn-first')!.graph, config, name: 'bench', projectPath: 'workshop.layerlab' } }));
  if (!('result' in response)) throw new Error(JSON.stringify(response));
  const { runId } = response.result as { runId: string };
  await new Promise<void>((done, fail) => {
    const check = () => {
      const s = statuses.find((p) => p.runId === runId && ['completed', 'failed', 'stopped'].includes(p.status));
      if (s?.status === 'failed') fail(new Error(s.message));
      else if (s) done();
      else setTimeout(check, 200);
    };
    check();
  });
  await service.close();
  return { file, before, seconds: (Date.now() - started) / 1000 };
}
