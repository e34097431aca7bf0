/**
 * The window's unsaved edits, kept in the recovery folder (projects/autosave.ts) so that a crash, a killed server
 * or a closed tab loses nothing: the window sends its project.json after each pause in editing
 * (projects.autosave), one AutosaveController per open document writes it a moment later, and a save removes it.
 * After a restart, projects.recoverable lists what processes that are gone left behind, and projects.recover
 * reopens one, as unsaved changes of its file (or as the Untitled project it was, with its runs).
 *
 * An Untitled project's entry is its recovery store (projects/recovery.ts): the same id names both, so its edits
 * and its runs come back together.
 */
import { existsSync } from 'node:fs';
import { ApiError, type ProjectResult, type RecoverableProject } from '../../shared/api';
import { FutureFormatError, migrateProject, ProjectFormatError } from '../../shared/format';
import { AutosaveController, discard, listRecoverable, restore } from '../projects/autosave';
import { openProject } from '../projects/service';
import { RECOVERY_ID } from '../projects/recovery';
import type { ProjectDocument } from '../projects/types';

type Json = ProjectResult['project'];

export interface AutosaveHandlersOptions {
  recoveryDir: string;
  resolvePath: (path: string) => string;
  /** A recovered document's runs: those of its file, or of its Untitled store. */
  onOpen: (doc: ProjectDocument) => void;
  /** Quiet time before an autosave is written (AutosaveController's idleMs). */
  idleMs?: number;
}

interface Open {
  controller: AutosaveController;
  doc: ProjectDocument;
}

/** The window's project.json, validated as a save validates it; what is wrong is an invalid-params error. */
function checkedProject(project: unknown) {
  try {
    return migrateProject(project).project;
  } catch (err) {
    if (err instanceof ProjectFormatError || err instanceof FutureFormatError) throw new ApiError('invalid-params', `projects.autosave: ${err.message}`);
    throw err;
  }
}

export class AutosaveHandlers {
  private readonly open = new Map<string, Open>();

  constructor(private readonly options: AutosaveHandlersOptions) {}

  /** Keeps `project` (the window's document, not saved) for recovery; returns the entry's id to send next time. */
  autosave(project: unknown, path: string | null | undefined, autosaveId: string | undefined): { autosaveId: string } {
    const checked = checkedProject(project);
    const doc: ProjectDocument = { path: path ? this.options.resolvePath(path) : null, project: checked, runs: [] };
    const entry = autosaveId ? this.open.get(autosaveId) : undefined;
    if (entry) {
      entry.doc = doc;
      entry.controller.markDirty();
      return { autosaveId: entry.controller.id };
    }
    if (autosaveId !== undefined && !RECOVERY_ID.test(autosaveId)) {
      throw new ApiError('invalid-params', `projects.autosave: '${autosaveId}' is not an autosave id (lower-case letters, digits and '-'): omit it to start a new entry`);
    }
    const opened: Open = { doc, controller: undefined as unknown as AutosaveController };
    opened.controller = new AutosaveController({
      getDocument: () => opened.doc,
      dir: this.options.recoveryDir,
      ...(autosaveId ? { entryId: autosaveId } : {}),
      ...(this.options.idleMs !== undefined ? { idleMs: this.options.idleMs } : {}),
    });
    this.open.set(opened.controller.id, opened);
    opened.controller.markDirty();
    return { autosaveId: opened.controller.id };
  }

  /** The project was saved: its unsaved edits are in the file now, nothing is left to recover. */
  async saved(autosaveId: string | undefined): Promise<void> {
    if (!autosaveId) return;
    const entry = this.open.get(autosaveId);
    this.open.delete(autosaveId);
    if (entry) await entry.controller.markSaved();
  }

  /** What processes that are gone left in the recovery folder, newest first. */
  async recoverable(): Promise<{ entries: RecoverableProject[] }> {
    const entries = await listRecoverable({ dir: this.options.recoveryDir });
    return { entries: entries.filter((e) => !this.open.has(e.id)).map(({ id, name, originalPath, savedAt }) => ({ id, name, originalPath, savedAt })) };
  }

  /**
   * Reopens entry `id`: its project.json, with the runs of its file (or, for an Untitled project, of its store).
   * This process takes the entry over, so the window's next edits are kept in it.
   */
  async recover(id: string): Promise<ProjectResult & { autosaveId: string; recoveryId?: string }> {
    const entry = (await listRecoverable({ dir: this.options.recoveryDir, includeActive: true })).find((e) => e.id === id);
    if (!entry) throw new ApiError('not-found', `no unsaved changes '${id}' to recover: list them with projects.recoverable`);
    const recovered = await restore(entry);
    if (entry.originalPath && existsSync(entry.originalPath)) this.options.onOpen((await openProject(entry.originalPath)).doc);
    else if (!entry.originalPath) this.options.onOpen({ ...recovered, path: entry.file });
    const doc: ProjectDocument = { path: entry.originalPath, project: recovered.project, runs: [] };
    const opened: Open = { doc, controller: new AutosaveController({ getDocument: () => opened.doc, dir: this.options.recoveryDir, entryId: id }) };
    this.open.set(id, opened);
    // Written now under this process's pid, so that it is no longer offered as a leftover of a dead one.
    opened.controller.markDirty();
    await opened.controller.flush();
    return {
      ...(entry.originalPath ? { path: entry.originalPath } : { recoveryId: id }),
      project: recovered.project as unknown as Json,
      autosaveId: id,
    };
  }

  async discard(id: string): Promise<{ discarded: boolean }> {
    if (!RECOVERY_ID.test(id)) throw new ApiError('invalid-params', `projects.discardRecovery: '${id}' is not an autosave id`);
    const entry = this.open.get(id);
    this.open.delete(id);
    if (entry) await entry.controller.dispose(false);
    const listed = (await listRecoverable({ dir: this.options.recoveryDir, includeActive: true })).some((e) => e.id === id);
    await discard({ id }, this.options.recoveryDir);
    return { discarded: Boolean(entry) || listed };
  }

  /** Shutting down: pending edits are written, and stay to be offered at the next start. */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((o) => o.controller.dispose(true).catch(() => {})));
    this.open.clear();
  }
}
