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
import { join } from 'node:path';
import { openProject } from '../main/projects/service';
import { readRunTelemetry } from '../main/projects/telemetry';
import { ZipReader } from '../main/projects/zip-reader';
import { trainWorkshopRun } from './workshop-run';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const epochs = Number(arg('epochs', '15'));
const train = Number(arg('train', '2048'));
const test = Number(arg('test', '1000'));
const batch = Number(arg('batch', '32'));
const BUDGET = 5 * 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-telemetry-size-'));
const { file, before, seconds } = await trainWorkshopRun({ dir, epochs, train, test, batch });

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

console.log(`workshop CNN (cnn-first), ${epochs} epochs, ${train} MNIST training / ${test} test samples, batch ${batch}, backend ${stored.backend ?? '?'}, ${seconds.toFixed(0)} s`);
console.log(`project file: ${mb(before)} before the run, ${mb(statSync(file).size)} after`);
console.log(`telemetry stored (runs/<id>/telemetry.json.gz): ${telemetryBytes} bytes = ${mb(telemetryBytes)} (${((telemetryBytes / BUDGET) * 100).toFixed(1)}% of the 5 MB budget)`);
console.log(`weights (model.json + weights.bin): ${mb(weightsBytes)}; run.json: ${runJsonBytes} bytes`);
console.log(`uncompressed JSON by kind: ${[...kinds].map(([k, n]) => `${k} ${(n / 1024).toFixed(0)} KB`).join(', ')}`);
console.log(`verdict: ${telemetryBytes <= BUDGET ? 'within' : 'OVER'} the budget`);
rmSync(dir, { recursive: true, force: true });
