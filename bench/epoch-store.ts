/**
 * What storing a run after every epoch costs: bytes written and milliseconds per epoch, before (every epoch
 * rewrote the whole project zip: its other runs' weights and telemetry too) and after (an epoch goes to the run's
 * live files beside the project, projects/live-run.ts; the zip is written at the start, once per fold interval
 * and at the end). The workshop CNN (template cnn-first) is trained once through the backend service with every
 * telemetry kind on; its stored epochs are then stored again epoch by epoch, as the run store stores a live run,
 * into (a) a project holding only it and (b) one holding RUNS earlier runs of it (weights and telemetry each), with
 * the fold clock moved by the epochs' real durations.
 *
 *   npm run bench:epoch-store -- [--epochs 15] [--train 1024] [--runs 5] [--epoch-seconds 60]
 *
 * "After" is measured twice: on the measured epoch times, and with epochs of --epoch-seconds (default 60: the full
 * 60,000-sample MNIST epoch of the workshop CNN takes about a minute here), where the zip is folded more often.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../shared/run-events';
import { replayRunEvents } from '../shared/run-state';
import { storedTelemetryOf } from '../shared/run-compact';
import { createProject, loadRunWeights, openProject, saveProjectAs } from '../main/projects/service';
import { storeRunInProject } from '../test/support/project-files';
import { readRunTelemetry } from '../main/projects/telemetry';
import { FOLD_EVERY_MS, RunStore, upsertRun, type RunEntry } from '../main/service/run-store';
import { trainWorkshopRun } from './workshop-run';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const epochs = Number(arg('epochs', '15'));
const train = Number(arg('train', '1024'));
const earlier = Number(arg('runs', '5'));
/** Epoch times on the fold clock: the measured ones, and a full-MNIST epoch of the workshop CNN here. */
const longEpoch = Number(arg('epoch-seconds', '60'));

const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-epoch-store-'));

// One real run; its stored epochs are then stored again as a live run would store them.
const { file: trained } = await trainWorkshopRun({ dir, epochs, train, test: 500, batch: 32 });
const { doc } = await openProject(trained);
const run = doc.runs[0]!;
const telemetry = (await readRunTelemetry(trained, run.meta.id))!;
const weights = await loadRunWeights(doc, run.meta.id);
const measured = run.meta.history.map((h, i) => (h.time ?? 0) - (run.meta.history[i - 1]?.time ?? 0));

/** The run's entry after `k` epochs, with the telemetry it had then (replayed through the same reducer). */
function entryAfter(id: string, k: number, ended: boolean): RunEntry {
  const events = telemetry.events.filter((e: RunEvent) => e.epoch < k);
  return {
    id,
    name: 'live',
    status: ended ? 'completed' : 'running',
    created: new Date().toISOString(),
    config: run.meta.config,
    graph: run.meta.graph,
    history: run.meta.history.slice(0, k),
    telemetry: { backend: telemetry.backend },
    storedTelemetry: storedTelemetryOf(replayRunEvents(events), { backend: telemetry.backend }),
    durationSeconds: run.meta.history[k - 1]?.time ?? 0,
    ...(ended ? { weights } : {}),
  };
}

async function project(name: string, runs: number): Promise<string> {
  const file = join(dir, name);
  await saveProjectAs(createProject({ name, templateId: 'cnn-first' }), file);
  for (let i = 0; i < runs; i++) {
    await storeRunInProject(file, { status: 'completed', config: run.meta.config, graph: run.meta.graph, history: run.meta.history, durationSeconds: run.meta.durationSeconds, weights, storedTelemetry: telemetry });
  }
  return file;
}

/** Per store (the start, each epoch, the end): bytes written and milliseconds; and the zip writes in all. */
interface Result {
  bytes: number[];
  ms: number[];
  zipWrites: number;
}

/** Before: every store rewrote the zip (upsertRun, as the run store did after each epoch). */
async function before(file: string): Promise<Result> {
  const r: Result = { bytes: [], ms: [], zipWrites: 0 };
  for (let k = 0; k <= epochs; k++) {
    const entry = entryAfter('run-before', k, k === epochs);
    const started = performance.now();
    await upsertRun(file, entry);
    r.ms.push(performance.now() - started);
    r.bytes.push(statSync(file).size);
    r.zipWrites++;
  }
  return r;
}

/** After: the run store with its fold interval, on a clock moved by each epoch's duration (`seconds`, else measured). */
async function after(file: string, seconds: number | undefined): Promise<Result> {
  let clock = 0;
  const store = new RunStore({ now: () => clock });
  const r: Result = { bytes: [], ms: [], zipWrites: 0 };
  for (let k = 0; k <= epochs; k++) {
    clock += k === 0 ? 0 : (seconds ?? measured[k - 1] ?? 0) * 1000;
    const entry = entryAfter('run-after', k, k === epochs);
    const was = store.counts.projectBytes + store.counts.liveBytes;
    const started = performance.now();
    await store.save('live', { path: () => file, entry: async () => entry }, () => {});
    r.ms.push(performance.now() - started);
    r.bytes.push(store.counts.projectBytes + store.counts.liveBytes - was);
  }
  r.zipWrites = store.counts.projectWrites;
  return r;
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
console.log(
  `workshop CNN (cnn-first), ${epochs} epochs of ${train} MNIST samples (${(sum(measured) / measured.length).toFixed(1)} s an epoch), backend ${telemetry.backend ?? '?'}; fold interval ${FOLD_EVERY_MS / 1000} s`,
);
console.log(`the run's weights: ${mb(weights.weightData.length)}; its project file at the end: ${mb(statSync(trained).size)}`);
// The epochs between the run's first store and its last (each writes the start entry and the final weights alike).
const mid = (xs: number[]) => xs.slice(1, -1);
const line = (r: Result) =>
  `per epoch ${mb(sum(mid(r.bytes)) / mid(r.bytes).length)} written in ${(sum(mid(r.ms)) / mid(r.ms).length).toFixed(0)} ms; whole run ${mb(sum(r.bytes))} in ${(sum(r.ms) / 1000).toFixed(1)} s, ${r.zipWrites} zip writes`;
for (const [label, runs] of [['a project holding only this run', 0], [`a project holding ${earlier} earlier runs of it`, earlier]] as const) {
  const b = await before(await project(`before-${runs}.layerlab`, runs));
  console.log(`${label}:`);
  console.log(`  before (the zip every epoch):  ${line(b)}`);
  for (const seconds of [undefined, longEpoch]) {
    const a = await after(await project(`after-${runs}-${seconds ?? 'measured'}.layerlab`, runs), seconds);
    console.log(`  after, epochs of ${seconds === undefined ? 'the measured time' : `${seconds} s`}: ${line(a)}`);
    console.log(
      `    per epoch ${(sum(mid(b.bytes)) / sum(mid(a.bytes))).toFixed(1)}x fewer bytes, ${(sum(mid(b.ms)) / sum(mid(a.ms))).toFixed(1)}x less time; whole run ${(sum(b.bytes) / sum(a.bytes)).toFixed(1)}x fewer bytes, ${(sum(b.ms) / sum(a.ms)).toFixed(1)}x less time`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
