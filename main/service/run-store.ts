/**
 * Keeps each live run in its project file as it happens: an entry when it starts, its epochs in live files beside
 * the project (projects/live-run.ts) and in the zip once per fold interval, and the final entry (with weights) when
 * it ends. Writes of one run are coalesced (a write asked for while one is under way becomes one more write of the
 * latest state), and each zip write goes through the project writer (re-read, merge, under the file's lock), so the
 * window's saves and other runs' stores never lose it. A run whose project moved while it was written (an Untitled
 * project's first save moves its runs from the recovery folder into the file) is written again at its new place.
 */
import { stat } from 'node:fs/promises';
import { bestMetrics, type RunJson } from '../../shared/format';
import { withProjectRelativeData } from '../datasets/project-relative';
import { ProjectFileError } from '../projects/errors';
import { addRun } from '../projects/service';
import type { NewRun } from '../projects/service';
import type { ProjectDocument, StoredWeights } from '../projects/types';
import { removeLiveRun, writeLiveRun, type LiveProgress } from '../projects/live-run';
import { encodeTelemetry } from '../projects/telemetry';
import { trainerStamp } from '../projects/trainer';
import { updateProjectFile } from '../projects/writer';

/** What a run looks like in its file at this moment; `weights` only once it has ended. */
export interface RunEntry extends Omit<NewRun, 'weights' | 'created'> {
  id: string;
  created: string;
  weights?: StoredWeights | null;
}

/** Writes `entry` into the project at `path`: replaces the run's entry (keeping its number) or adds it. */
export async function upsertRun(path: string, entry: RunEntry): Promise<RunJson> {
  let stored: RunJson | undefined;
  // A running run names its process, so that readers can tell it from one whose process died (trainer.ts).
  // Own data is named relative to the project where it can be (as the CLI stores it), so the project moves with it.
  const here = { ...entry, config: withProjectRelativeData(entry.config, path), trainer: entry.status === 'running' ? trainerStamp() : undefined };
  await updateProjectFile(path, (doc, readError) => {
    if (!doc) throw readError ?? new ProjectFileError('unreadable', path, 'the project file is gone: save the project again to keep this run.');
    stored = put(doc, here);
    return doc;
  });
  return stored!;
}

function put(doc: ProjectDocument, entry: RunEntry): RunJson {
  const at = doc.runs.findIndex((r) => r.meta.id === entry.id);
  if (at < 0) return addRun(doc, { ...entry, created: new Date(entry.created), weights: entry.weights ?? null }).meta;
  const old = doc.runs[at]!;
  const meta: RunJson = {
    ...old.meta,
    name: entry.name ?? old.meta.name,
    status: entry.status,
    config: structuredClone(entry.config),
    graph: structuredClone(entry.graph),
    history: structuredClone(entry.history),
    best: bestMetrics(entry.history),
    durationSeconds: entry.durationSeconds,
    ...(entry.telemetry ? { telemetry: entry.telemetry } : {}),
  };
  if (entry.error) meta.error = entry.error;
  else delete meta.error;
  if (entry.trainer) meta.trainer = entry.trainer;
  else delete meta.trainer;
  const weights = entry.weights ? { kind: 'memory' as const, weights: entry.weights } : old.weights;
  const telemetry = entry.storedTelemetry ? { kind: 'memory' as const, telemetry: entry.storedTelemetry } : (old.telemetry ?? null);
  meta.hasWeights = weights !== null;
  // New final weights come with their own best epoch (or none); the old best belonged to the old final weights.
  let bestWeights = old.bestWeights ?? null;
  if (entry.weights) {
    const best = entry.best;
    if (best) meta.bestWeights = { epoch: best.epoch, monitor: best.monitor, value: best.value, stored: best.weights !== null };
    else delete meta.bestWeights;
    bestWeights = best?.weights ? { kind: 'memory', weights: best.weights } : null;
  }
  if (telemetry) meta.hasTelemetry = true;
  else delete meta.hasTelemetry;
  doc.runs[at] = { meta, weights, bestWeights, telemetry };
  return meta;
}

export interface RunSource {
  path(): string | undefined;
  entry(): Promise<RunEntry>;
}

interface Pending {
  /** Resolves when every write asked for so far is on disk (or has failed). */
  done: Promise<void>;
  again: boolean;
}

