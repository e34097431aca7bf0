/**
 * Storing an epoch does not rewrite the project zip (projects/live-run.ts, service/run-store.ts): a running run's
 * epochs go to its live files beside the project, and its zip entry is written when it starts, once per fold
 * interval and when it ends. Readers fold the live files in, so nothing a trainer stored is lost when it is
 * killed: the run reads as interrupted with every epoch it stored, and the next write of the project takes them
 * into the zip.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runSchema } from '../../../shared/format';
import { liveDir } from '../../../main/projects/live-run';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { saveProject } from '../../support/project-files';
import { readRunTelemetry } from '../../../main/projects/telemetry';
import { ZipReader } from '../../../main/projects/zip-reader';
import { FOLD_EVERY_MS, RunStore, upsertRun } from '../../../main/service/run-store';
import { liveEntry } from './live-run-entry';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-live-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run's entry as the zip alone holds it, without the live files. */
async function inZip(file: string, id: string) {
  const reader = await ZipReader.open(file);
  try {
    return runSchema.parse(JSON.parse(Buffer.from(await reader.read(`runs/${id}/run.json`)).toString('utf8')));
  } finally {
    await reader.close();
  }
}

async function newProject(name: string): Promise<string> {
  const file = join(dir, name);
  await saveProjectAs(createProject({ name, templateId: 'mlp-64' }), file);
  return file;
}

/** A trainer in its own process stores the run's start and `epochs` epochs, and is SIGKILLed. */
async function killedAfter(file: string, id: string, epochs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'live-run-child.ts'), file, id, String(epochs)]);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let waited = 0; !out.includes(`stored ${epochs}`); waited += 50) {
    if (waited > 120_000 || child.exitCode !== null) throw new Error(`the trainer did not store ${epochs} epochs: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await exited;
}

it(`writes the zip when a run starts, once per ${FOLD_EVERY_MS / 1000} s fold interval and when it ends, never per epoch`, async () => {
  const file = await newProject('fold.layerlab');
  let clock = 0;
  const store = new RunStore({ now: () => clock });
  // Counted from the file too: each write renames a new file over it (another inode, a later mtime).
  const version = () => {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.mtimeNs}`;
  };
  let rewrites = 0;
  const save = async (epochs: number, status: 'running' | 'completed' = 'running') => {
    const was = version();
    await store.save('r', { path: () => file, entry: async () => liveEntry('run-fold', epochs, status) }, () => {});
    if (version() !== was) rewrites++;
  };
  await save(0); // starts: 1 zip write
  for (let k = 1; k <= 10; k++) {
    // Epochs of 7/30 of the interval: the 5th ends at 35/30, the first past it; the 10th 35/30 after that fold.
    clock += (FOLD_EVERY_MS * 7) / 30;
    await save(k);
    expect(store.counts.projectWrites, `after epoch ${k}`).toBe(k < 5 ? 1 : k < 10 ? 2 : 3);
    // Readers see every epoch stored, whatever the zip holds.
    expect((await openProject(file)).doc.runs[0]!.meta).toMatchObject({ status: 'running', history: { length: k } });
    expect((await readRunTelemetry(file, 'run-fold'))!.events).toHaveLength(k);
  }
  // Only the folds wrote the zip: it holds the 10th epoch because a fold interval had passed since the 5th.
  expect((await inZip(file, 'run-fold')).history).toHaveLength(10);
  expect(store.counts).toMatchObject({ projectWrites: 3, liveWrites: 11 });
  clock += FOLD_EVERY_MS / 30;
  await save(11);
  expect((await inZip(file, 'run-fold')).history).toHaveLength(10);
  await save(12, 'completed');
  expect(store.counts).toMatchObject({ projectWrites: 4, liveWrites: 12 });
  expect(rewrites).toBe(4);
  expect((await inZip(file, 'run-fold')).history).toHaveLength(12);
  expect(existsSync(liveDir(file)), 'the live files go once the run has ended').toBe(false);
});

