/**
 * The projects.* methods over main/projects. The backend keeps the documents it opened (by path), so that a save
 * from the window, which sends only project.json, keeps the runs and their weights stored in the file.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ApiError, type ProjectResult, type RecentProject } from '../../shared/api';
import { FutureFormatError, migrateProject, ProjectFormatError, type ProjectJson } from '../../shared/format';
import { removeStaleTemps } from '../projects/atomic-file';
import { ProjectFileError } from '../projects/errors';
import { isProjectFile, readProjectFile } from '../projects/file';
import { createProject, importModel, listRuns, openProject } from '../projects/service';
import { withProjectLock } from '../projects/lock';
import { addRecent, listRecent } from '../projects/recent';
import { ensureRecoveryStore, newRecoveryId, recoveryFile, removeRecoveryStore } from '../projects/recovery';
import { keepStoredRuns, updateProjectFile } from '../projects/writer';
import type { ProjectDocument } from '../projects/types';


type Sweeps = ProjectDocument['project']['sweeps'];

/**
 * The window does not edit sweeps (the sweep runner writes them into the file), so for a sweep in both the file's
 * copy wins; sweeps only the window or only the file knows are kept.
 */
function mergeSweeps(fromWindow: Sweeps, inFile: Sweeps): Sweeps {
  if (!inFile?.length) return fromWindow;
  const ids = new Set(inFile.map((s) => s.id));
  return [...inFile, ...(fromWindow ?? []).filter((s) => !ids.has(s.id))];
}
type Json = ProjectResult['project'];

function toResult(doc: ProjectDocument): ProjectResult {
  return {
    ...(doc.path ? { path: doc.path } : {}),
    project: doc.project as unknown as Json,
    runs: listRuns(doc) as unknown as Json,
  };
}

/** Errors of the project layer become API errors with their message (which names the file and the fix). */
function asApiError(err: unknown): unknown {
  if (err instanceof ProjectFormatError || err instanceof FutureFormatError) return new ApiError('invalid-params', err.message);
  if (err instanceof ProjectFileError) return new ApiError(err.code === 'unreadable' ? 'not-found' : 'invalid-params', err.message);
  if (err instanceof Error && /^Unknown template/.test(err.message)) return new ApiError('not-found', err.message);
  return err;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asApiError(err);
  }
}

/**
 * A client may name any path the user can read (without --root): whether a path exists, is a folder or is some
 * other kind of file must not show, so every such failure reads the same.
 */
