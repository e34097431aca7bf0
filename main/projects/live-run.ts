/**
 * A live run's progress beside its project file, so that storing an epoch does not rewrite the whole project zip
 * (its other runs' weights and telemetry included: O(epochs x file size) over a run). Next to `p.layerlab` the
 * folder `.p.layerlab.live/` holds, per live run, `<id>.live`: one line of JSON (status, history, summary,
 * duration, trainer), then what its dashboard showed as the zip stores it (telemetry.json.gz bytes). One file, so
 * that an epoch's metrics and its pictures are replaced together. The run's trainer writes it after every epoch,
 * atomically, and writes its entry into the zip only when the run starts, once per fold
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
import { mkdir, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { bestMetrics, runSchema, type RunJson } from '../../shared/format';
import { isAlive, removeStaleTemps, writeFileAtomically } from './atomic-file';
import type { ProjectDocument, ProjectRun } from './types';

export function liveDir(projectPath: string): string {
  return join(dirname(projectPath), `.${basename(projectPath)}.live`);
}

const liveFile = (projectPath: string, runId: string) => join(liveDir(projectPath), `${runId}.live`);

/** What a run's trainer says of it between zip writes: the fields of run.json that change while it trains. */
const liveProgressSchema = runSchema
  .pick({ id: true, status: true, history: true, telemetry: true, durationSeconds: true, error: true, trainer: true })
  .extend({ version: z.literal(1), writtenAt: z.string(), hasTelemetry: z.boolean() });
export type LiveProgress = Pick<RunJson, 'id' | 'status' | 'history' | 'telemetry' | 'durationSeconds' | 'error' | 'trainer'>;

/** Statuses after which a trainer writes nothing more: the zip entry is final, live files are stale. */
const ENDED: ReadonlySet<RunJson['status']> = new Set(['completed', 'early-stopped', 'stopped', 'failed', 'imported']);

/**
 * Writes the run's live file: its progress and `telemetry` (the encoded telemetry.json.gz, or undefined when the
 * trainer keeps none yet: the zip's stays the one shown). Returns the bytes written.
 */
export async function writeLiveRun(projectPath: string, progress: LiveProgress, telemetry: Uint8Array | undefined): Promise<number> {
  await mkdir(liveDir(projectPath), { recursive: true });
  // JSON.stringify escapes newlines within strings: the first newline ends the progress.
  const head = Buffer.from(`${JSON.stringify({ version: 1, writtenAt: new Date().toISOString(), hasTelemetry: telemetry !== undefined, ...progress })}\n`);
  const data = telemetry ? Buffer.concat([head, telemetry]) : head;
  await writeFileAtomically(liveFile(projectPath, progress.id), async (fh) => void (await fh.writeFile(data)), { backup: false });
  return data.length;
}

/** Removes the run's live file (its zip entry now holds everything), and the folder once it is empty. */
export async function removeLiveRun(projectPath: string, runId: string): Promise<void> {
  const file = liveFile(projectPath, runId);
  await unlink(file).catch(() => {});
  await removeStaleTemps(file); // of a write killed midway (by a trainer gone since), which would keep the folder
  await rmdir(liveDir(projectPath)).catch(() => {}); // not empty (other live runs) or gone: either is fine
}

interface LiveRun {
  file: string;
  progress: z.infer<typeof liveProgressSchema>;
  telemetry?: Uint8Array;
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
    const m = /^([A-Za-z0-9_-]{1,64})\.live$/.exec(name);
    if (!m) continue;
    const file = liveFile(projectPath, m[1]!);
    try {
      const data = await readFile(file);
      const end = data.indexOf(0x0a);
      const progress = liveProgressSchema.parse(JSON.parse(data.subarray(0, end).toString('utf8')));
      if (end < 0 || progress.id !== m[1]) continue;
      live.set(progress.id, { file, progress, ...(progress.hasTelemetry ? { telemetry: data.subarray(end + 1) } : {}) });
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
    if (l.telemetry) {
      run.telemetry = { kind: 'encoded', bytes: l.telemetry };
      meta.hasTelemetry = true;
    }
  }
}

/** Run `runId`'s live telemetry (encoded) when readers should show it (its zip entry says `status`), else undefined. */
export async function liveTelemetry(projectPath: string, runId: string, status: RunJson['status'] | undefined): Promise<{ file: string; bytes: Uint8Array } | undefined> {
  if (status !== undefined && ENDED.has(status)) return undefined;
  const live = (await readLiveRuns(projectPath)).get(runId);
  return live?.telemetry ? { file: live.file, bytes: live.telemetry } : undefined;
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
