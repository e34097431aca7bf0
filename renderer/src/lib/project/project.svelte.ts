import { ApiError, type ProjectResult, type RecentProject, type RecoverableProject } from '../../../../shared/api';
import type { ProjectJson, Viewport } from '../../../../shared/format';
import type { Graph } from '../../../../shared/graph/types';
import { templates } from '../core';
import type { Host } from '../../host';
import type { EditorStore } from '../editor/editor.svelte';
import type { TrainingStore } from '../../training/training.svelte';
import { fromProjectJson, toProjectJson } from './document';

export interface ProjectDeps {
  editor: EditorStore;
  training: TrainingStore;
  getViewport(): Viewport;
  /** null: the document has no stored view (new, imported), so the window fits the graph instead. */
  setViewport(viewport: Viewport | null): void;
  /** Asked before the document is replaced while it has unsaved changes; true = go ahead and discard. */
  confirm(message: string): boolean;
}

interface Saved {
  graph: Graph;
  name: string;
  form: string;
}

const DEFAULT_VIEWPORT: Viewport = { x: 0, y: 0, zoom: 1 };

function sameViewport(a: Viewport, b: Viewport): boolean {
  return a.x === b.x && a.y === b.y && a.zoom === b.zoom;
}

/**
 * The open document: where it lives, what was last saved (for the dirty marker) and the projects.* calls. The
 * graph itself stays in the EditorStore and the training settings in the TrainingStore; this only moves them in
 * and out of project.json. Dirty compares the graph snapshot by reference, so undoing back to the saved state
 * makes the document clean again.
 */
export class ProjectStore {
  path = $state<string | null>(null);
  recent = $state.raw<RecentProject[]>([]);
  /** Whether some node of the last adopted graph had no position (an imported model): the window lays it out. */
  needsLayout = $state(false);
  /** The recovery-folder entry holding this document's unsaved edits (projects.autosave), once one was written. */
  autosaveId = $state<string | null>(null);
  /** Unsaved changes a crashed or killed session left, offered when the window connects (newest first). */
  recoverable = $state.raw<RecoverableProject[]>([]);
  private base = $state.raw<ProjectJson | null>(null);
  /** The autosave under way, and whether autosaves wait for a training start (betweenAutosaves). */
  private inFlight: Promise<void> | null = null;
  private held = false;
  private saved = $state.raw<Saved | null>(null);
  host: Host | null = null;

  dirty = $derived.by(() => {
    const s = this.saved;
    const { editor, training } = this.deps;
    if (!s) return editor.graph.nodes.length > 0;
    return s.graph !== editor.graph || s.name !== editor.projectName || s.form !== JSON.stringify(training.form);
  });

  constructor(private readonly deps: ProjectDeps) {
    this.markSaved();
  }

  /** Where a Save As dialog should start: the current name as a file name. */
  get suggestedFileName(): string {
    return `${this.deps.editor.projectName.replace(/[^\w.-]+/g, '_') || 'model'}.layerlab`;
  }

  private markSaved(): void {
    this.saved = { graph: this.deps.editor.graph, name: this.deps.editor.projectName, form: JSON.stringify(this.deps.training.form) };
  }

  private connected(): Host | null {
    return this.host && this.deps.training.connection === 'open' ? this.host : null;
  }

  private fail(e: unknown): false {
    this.deps.editor.notify((e as Error).message, 'error');
    return false;
  }

  /** The document as project.json, as it would be saved now. */
  toJson(now?: Date): ProjectJson {
    const { editor, training } = this.deps;
    return toProjectJson(
      { name: editor.projectName, graph: editor.graph, viewport: this.deps.getViewport(), form: { ...training.form } },
      this.base,
      now,
    );
  }

  /** True when there is nothing unsaved to lose, or the user agreed to lose it. */
  confirmDiscard(): boolean {
    if (!this.dirty) return true;
    return this.deps.confirm(`"${this.deps.editor.projectName}" has unsaved changes. Discard them?`);
  }

