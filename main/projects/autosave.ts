/**
 * Crash recovery. An AutosaveController writes the open project to a per-user recovery store a few seconds after
 * the last edit (debounced), and deletes its entry once the user saves. After a crash, the next start finds the
 * entries with `listRecoverable()` and offers `restore()` or `discard()`.
 *
 * Store layout: <cache>/recovery/<id>.layerlab (a full project file, written atomically) and <id>.json (what it
 * is: the original path, name, time, and the pid of the writing process, so that a still-running instance's entry
 * is not offered as a crash leftover). The cache is system/cache-root's; LAYERLAB_CACHE_DIR moves it (tests do).
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { userCacheRoot } from '../system/cache-root';
import { isAlive, writeFileAtomically } from './atomic-file';
import { readProjectFile } from './file';
import { liveDir } from './live-run';
import { updateProjectFile } from './writer';
import type { ProjectDocument } from './types';

export function recoveryDir(): string {
  return join(userCacheRoot(), 'recovery');
}

const entryMetaSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** Where the project was last opened from or saved to; null for an untitled project. */
  originalPath: z.string().nullable(),
  name: z.string(),
  savedAt: z.string(),
  pid: z.number().int(),
});

export type RecoveryEntry = z.infer<typeof entryMetaSchema> & { file: string };

export interface ListOptions {
  dir?: string;
  /** Also list entries whose writer is still running (another open window). Default false. */
  includeActive?: boolean;
}

/** Recovery entries left by processes that are gone (crashed or killed), newest first. */
export async function listRecoverable(options: ListOptions = {}): Promise<RecoveryEntry[]> {
  const dir = options.dir ?? recoveryDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries: RecoveryEntry[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    try {
      const meta = entryMetaSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      const file = join(dir, `${meta.id}.layerlab`);
      if (!names.includes(`${meta.id}.layerlab`)) continue;
      if (!options.includeActive && meta.pid !== process.pid && isAlive(meta.pid)) continue;
      if (!options.includeActive && meta.pid === process.pid) continue;
      entries.push({ ...meta, file });
    } catch {
      // A half-written or foreign file in the store: not something to offer.
    }
  }
  return entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

/**
 * Opens a recovery entry. The document's path is the original file (Save writes there). The entry stays until
 * the restored project is saved: pass `entry.id` to the new AutosaveController so that its markSaved() removes it
 * (the restored runs' weights are read from the entry until then).
 */
export async function restore(entry: RecoveryEntry): Promise<ProjectDocument> {
  const doc = await readProjectFile(entry.file);
  doc.path = entry.originalPath;
  return doc;
}

export async function discard(entry: Pick<RecoveryEntry, 'id'>, dir = recoveryDir()): Promise<void> {
  // The meta first: without it the entry is no longer listed, whatever happens to the project file.
  await rm(join(dir, `${entry.id}.json`), { force: true });
  await rm(join(dir, `${entry.id}.layerlab`), { force: true });
  // Files of runs that trained in it (live-run.ts): moved into the project with its runs, or discarded with it.
  await rm(liveDir(join(dir, `${entry.id}.layerlab`)), { recursive: true, force: true });
}

export interface AutosaveOptions {
  /** The document to save (called when the timer fires, so it always gets the latest state). */
  getDocument: () => ProjectDocument;
  /** Quiet time after the last edit before saving. Default 3000 ms. */
  idleMs?: number;
  dir?: string;
  /** Reuse an entry (after restore()). */
  entryId?: string;
  onError?: (err: unknown) => void;
  /** Called after each recovery write (for tests and status bars). */
  onSaved?: (entry: RecoveryEntry) => void;
}

export class AutosaveController {
  readonly id: string;
  private readonly dir: string;
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly options: AutosaveOptions) {
    this.id = options.entryId ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.dir = options.dir ?? recoveryDir();
    this.idleMs = options.idleMs ?? 3000;
  }

  /** Call on every edit: (re)starts the idle timer. */
  markDirty(): void {
    if (this.disposed) return;
    this.dirty = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch((err) => this.options.onError?.(err));
    }, this.idleMs);
    this.timer.unref?.();
  }

  get pending(): boolean {
    return this.dirty;
  }

  /** Writes the recovery copy now if there are unsaved edits. */
  async flush(): Promise<void> {
    if (this.writing) await this.writing;
    if (!this.dirty || this.disposed) return;
    this.dirty = false;
    this.writing = this.write().finally(() => {
      this.writing = null;
    });
    try {
      await this.writing;
    } catch (err) {
      this.dirty = true; // try again at the next edit or flush
      throw err;
    }
  }

  private async write(): Promise<void> {
    const doc = this.options.getDocument();
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${this.id}.layerlab`);
    // Through the project writer like every project write: an Untitled project's entry is also its recovery store
    // (recovery.ts), where its runs store themselves, so the edits replace project.json and keep the runs on disk.
    await updateProjectFile(file, (onDisk) => (onDisk ? { ...onDisk, project: structuredClone(doc.project) } : structuredClone(doc)), { backup: false });
    const meta = { id: this.id, originalPath: doc.path, name: doc.project.name, savedAt: new Date().toISOString(), pid: process.pid };
    await writeFileAtomically(join(this.dir, `${this.id}.json`), async (fh) => void (await fh.writeFile(JSON.stringify(meta, null, 2))), { backup: false });
    this.options.onSaved?.({ ...meta, file });
  }

  /** After the user saved the project: nothing is left to recover. */
  async markSaved(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    if (this.writing) await this.writing.catch(() => {});
    await discard({ id: this.id }, this.dir);
  }

  /** Closing the project: `keep` leaves the entry (unsaved edits the user chose not to lose). */
  async dispose(keep = false): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (keep) await this.flush();
    this.disposed = true;
    if (this.writing) await this.writing.catch(() => {});
    if (!keep) await discard({ id: this.id }, this.dir);
  }
}