function isNotAProject(err: unknown): boolean {
  if (err instanceof ProjectFileError) return err.code === 'unreadable' || err.code === 'not-a-zip' || err.code === 'not-a-project';
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function cannotOpen(path: string, what: string): ApiError {
  return new ApiError('not-found', `${path}: cannot open it: it is not ${what}, or it does not exist or cannot be read. Check the path.`);
}

export class ProjectHandlers {
  /**
   * @param onOpen called with every project opened, e.g. to list its stored runs in the run history
   * @param recovery where Untitled projects' stores are, and whom to tell when a save moved one into a file
   */
  constructor(
    private readonly resolvePath: (path: string) => string,
    private readonly onOpen: (doc: ProjectDocument) => void = () => {},
    private readonly recovery: { recoveryDir?: string; onMoved?: (from: string, to: string) => void } = {},
  ) {}

  private readonly documents = new Map<string, ProjectDocument>();
  private recentWrites: Promise<unknown> = Promise.resolve();

  /**
   * The document is open in the window: kept for its next save, and first in the recent projects, which live in
   * the user cache (projects/recent.ts) so that `layerlab serve` still lists them after a restart. Writes of the
   * list go one after another (each rewrites the whole file); a cache that cannot be written loses only the list.
   */
  private async remember(doc: ProjectDocument): Promise<void> {
    if (!doc.path) return;
    this.documents.set(doc.path, doc);
    const { path } = doc;
    this.recentWrites = this.recentWrites.then(() => addRecent(path, doc.project.name || basename(path))).catch(() => undefined);
    await this.recentWrites;
  }

  async create(template: string | undefined, name: string | undefined): Promise<ProjectResult> {
    return guarded(async () => toResult(createProject({ name: name ?? 'Untitled', templateId: template })));
  }

  async open(path: string): Promise<ProjectResult> {
    return guarded(async () => {
      const target = this.resolvePath(path);
      await removeStaleTemps(target); // of saves of this file killed mid-write; never a live writer's
      const { doc } = await openProject(target).catch((err: unknown) => {
        throw isNotAProject(err) ? cannotOpen(target, 'a Layerlab project file') : err;
      });
      await this.remember(doc);
      this.onOpen(doc);
      return toResult(doc);
    });
  }

  /**
   * Saves project.json from the window into the file at `path`, keeping its runs. The file is read afresh: the run
   * manager and the sweep runner store finished runs and sweeps in it while the window has it open, and a save from
   * the window must not drop them. Save As onto another existing project replaces that file's content; onto a file
   * that is not a Layerlab project (or a folder) it is refused unless `force` (the window asks the user first).
   */
  async save(path: string, project: unknown, as: boolean, force = false, recoveryId?: string): Promise<{ path: string }> {
    return guarded(async () => {
      const target = this.resolvePath(path);
      const { project: checked } = migrateProject(project);
      if (as && !force) await refuseToReplaceOtherFiles(target);
      if (!recoveryId) {
        await this.remember(await this.write(target, checked, as, null));
        return { path: target };
      }
      // An Untitled project's first save: its runs move from the recovery store into the file. The store's lock is
      // held throughout, so a run storing itself meanwhile waits, then finds it moved and stores into the file.
      const store = recoveryFile(recoveryId, this.recovery.recoveryDir);
      // The lock sits beside the store: in a fresh cache no store (and no recovery folder) exists yet.
      await mkdir(dirname(store), { recursive: true });
      await withProjectLock(store, async () => {
        const stored = existsSync(store) ? await readProjectFile(store) : null;
        await this.remember(await this.write(target, checked, as, stored));
        this.recovery.onMoved?.(store, target);
        await removeRecoveryStore(recoveryId, this.recovery.recoveryDir);
      });
      return { path: target };
    });
  }

  /**
   * A model imported with its weights is an Untitled project holding the run "imported": like any Untitled
   * project's runs it lives in a recovery store (listed in the run history at once) and moves into the file at the
   * window's first save, which passes the recoveryId returned here.
   */
  private async keepImportedRuns(doc: ProjectDocument): Promise<ProjectResult> {
    const recoveryId = newRecoveryId();
    const store = await ensureRecoveryStore(recoveryId, doc.project.name, this.recovery.recoveryDir);
    const stored = await updateProjectFile(store, (current) => ({ ...(current ?? doc), project: doc.project, runs: doc.runs }), { backup: false });
    this.onOpen({ ...stored, path: store });
    return { ...toResult(doc), recoveryId };
  }

  /** Writes project.json from the window into `target` under its lock (projects/writer.ts), keeping its runs. */
  private write(target: string, checked: ProjectJson, as: boolean, movedIn: ProjectDocument | null): Promise<ProjectDocument> {
    const cached = this.documents.get(target);
    return updateProjectFile(target, (onDisk, readError) => {
      // An unreadable file is replaced by the document the window had open (the previous version stays as .bak).
      if (readError && !cached && !as) throw readError;
      const base = (!as || cached ? onDisk : null) ?? cached ?? { path: null, project: checked, runs: [] };
      const sweeps = mergeSweeps(checked.sweeps, base.project.sweeps);
      base.project = sweeps ? { ...checked, sweeps } : checked;
      return keepStoredRuns(base, movedIn);
    });
  }

  async listRecent(): Promise<{ recent: RecentProject[] }> {
    return { recent: (await listRecent()).filter((r) => existsSync(r.path)) };
  }

  async import(path: string): Promise<ProjectResult> {
    return guarded(async () => {
      const target = this.resolvePath(path);
      try {
        const doc = await importModel(target);
        return doc.runs.length ? await this.keepImportedRuns(doc) : toResult(doc);
      } catch (err) {
        if (isNotAProject(err)) throw cannotOpen(target, 'a model file (Keras or TF.js model JSON) or a Layerlab project');
        // The importer's own errors (not JSON, not a model) describe the file; file-system errors pass through.
        if (err instanceof Error && !(err as NodeJS.ErrnoException).code && !(err instanceof ProjectFileError)) {
          throw new ApiError('invalid-params', err.message);
        }
        throw err;
      }
    });
  }
}

/** Why Save As must ask before writing over `target`: it exists and is not a Layerlab project file. */
async function refuseToReplaceOtherFiles(target: string): Promise<void> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return; // nothing there (or nothing we could replace anyway: the write will say why)
  }
  if (info.isDirectory()) throw new ApiError('invalid-params', `${target} is a folder: choose a file name for the project.`);
  if (await isProjectFile(target)) return;
  throw new ApiError(
    'conflict',
    `${target} already exists and is not a Layerlab project: saving would replace it. Choose another name, or confirm to replace it.`,
    { overwrite: 'not-a-project' },
  );
}