  /** Makes `raw` (project.json from the API) the window's document. */
  adopt(raw: unknown, path: string | null): void {
    const { editor, training } = this.deps;
    this.dropAutosave();
    const { doc, project } = fromProjectJson(raw, { ...training.form });
    editor.load(doc.graph, doc.name);
    editor.projectName = doc.name;
    training.form = doc.form;
    this.needsLayout = doc.graph.nodes.some((n) => !n.position);
    this.deps.setViewport(doc.graph.nodes.length && !sameViewport(doc.viewport, DEFAULT_VIEWPORT) ? doc.viewport : null);
    this.base = project;
    this.path = path;
    this.markSaved();
    training.setProject(path);
  }

  async newProject(template?: string): Promise<boolean> {
    if (!this.confirmDiscard()) return false;
    const t = template ? templates.find((x) => x.id === template) : undefined;
    const name = t?.title ?? 'Untitled model';
    try {
      const host = this.connected();
      if (host) {
        const result = await host.call('projects.new', { ...(template ? { template } : {}), name });
        this.adopt(result.project, null);
      } else {
        // No backend (a page opened from disk, component tests): the templates are shared code, so build it here.
        const graph = t ? structuredClone(t.graph) : { nodes: [], edges: [] };
        this.adopt(toProjectJson({ name, graph, viewport: DEFAULT_VIEWPORT, form: { ...this.deps.training.form } }, null), null);
      }
      return true;
    } catch (e) {
      return this.fail(e);
    }
  }

  private requireHost(what: string): Host {
    const host = this.connected();
    if (!host) throw new Error(`${what} needs the backend: open Layerlab with \`layerlab serve\` or the desktop app.`);
    return host;
  }

  async open(path: string): Promise<boolean> {
    if (!this.confirmDiscard()) return false;
    try {
      const result: ProjectResult = await this.requireHost('Opening a project').call('projects.open', { path });
      this.adopt(result.project, result.path ?? path);
      this.deps.editor.notify(`Opened ${this.path}`);
      void this.refreshRecent();
      return true;
    } catch (e) {
      return this.fail(e);
    }
  }

  /** Imports a Keras / TF.js model.json (or a project archive) as a new, unsaved document. */
  async importModel(path: string): Promise<boolean> {
    if (!this.confirmDiscard()) return false;
    try {
      const result = await this.requireHost('Importing a model').call('projects.import', { path });
      this.adopt(result.project, null);
      // Its weights are the run "imported" (history: export it, fine-tune from it); the first save keeps it.
      if (result.recoveryId) this.deps.training.adoptRecovery(result.recoveryId);
      this.deps.editor.notify(`Imported ${path}${result.recoveryId ? ' with its weights (run "imported")' : ''}: save it to keep it as a project`);
      return true;
    } catch (e) {
      return this.fail(e);
    }
  }

  /** Saves to the document's file; false when it has none yet (the caller asks for one: Save As). */
  async save(): Promise<boolean> {
    if (!this.path) return false;
    return this.write(this.path, false);
  }

  async saveAs(path: string): Promise<boolean> {
    return this.write(path, true);
  }

  private async write(path: string, as: boolean): Promise<boolean> {
    try {
      const project = this.toJson();
      const host = this.requireHost('Saving a project');
      // An Untitled project's runs, kept in its recovery store so far, move into the file with this save.
      const recoveryId = this.deps.training.recoveryId;
      const moved = recoveryId ? { recoveryId } : {};
      const autosave = this.autosaveId ? { autosaveId: this.autosaveId } : {};
      const result = as ? await this.saveAsAsking(host, path, project, { ...moved, ...autosave }) : await host.call('projects.save', { path, project, ...moved, ...autosave });
      if (!result) return false;
      this.autosaveId = null;
      this.base = project;
      this.path = result.path;
      this.deps.training.projectSaved(result.path);
      this.markSaved();
      this.deps.editor.notify(`Saved ${result.path}`);
      void this.refreshRecent();
      return true;
    } catch (e) {
      return this.fail(e);
    }
  }