export interface RunStoreOptions {
  /**
   * How long a running run's epochs may stay in its live files only (projects/live-run.ts) before its entry in the
   * project zip is written again (default FOLD_EVERY_MS); 0 writes the zip at every save.
   */
  foldEveryMs?: number;
  /** Milliseconds now (tests pass a clock they move). */
  now?: () => number;
}

/**
 * 5 minutes. The zip's copy of a running run matters only to readers without its live files (a copy of the
 * project made while it trains, an older Layerlab), which then see it as it was at most this long ago; a crash
 * loses nothing. Rewriting the zip (every other run's weights included) after every epoch cost O(epochs x file
 * size); a full-MNIST epoch of the workshop CNN takes about a minute here, so a shorter interval would still fold
 * at nearly every epoch.
 */
export const FOLD_EVERY_MS = 5 * 60_000;

/** What a store has written, for the benchmark and the tests that hold it to its design. */
export interface StoreCounts {
  /** Writes of the project zip, and the bytes of the files they wrote. */
  projectWrites: number;
  projectBytes: number;
  /** Writes of live files, and their bytes. */
  liveWrites: number;
  liveBytes: number;
}

const progressOf = (entry: RunEntry): LiveProgress => ({
  id: entry.id,
  status: entry.status,
  history: entry.history,
  ...(entry.telemetry ? { telemetry: entry.telemetry } : {}),
  durationSeconds: entry.durationSeconds,
  ...(entry.error ? { error: entry.error } : {}),
  trainer: trainerStamp(),
});

export class RunStore {
  private readonly pending = new Map<string, Pending>();
  /** Per run: where and when its entry was last written into a project zip. */
  private readonly inProject = new Map<string, { path: string; at: number }>();
  private readonly foldEveryMs: number;
  private readonly now: () => number;
  readonly counts: StoreCounts = { projectWrites: 0, projectBytes: 0, liveWrites: 0, liveBytes: 0 };

  constructor(options: RunStoreOptions = {}) {
    this.foldEveryMs = options.foldEveryMs ?? FOLD_EVERY_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores the run's current state: `source.path()` says where it belongs now (undefined: nowhere, skip) and
   * `source.entry()` what it looks like, both asked when the write starts, so it stores the latest state.
   * A running run's epochs go to its live files beside the project; its zip entry is written when it is first
   * stored (or moved), once per fold interval, and when it ends (with its weights), after which the live files go.
   * Resolves when this and every earlier write of the run are done; rejects with the last write's error.
   */
  save(runId: string, source: RunSource, onStored: (meta: RunJson, path: string) => void): Promise<void> {
    const busy = this.pending.get(runId);
    if (busy) {
      busy.again = true;
      return busy.done;
    }
    const state: Pending = { done: Promise.resolve(), again: true };
    state.done = (async () => {
      try {
        while (state.again) {
          state.again = false;
          const path = source.path();
          if (!path) continue;
          try {
            await this.write(runId, path, await source.entry(), onStored);
          } catch (err) {
            // Moved meanwhile: the next round writes to the new place. Otherwise the caller hears of it.
            if (source.path() !== path) state.again = true;
            else throw err;
          }
        }
      } finally {
        this.pending.delete(runId);
      }
    })();
    this.pending.set(runId, state);
    return state.done;
  }

  private async write(runId: string, path: string, entry: RunEntry, onStored: (meta: RunJson, path: string) => void): Promise<void> {
    const running = entry.status === 'running' && !entry.weights;
    const last = this.inProject.get(runId);
    const now = this.now();
    if (running) {
      // First, so that the live files are never older than the zip entry (readers prefer them while it runs).
      const telemetry = entry.storedTelemetry ? encodeTelemetry(entry.storedTelemetry) : undefined;
      this.counts.liveBytes += await writeLiveRun(path, progressOf(entry), telemetry);
      this.counts.liveWrites++;
      if (last?.path === path && now - last.at < this.foldEveryMs) return;
    }
    const meta = await upsertRun(path, entry);
    this.counts.projectWrites++;
    this.counts.projectBytes += await stat(path).then((s) => s.size, () => 0);
    this.inProject.set(runId, { path, at: now });
    onStored(meta, path);
    if (!running) {
      await removeLiveRun(path, entry.id);
      this.inProject.delete(runId);
    }
    // A run moved into a file (an Untitled project's first save) leaves nothing behind in its old place.
    if (last && last.path !== path) await removeLiveRun(last.path, entry.id);
  }
}
