/**
 * A live run's progress beside its project file, so that storing an epoch does not rewrite the whole project zip
 * (its other runs' weights and telemetry included: O(epochs x file size) over a run). Next to `p.layerlab` the
 * folder `.p.layerlab.live/` holds, per live run, `<id>.json` (status, history, summary, duration, trainer) and
 * `<id>.telemetry.json.gz` (what its dashboard showed, in the zip entry's own bytes). The run's trainer writes them
 * after every epoch, each atomically, and writes its entry into the zip only when the run starts, once per fold
 * interval and when it ends (service/run-store.ts); after that last write it removes them.
 *
 * Readers fold them in (readProjectFile, readRunTelemetry): while the zip says a run is `running` or
 * `interrupted`, its live files are newer than its zip entry, since the trainer writes them before each zip write.
 * A run the zip says has ended ignores them (its trainer was killed between its last zip write and removing them).
 * A killed trainer thus leaves its run recoverable: readers see its last epoch, read as interrupted (trainer.ts),
 * and the next write of the project records it. Each file has one writer (the run's trainer), so no lock is needed;
 * the project writer removes files left by dead trainers once the zip holds what they said (pruneLiveRuns).
 */
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { bestMetrics, runSchema, type RunJson } from '../../shared/format';
import { isAlive, removeStaleTemps, writeFileAtomically } from './atomic-file';
import type { ProjectDocument, ProjectRun } from './types';

export function liveDir(projectPath: string): string {
  return join(dirname(projectPath), `.${basename(projectPath)}.live`);
}

const files = (projectPath: string, runId: string) => ({
  progress: join(liveDir(projectPath), `${runId}.json`),
  telemetry: join(liveDir(projectPath), `${runId}.telemetry.json.gz`),
});

/** What a run's trainer says of it between zip writes: the fields of run.json that change while it trains. */
const liveProgressSchema = runSchema
  .pick({ id: true, status: true, history: true, telemetry: true, durationSeconds: true, error: true, trainer: true })
  .extend({ version: z.literal(1), writtenAt: z.string(), hasTelemetry: z.boolean() });
export type LiveProgress = Pick<RunJson, 'id' | 'status' | 'history' | 'telemetry' | 'durationSeconds' | 'error' | 'trainer'>;

/** Statuses after which a trainer writes nothing more: the zip entry is final, live files are stale. */
const ENDED: ReadonlySet<RunJson['status']> = new Set(['completed', 'early-stopped', 'stopped', 'failed', 'imported']);

const writeAtomically = (file: string, data: Uint8Array | string) => writeFileAtomically(file, async (fh) => void (await fh.writeFile(data)), { backup: false });

/**
 * Writes the run's live files (telemetry first: the progress file is what readers look for); `telemetry` is the
 * encoded telemetry.json.gz, or undefined when the trainer keeps none yet (then an older one is removed, so that
 * the zip's stays the one shown). Returns the bytes written.
 */
export async function writeLiveRun(projectPath: string, progress: LiveProgress, telemetry: Uint8Array | undefined): Promise<number> {
  const f = files(projectPath, progress.id);
  await mkdir(liveDir(projectPath), { recursive: true });
  if (telemetry) await writeAtomically(f.telemetry, telemetry);
  else await unlink(f.telemetry).catch(() => {});
  const json = JSON.stringify({ version: 1, writtenAt: new Date().toISOString(), hasTelemetry: telemetry !== undefined, ...progress });
  await writeAtomically(f.progress, json);
  return (telemetry?.length ?? 0) + Buffer.byteLength(json);
}

/** Removes the run's live files (its zip entry now holds everything), and the folder once it is empty. */
export async function removeLiveRun(projectPath: string, runId: string): Promise<void> {
  const f = files(projectPath, runId);
  await unlink(f.progress).catch(() => {});
  await unlink(f.telemetry).catch(() => {});
  // Temps of a write killed midway (by a trainer gone since), which would keep the folder.
  await removeStaleTemps(f.progress);
  await removeStaleTemps(f.telemetry);
  await rmdir(liveDir(projectPath)).catch(() => {}); // not empty (other live runs) or gone: either is fine
}

interface LiveRun {
  progress: z.infer<typeof liveProgressSchema>;
  telemetryFile?: string;
}

/**
 * The live files of the project's runs, by run id. One that cannot be read (damaged by hand) is skipped: its run
 * then shows what its zip entry says, which is older but whole.
 */
async function readLiveRuns(projectPath: string): Promise<Map<string, LiveRun>> {
  const live = new Map<string, LiveRun>();
  let names: string[];
  try {
    names = await readdir(liveDir(projectPath));
  } catch {
    return live; // no live run: the usual case
  }
  for (const name of names) {
    const m = /^([A-Za-z0-9_-]{1,64})\.json$/.exec(name);
    if (!m) continue;
    const f = files(projectPath, m[1]!);
    try {
      const progress = liveProgressSchema.parse(JSON.parse(await readFile(f.progress, 'utf8')));
      if (progress.id !== m[1]) continue;
      const telemetryFile = progress.hasTelemetry && (await stat(f.telemetry).then(() => true, () => false)) ? f.telemetry : undefined;
      live.set(progress.id, { progress, ...(telemetryFile ? { telemetryFile } : {}) });
    } catch {
      // Skipped, as said above.
    }
  }
  return live;
}

/** Puts the live files' progress into the runs read from the zip (in place), for runs the zip says are not over. */
export async function foldLiveRuns(projectPath: string, runs: ProjectRun[]): Promise<void> {
  const live = await readLiveRuns(projectPath);
  if (!live.size) return;
  for (const run of runs) {
    const l = live.get(run.meta.id);
    if (!l || ENDED.has(run.meta.status)) continue;
    const { progress } = l;
    const meta = run.meta;
    meta.status = progress.status;
    meta.history = progress.history;
    meta.best = bestMetrics(progress.history);
    meta.durationSeconds = progress.durationSeconds;
    if (progress.telemetry) meta.telemetry = progress.telemetry;
    if (progress.error) meta.error = progress.error;
    else delete meta.error;
    if (progress.trainer) meta.trainer = progress.trainer;
    else delete meta.trainer;
    if (l.telemetryFile) {
      run.telemetry = { kind: 'live', file: l.telemetryFile };
      meta.hasTelemetry = true;
    }
  }
}

/** The live telemetry file of run `runId` when readers should show it (its zip entry says `status`), else undefined. */
export async function liveTelemetryFile(projectPath: string, runId: string, status: RunJson['status'] | undefined): Promise<string | undefined> {
  if (status !== undefined && ENDED.has(status)) return undefined;
  return (await readLiveRuns(projectPath)).get(runId)?.telemetryFile;
}

/**
 * After a write of the project (under its lock, so `doc` holds what every live file said when it was read):
 * removes the live files whose trainer is gone and whose run the zip now has as ended, or no longer has. Files of
 * a live trainer are its own to remove; those of an interrupted run stay until it resumes or is removed, since
 * a save from a window that read the run earlier may have written an older entry of it.
 */
export async function pruneLiveRuns(projectPath: string, doc: ProjectDocument): Promise<void> {
  const live = await readLiveRuns(projectPath);
  for (const [id, { progress }] of live) {
    const trainer = progress.trainer;
    if (trainer && (trainer.host !== hostname() || isAlive(trainer.pid))) continue;
    const run = doc.runs.find((r) => r.meta.id === id);
    if (!run || ENDED.has(run.meta.status)) await removeLiveRun(projectPath, id);
  }
}