  /**
   * Save As; when the backend refuses to replace an existing file that is not a project ('conflict'), the user is
   * asked and, if they agree, the save is retried with force. null: the user declined.
   */
  private async saveAsAsking(host: Host, path: string, project: ProjectJson, moved: { recoveryId?: string; autosaveId?: string }): Promise<{ path: string } | null> {
    try {
      return await host.call('projects.saveAs', { path, project, ...moved });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'conflict')) throw e;
      if (!this.deps.confirm(`${e.message.replace(/^projects\.saveAs: /, '')}\n\nReplace it?`)) return null;
      return host.call('projects.saveAs', { path, project, force: true, ...moved });
    }
  }

  /**
   * Sends the unsaved document to the recovery folder (the window calls this after a pause in editing). An Untitled
   * project's entry is also where its runs are kept (training.recoveryId), so edits and runs come back together.
   */
  async autosave(): Promise<void> {
    if (this.held) return;
    const write = this.writeAutosave();
    this.inFlight = write;
    await write;
    if (this.inFlight === write) this.inFlight = null;
  }

  /**
   * Runs `start` (a training start, which makes an Untitled project's store on its first run) with no autosave under
   * way, so that both use one recovery entry: an autosave sent meanwhile would make a second one, left behind.
   */
  async betweenAutosaves<T>(start: () => Promise<T>): Promise<T> {
    await this.inFlight;
    this.held = true;
    try {
      return await start();
    } finally {
      this.held = false;
      if (this.dirty) void this.autosave();
    }
  }

  private async writeAutosave(): Promise<void> {
    const host = this.connected();
    if (!host || !this.dirty) return;
    const { training } = this.deps;
    const id = (this.path ? null : training.recoveryId) ?? this.autosaveId;
    try {
      const { autosaveId } = await host.call('projects.autosave', { project: this.toJson(), path: this.path, ...(id ? { autosaveId: id } : {}) });
      if (!this.path && training.recoveryId && training.recoveryId !== autosaveId) {
        // A run made the Untitled project's store while this was under way: the edits go there from now on.
        void host.call('projects.discardRecovery', { id: autosaveId }).catch(() => {});
        this.autosaveId = training.recoveryId;
        return this.writeAutosave();
      }
      this.autosaveId = autosaveId;
      if (!this.path) training.recoveryId = autosaveId;
    } catch {
      // Autosave is a safety net: a failed one is retried at the next edit, and Save still works.
    }
  }

  /**
   * The document is replaced (the user agreed to discard its changes): its autosaved edits go too, unless they are
   * an Untitled project's store that holds runs, which stays in the recovery folder to be offered after a restart.
   */
  private dropAutosave(): void {
    const id = this.autosaveId;
    this.autosaveId = null;
    const host = this.connected();
    if (!id || !host || (id === this.deps.training.recoveryId && this.deps.training.runs.length > 0)) return;
    void host.call('projects.discardRecovery', { id }).catch(() => {});
  }

  /** Asks the backend for unsaved changes left by a session that crashed or was killed. */
  async loadRecoverable(): Promise<void> {
    const host = this.connected();
    if (!host) return;
    try {
      this.recoverable = (await host.call('projects.recoverable')).entries;
    } catch {
      this.recoverable = [];
    }
  }

  /** Reopens unsaved changes: they are the window's document again, unsaved (Save writes them to their file). */
  async recover(id: string): Promise<boolean> {
    if (!this.confirmDiscard()) return false;
    try {
      const result = await this.requireHost('Recovering unsaved changes').call('projects.recover', { id });
      this.adopt(result.project, result.path ?? null);
      // Not what the file holds: the document stays dirty until it is saved.
      this.saved = { graph: { nodes: [], edges: [] }, name: '', form: '' };
      this.autosaveId = result.autosaveId;
      if (result.recoveryId) {
        this.deps.training.recoveryId = result.recoveryId;
        void this.deps.training.loadRuns();
      }
      this.recoverable = this.recoverable.filter((e) => e.id !== id);
      this.deps.editor.notify(`Recovered unsaved changes of ${result.path ?? this.deps.editor.projectName}: save to keep them`);
      return true;
    } catch (e) {
      return this.fail(e);
    }
  }

  async discardRecoverable(id: string): Promise<void> {
    this.recoverable = this.recoverable.filter((e) => e.id !== id);
    try {
      await this.requireHost('Discarding unsaved changes').call('projects.discardRecovery', { id });
    } catch (e) {
      this.fail(e);
    }
  }

  async refreshRecent(): Promise<void> {
    const host = this.connected();
    if (!host) return;
    try {
      this.recent = (await host.call('projects.listRecent')).recent;
    } catch {
      // The list is a convenience; the path field still works without it.
    }
  }
}