it('folds the live files of a trainer killed between folds into the project on reopen, and into the zip at the next write', async () => {
  const file = await newProject('killed.layerlab');
  await killedAfter(file, 'run-killed', 6);

  // The zip holds the run as it started (6 quick epochs are well within one fold interval); the live files, all 6.
  expect((await inZip(file, 'run-killed')).history).toHaveLength(0);
  expect(readdirSync(liveDir(file))).toEqual(['run-killed.live']);
  const { doc } = await openProject(file);
  const meta = doc.runs.find((r) => r.meta.id === 'run-killed')!.meta;
  expect(meta).toMatchObject({ status: 'interrupted', hasTelemetry: true, telemetry: { checkpoint: '/nowhere' } });
  expect(meta.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(meta.best.loss).toBeCloseTo(1 / 6);
  expect((await readRunTelemetry(file, 'run-killed'))!.events.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);

  // The next write of the project (a save from the window) records it, interrupted, with its epochs and telemetry.
  await saveProject(doc);
  expect(await inZip(file, 'run-killed')).toMatchObject({ status: 'interrupted', history: { length: 6 }, hasTelemetry: true });
  // Kept beside the file until the run resumes or ends: a window that read it earlier may still save an older entry.
  expect(existsSync(liveDir(file))).toBe(true);

  // It resumes (a new trainer) and ends: its entry is final and the live files are gone.
  const resumed = new RunStore();
  await resumed.save('again', { path: () => file, entry: async () => liveEntry('run-killed', 7) }, () => {});
  await resumed.save('again', { path: () => file, entry: async () => liveEntry('run-killed', 8, 'completed') }, () => {});
  expect(await inZip(file, 'run-killed')).toMatchObject({ status: 'completed', history: { length: 8 } });
  expect(existsSync(liveDir(file))).toBe(false);
}, 180_000);

it('ignores live files beside a run whose zip entry has ended; a write removes those of a dead trainer', async () => {
  const file = await newProject('ended.layerlab');
  // A live trainer's files stay (it removes them itself) but say nothing once its run's zip entry has ended.
  const trainer = new RunStore();
  await trainer.save('t', { path: () => file, entry: async () => liveEntry('run-ended', 0) }, () => {});
  await trainer.save('t', { path: () => file, entry: async () => liveEntry('run-ended', 3) }, () => {});
  await upsertRun(file, liveEntry('run-ended', 4, 'completed'));
  expect(existsSync(join(liveDir(file), 'run-ended.live'))).toBe(true);
  expect((await openProject(file)).doc.runs.find((r) => r.meta.id === 'run-ended')!.meta).toMatchObject({ status: 'completed', history: { length: 4 } });
  expect((await readRunTelemetry(file, 'run-ended'))!.events).toHaveLength(4);

  // A dead trainer's files, once the zip has its run as ended (it was killed after its last write), go at the next
  // write; those of a run the project no longer has, too.
  await killedAfter(file, 'run-dead', 2);
  await killedAfter(file, 'run-gone', 1);
  await upsertRun(file, liveEntry('run-dead', 2, 'stopped'));
  const names = readdirSync(liveDir(file));
  expect(names.filter((n) => n.startsWith('run-dead'))).toEqual([]);
  expect(names.filter((n) => n.startsWith('run-gone'))).toEqual(['run-gone.live']); // still in the project, interrupted
  const { doc } = await openProject(file);
  expect(doc.runs.find((r) => r.meta.id === 'run-gone')!.meta).toMatchObject({ status: 'interrupted', history: { length: 1 } });
  doc.runs = doc.runs.filter((r) => r.meta.id !== 'run-gone');
  (doc.removedRuns ??= []).push('run-gone');
  await saveProject(doc);
  expect(readdirSync(liveDir(file)).filter((n) => n.startsWith('run-gone'))).toEqual([]);
}, 180_000);
