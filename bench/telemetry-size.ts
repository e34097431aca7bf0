/**
 * What a run's stored telemetry adds to its project file: the workshop CNN (template cnn-first) trained through the
 * backend service with every telemetry kind on (histograms of every weight, conv filters, activations of the probe,
 * confusion matrix and wrong examples, health checks, per-batch points), stored in a project as the window stores
 * it; prints the bytes of runs/<id>/telemetry.json.gz against the weights and the ~5 MB budget.
 *
 *   npm run bench:telemetry-size -- [--epochs 15] [--train 2048] [--test 1000] [--batch 32]
 *
 * The stored size grows with epochs (one snapshot of each kind per epoch) and with the per-batch points (at most
 * 2,000 per run), not with the number of samples: a subset of MNIST gives the size of a full-data run of as many
 * epochs, except that a longer epoch reports more batch points (up to the same cap).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProject, createProject, saveProjectAs } from '../main/projects/service';
import { readRunTelemetry } from '../main/projects/telemetry';
import { ZipReader } from '../main/projects/zip-reader';
import { createBackendService } from '../main/service/service';
import { handleApiMessage } from '../main/service/handle';
import { getTemplate } from '../shared/templates';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const epochs = Number(arg('epochs', '15'));
const train = Number(arg('train', '2048'));
const test = Number(arg('test', '1000'));
const batch = Number(arg('batch', '32'));
const BUDGET = 5 * 2 ** 20;

const datasets = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/datasets');
const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-telemetry-size-'));
const service = createBackendService({ datasets: { mirror: datasets, cacheDir: join(dir, 'cache'), offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir });
const file = join(dir, 'workshop.layerlab');
await saveProjectAs(createProject({ name: 'workshop', templateId: 'cnn-first' }), file);
const before = statSync(file).size;

const statuses: { runId: string; status: string; message?: string }[] = [];
service.subscribe((m) => {
  if (m.event === 'training.status') statuses.push(m.payload as (typeof statuses)[number]);
});
const config = {
  dataset: { name: 'mnist' },
  epochs,
  batch_size: batch,
  limit_train: train,
  limit_test: test,
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

const { doc } = await openProject(file);
const id = doc.runs[0]!.meta.id;
const reader = await ZipReader.open(file);
const entry = (name: string) => (reader.has(name) ? reader.entry(name).compressedSize : 0);
const telemetryBytes = entry(`runs/${id}/telemetry.json.gz`);
const weightsBytes = entry(`runs/${id}/weights.bin`) + entry(`runs/${id}/model.json`);
const runJsonBytes = entry(`runs/${id}/run.json`);
await reader.close();
const stored = (await readRunTelemetry(file, id))!;
const kinds = new Map<string, number>();
for (const e of stored.events) kinds.set(e.type, (kinds.get(e.type) ?? 0) + JSON.stringify(e).length);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;

console.log(`workshop CNN (cnn-first), ${epochs} epochs, ${train} MNIST training / ${test} test samples, batch ${batch}, backend ${stored.backend ?? '?'}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`project file: ${mb(before)} before the run, ${mb(statSync(file).size)} after`);
console.log(`telemetry stored (runs/<id>/telemetry.json.gz): ${telemetryBytes} bytes = ${mb(telemetryBytes)} (${((telemetryBytes / BUDGET) * 100).toFixed(1)}% of the 5 MB budget)`);
console.log(`weights (model.json + weights.bin): ${mb(weightsBytes)}; run.json: ${runJsonBytes} bytes`);
console.log(`uncompressed JSON by kind: ${[...kinds].map(([k, n]) => `${k} ${(n / 1024).toFixed(0)} KB`).join(', ')}`);
console.log(`verdict: ${telemetryBytes <= BUDGET ? 'within' : 'OVER'} the budget`);
rmSync(dir, { recursive: true, force: true });
