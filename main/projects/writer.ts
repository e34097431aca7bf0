/**
 * The one path by which a project file is written: the window's save, a run storing itself, a sweep, the CLI and
 * the autosave all come here. Each write holds the file's lock (lock.ts) across re-reading the file, merging the
 * caller's change into what is on disk now, and writing it back atomically, so two writers never lose each
 * other's runs.
 */
import { existsSync } from 'node:fs';
import { CURRENT_FORMAT_VERSION } from '../../shared/format';
import { APP_VERSION } from './app-version';
import { readProjectFile, writeProjectFile } from './file';
import { pruneLiveRuns } from './live-run';
import { withProjectLock, type LockOptions } from './lock';
import type { ProjectDocument } from './types';

export interface UpdateOptions extends LockOptions {
  now?: Date;
  /** Keep the previous version as `<file>.bak` (default true). */
  backup?: boolean;
}

/**
 * The change a writer makes. `current` is the file as it is on disk now (null when there is no file yet, or when
 * it cannot be read: then `readError` says why); it returns the document to write, usually `current` changed.
 */
export type ProjectChange = (current: ProjectDocument | null, readError?: unknown) => ProjectDocument | Promise<ProjectDocument>;

/**
 * Reads `path` afresh under its lock, applies `change`, writes the result atomically and returns it (its path set,
 * its weights pointing into the file).
 */
export async function updateProjectFile(path: string, change: ProjectChange, options: UpdateOptions = {}): Promise<ProjectDocument> {
  return withProjectLock(
    path,
    async () => {
      let current: ProjectDocument | null = null;
      let readError: unknown;
      if (existsSync(path)) {
        try {
          current = await readProjectFile(path);
        } catch (err) {
          readError = err;
        }
      }
      const doc = await change(current, readError);
      doc.project.modified = (options.now ?? new Date()).toISOString();
      doc.project.appVersion = APP_VERSION;
      doc.project.formatVersion = CURRENT_FORMAT_VERSION;
      await writeProjectFile(path, doc, { backup: options.backup ?? true });
      doc.path = path;
      delete doc.migratedFrom;
      delete doc.removedRuns;
      // Saved weights and telemetry read from live files are read back from the file when needed: the copies can go.
      for (const run of doc.runs) {
        if (run.weights) run.weights = { kind: 'file', path, runId: run.meta.id };
        if (run.bestWeights) run.bestWeights = run.weights && run.meta.bestWeights?.stored ? { kind: 'file', path, runId: run.meta.id } : null;
        if (run.telemetry?.kind === 'encoded') run.telemetry = { kind: 'file', path, runId: run.meta.id };
      }
      // Live files of dead trainers that the file now holds as ended (or no longer holds) are done with.
      await pruneLiveRuns(path, doc);
      return doc;
    },
    options,
  );
}

/**
 * Adds to `doc` what the file on disk holds and `doc` does not: runs and sweeps other writers stored since `doc`
 * was read. Only the runs `doc` itself removed (removeRun) are dropped.
 */
export function keepStoredRuns(doc: ProjectDocument, onDisk: ProjectDocument | null): ProjectDocument {
  if (!onDisk) return doc;
  const ids = new Set([...doc.runs.map((r) => r.meta.id), ...(doc.removedRuns ?? [])]);
  const added = onDisk.runs.filter((r) => !ids.has(r.meta.id));
  if (added.length) {
    // Numbers stay as they were, unless the document already uses one (runs moved into a file that has runs).
    const used = new Set(doc.runs.map((r) => r.meta.number));
    let most = Math.max(0, ...doc.runs.map((r) => r.meta.number ?? 0), ...added.map((r) => r.meta.number ?? 0));
    for (const run of added) {
      if (run.meta.number === undefined || used.has(run.meta.number)) run.meta.number = ++most;
      used.add(run.meta.number);
    }
    doc.runs.push(...added);
    doc.runs.sort((a, b) => a.meta.created.localeCompare(b.meta.created));
  }
  const sweepIds = new Set((doc.project.sweeps ?? []).map((s) => s.id));
  const sweeps = (onDisk.project.sweeps ?? []).filter((s) => !sweepIds.has(s.id));
  if (sweeps.length) doc.project.sweeps = [...(doc.project.sweeps ?? []), ...sweeps];
  return doc;
}
