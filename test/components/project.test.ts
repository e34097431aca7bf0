import { fireEvent, render, screen } from '@testing-library/svelte';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { projectSchema } from '../../shared/format';
import { TrainingConfigSchema } from '../../shared/training';
import { createBackendService, type LocalBackendService } from '../../main/service/service';
import { openProject } from '../../main/projects/service';
import { storeRunInProject } from '../support/project-files';
import { buildMenuTemplate, type MenuAction } from '../../main/electron/menu';
import type { MenuItemConstructorOptions } from 'electron';
import type { Host } from '../../renderer/src/host';
import type { DesktopBridge, DesktopMenuMessage } from '../../shared/desktop';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { fromProjectJson, toProjectJson } from '../../renderer/src/lib/project/document';
import { ProjectStore } from '../../renderer/src/lib/project/project.svelte';
import { Commands, type CommandHandlers } from '../../renderer/src/shell/commands';
import { COMMAND_IDS } from '../../shared/commands';
import ProjectDialog from '../../renderer/src/shell/ProjectDialog.svelte';
import { chooseOptimizer, defaultDraft } from '../../renderer/src/training/form';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { chain, MNIST_CNN } from './fixtures';
import { inProcessHost as hostOf } from './in-process-host';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-project-ui-'));
/** The real datasets (../shared/datasets beside the repository). */
const MIRROR = join(process.cwd(), '../shared/datasets');
const service = createBackendService({ baseDir: dir, appVersion: '0.1.0-test' });
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

const inProcessHost = (backend: LocalBackendService = service): Host => hostOf(backend);

function setup(confirmAnswer = true, initialViewport = { x: 10, y: -20, zoom: 0.8 }) {
  const editor = new EditorStore();
  const training = new TrainingStore();
  // null = "fit the graph"; a real window then has some fitted viewport, kept here as it was.
  let viewport: { x: number; y: number; zoom: number } = initialViewport;
  const asked: string[] = [];
  const project = new ProjectStore({
    editor,
    training,
    getViewport: () => viewport,
    setViewport: (v) => (viewport = v ?? viewport),
    confirm: (m) => (asked.push(m), confirmAnswer),
  });
  return { editor, training, project, asked, viewport: () => viewport };
}

describe('project document', () => {
  it('round-trips graph, positions, viewport and training settings through a valid project.json, keeping other fields', () => {
    const graph = chain(MNIST_CNN);
    const form = defaultDraft();
    chooseOptimizer(form, 'adam');
    form.config.optimizer.learning_rate = 0.003;
    Object.assign(form.config, { batch_size: 32, limit_train: null });
    Object.assign(form.config.augmentation, { rotation_range: 10, width_shift_range: 0.1, height_shift_range: 0.05, zoom_range: 0.15, gaussian_noise: 0.05 });
    const base = { ...toProjectJson({ name: 'x', graph, viewport: { x: 0, y: 0, zoom: 1 }, form: defaultDraft() }, null), notes: 'keep me', created: '2026-01-01T00:00:00.000Z' };
    const json = toProjectJson({ name: 'CNN', graph, viewport: { x: 5, y: 6, zoom: 0.5 }, form }, base, new Date('2026-11-28T12:00:00Z'));
    expect(projectSchema.safeParse(json).success).toBe(true);
    // The training part is a config the engine accepts, augmentation included.
    const config = TrainingConfigSchema.parse(json.training);
    expect(config.augmentation).toMatchObject({ rotation_range: 10, width_shift_range: 0.1, height_shift_range: 0.05, zoom_range: 0.15, gaussian_noise: 0.05 });
    expect(json.notes).toBe('keep me');
    expect(json.created).toBe('2026-01-01T00:00:00.000Z');
    expect(json.modified).toBe('2026-11-28T12:00:00.000Z');
    const back = fromProjectJson(JSON.parse(JSON.stringify(json)), defaultDraft()).doc;
    expect(back.graph).toEqual(graph);
    expect(back.viewport).toEqual({ x: 5, y: 6, zoom: 0.5 });
    expect(back.form.config).toEqual(form.config);
    expect(back.name).toBe('CNN');
  });

  it('refuses a file that is not a project with the reason', () => {
    expect(() => fromProjectJson({ hello: 1 }, defaultDraft())).toThrow(/format|version|project/i);
  });
});

describe('ProjectStore against the real backend service', () => {
  it('is dirty after an edit, clean after undo back to the saved graph, and after a save', async () => {
    const { editor, training, project } = setup();
    project.host = inProcessHost();
    training.connection = 'open';
    expect(await project.newProject('cnn-dropout')).toBe(true);
    expect(editor.graph.nodes).toHaveLength(9);
    expect(project.dirty).toBe(false);
    const dense = editor.graph.nodes.find((n) => n.kind === 'Dense')!;
    editor.setConfig(dense.id, 'units', 64);
    expect(project.dirty).toBe(true);
    editor.undo();
    expect(project.dirty).toBe(false);
    editor.redo();
    training.form.config.optimizer.learning_rate = 0.05;
    expect(project.dirty).toBe(true);

    // No file yet: save() says so (the window then asks for a path), saveAs() writes it.
    expect(await project.save()).toBe(false);
    const ok = await project.saveAs('cnn.layerlab');
    expect(editor.notice?.text).toMatch(/^Saved/);
    expect(ok).toBe(true);
    expect(project.path).toBe(join(dir, 'cnn.layerlab'));
    expect(project.dirty).toBe(false);
    editor.projectName = 'Renamed';
    expect(project.dirty).toBe(true);
    expect(await project.save()).toBe(true);
    expect(project.dirty).toBe(false);
    await project.refreshRecent();
    expect(project.recent.map((r) => r.path)).toContain(join(dir, 'cnn.layerlab'));

    // A fresh window opens it: same graph (ids, positions, params), name, viewport and settings.
    const other = setup(true, { x: 0, y: 0, zoom: 1 });
    other.project.host = inProcessHost();
    other.training.connection = 'open';
    expect(await other.project.open('cnn.layerlab')).toBe(true);
    expect(other.editor.graph).toEqual(editor.graph);
    expect(other.editor.projectName).toBe('Renamed');
    expect(other.training.form.config.optimizer.learning_rate).toBe(0.05);
    expect(other.viewport()).toEqual({ x: 10, y: -20, zoom: 0.8 });
    expect(other.project.dirty).toBe(false);
  });

  it('a reopened project shows its stored runs in the run history', async () => {
    const { editor, training, project } = setup();
    project.host = inProcessHost();
    training.connection = 'open';
    expect(await project.newProject('mlp-64')).toBe(true);
    expect(await project.saveAs('with-run.layerlab')).toBe(true);
    // A run stored in the file the way the run manager stores one (a short history, no weights).
    const runId = await storeRunInProject(join(dir, 'with-run.layerlab'), {
      name: 'earlier run', status: 'completed', config: TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 2 }) as never,
      graph: editor.graph, durationSeconds: 3, weights: null,
      history: [{ epoch: 0, metrics: { loss: 0.8, val_acc: 0.8 }, time: 1.5 }, { epoch: 1, metrics: { loss: 0.4, val_acc: 0.9 }, time: 3 }],
    });

    const other = setup(true, { x: 0, y: 0, zoom: 1 });
    other.project.host = inProcessHost();
    other.training.attach(inProcessHost());
    // The window has loaded its (empty) run list before the project is opened.
    await vi.waitFor(() => expect(other.training.system).not.toBeNull(), { timeout: 10_000 });
    await other.training.loadRuns();
    expect(other.training.runs.map((r) => r.runId)).not.toContain(runId);
    expect(await other.project.open('with-run.layerlab')).toBe(true);
    await vi.waitFor(() => expect(other.training.runs.map((r) => r.runId)).toContain(runId));
    const run = other.training.runs.find((r) => r.runId === runId)!;
    expect(run).toMatchObject({ name: 'earlier run', status: 'completed' });
    expect(run.history.map((h) => [h.epoch, h.metrics.val_acc, h.seconds])).toEqual([[0, 0.8, 1.5], [1, 0.9, 1.5]]);
    expect((await other.training.getRun(runId))?.graph).toEqual(editor.graph);
    // With no run of its own yet, draw-a-digit asks the newest completed stored run.
    expect(other.training.predictRunId).toBe(runId);
  });

  it('lists only the open project\'s runs; an Untitled project\'s run moves into the file at its first save', async () => {
    // A backend with real data and its own recovery folder (the dom tests have no isolated cache dir).
    const svc = createBackendService({ baseDir: dir, recoveryDir: join(dir, 'recovery'), checkpointDir: join(dir, 'ck'), datasets: { mirror: MIRROR, offline: true, cacheDir: join(dir, 'cache') } });
    try {
      const host = inProcessHost(svc);
      const { editor, training, project } = setup();
      project.host = host;
      training.attach(host);
      await vi.waitFor(() => expect(training.system).not.toBeNull(), { timeout: 10_000 });
      expect(await project.newProject('mlp-64')).toBe(true);
      Object.assign(training.form.config, { epochs: 1, limit_train: 100, batch_size: 50 });
      await training.start(editor.graph, 'untitled run');
      expect(training.recoveryId).toMatch(/^untitled-/);
      const runId = training.runId!;
      await vi.waitFor(() => expect(svc.runs.list().find((r) => r.runId === runId)?.status).toBe('completed'), { timeout: 60_000 });
      await training.loadRuns();
      expect(training.runs.map((r) => [r.runId, r.number])).toEqual([[runId, 1]]);

      // The first save moves it from the recovery store into the file, with its number.
      expect(await project.saveAs('untitled-saved.layerlab')).toBe(true);
      expect(training.recoveryId).toBeNull();
      await vi.waitFor(() => expect(training.runs.map((r) => [r.runId, r.number])).toEqual([[runId, 1]]));
      const { doc } = await openProject(join(dir, 'untitled-saved.layerlab'));
      expect(doc.runs.map((r) => [r.meta.id, r.meta.number, r.meta.status, r.meta.hasWeights])).toEqual([[runId, 1, 'completed', true]]);

      // A new Untitled project lists none of it, and its dashboard no longer shows it; reopening the file does.
      expect(await project.newProject('mlp-64')).toBe(true);
      expect(training.runs).toEqual([]);
      expect(training.runId).toBeNull();
      expect(await project.open('untitled-saved.layerlab')).toBe(true);
      await vi.waitFor(() => expect(training.runs.map((r) => [r.runId, r.number])).toEqual([[runId, 1]]));
    } finally {
      await svc.close();
    }
  }, 120_000);

  it('imports a Keras model.json (the workshop CNN saved by Keras 3) as a new unsaved document', async () => {
    const { editor, training, project } = setup();
    project.host = inProcessHost();
    training.connection = 'open';
    expect(await project.importModel(join(process.cwd(), 'test/support/keras-json/cnn-dropout.keras3.json'))).toBe(true);
    expect(editor.graph.nodes.map((n) => n.kind)).toContain('Conv2D');
    expect(editor.analysis.errors).toEqual([]);
    expect(editor.analysis.totals.total).toBe(1_199_882);
    expect(project.path).toBeNull();
    expect(editor.notice?.text).toMatch(/^Imported/);
  });

  it('imports a TF.js model.json with its weights: run "imported" is listed at once and the first Save As keeps it', async () => {
    // Its own recovery folder (the dom tests have no isolated cache dir).
    const svc = createBackendService({ baseDir: dir, recoveryDir: join(dir, 'recovery-import') });
    try {
      const host = inProcessHost(svc);
      const { training, project } = setup();
      project.host = host;
      training.attach(host);
      // A TF.js model.json (Input 4 -> Dense 2) with its weight file, written as tfjs saves one.
      const folder = mkdtempSync(join(dir, 'tfjs-with-weights-'));
      writeFileSync(join(folder, 'w.bin'), new Uint8Array(Float32Array.from({ length: 10 }, (_, i) => i / 10).buffer));
      writeFileSync(join(folder, 'model.json'), JSON.stringify({
        format: 'layers-model',
        modelTopology: { class_name: 'Sequential', config: { name: 'tiny', layers: [
          { class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 4], dtype: 'float32' } },
          { class_name: 'Dense', config: { name: 'dense_1', units: 2, activation: 'softmax' } },
        ] } },
        weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'dense_1/kernel', shape: [4, 2], dtype: 'float32' }, { name: 'dense_1/bias', shape: [2], dtype: 'float32' }] }],
      }));
      expect(await project.importModel(join(folder, 'model.json'))).toBe(true);
      await vi.waitFor(() => expect(training.runs.map((r) => r.status)).toEqual(['completed']));
      expect(await project.saveAs('imported-with-weights.layerlab')).toBe(true);
      const { doc } = await openProject(join(dir, 'imported-with-weights.layerlab'));
      expect(doc.runs.map((r) => [r.meta.id, r.meta.hasWeights])).toEqual([['imported', true]]);
    } finally {
      await svc.close();
    }
  });

  it('asks before replacing unsaved changes and keeps them when told no', async () => {
    const { editor, project, asked } = setup(false);
    editor.load(chain(MNIST_CNN), 'Mine');
    expect(project.dirty).toBe(true);
    expect(await project.newProject()).toBe(false);
    expect(asked[0]).toMatch(/"Mine" has unsaved changes/);
    expect(editor.graph.nodes).toHaveLength(9);
  });

  it('reports a missing file as an error notice instead of throwing', async () => {
    const { editor, training, project } = setup();
    project.host = inProcessHost();
    training.connection = 'open';
    expect(await project.open('nope/missing.layerlab')).toBe(false);
    expect(editor.notice?.tone).toBe('error');
    expect(editor.notice?.text).toMatch(/missing\.layerlab/);
  });

  it('needs a backend to save, and says how to get one', async () => {
    const { editor, project } = setup();
    expect(await project.saveAs('x.layerlab')).toBe(false);
    expect(editor.notice?.text).toMatch(/layerlab serve/);
  });
});

describe('project dialog', () => {
  it('lists recent projects and opens the one clicked or the path typed', async () => {
    const opened: string[] = [];
    const props = {
      mode: 'open' as const,
      recent: [{ path: '/p/a.layerlab', name: 'A', openedAt: '2026-11-28T10:00:00Z' }],
      onnew: () => {},
      onopen: (p: string) => opened.push(p),
      onimport: () => {},
      onsaveas: () => {},
      onexport: () => {},
    };
    const { unmount } = render(ProjectDialog, { props });
    expect(screen.getByTestId('recent-project').textContent).toContain('/p/a.layerlab');
    await fireEvent.click(screen.getByTestId('recent-project'));
    expect(opened).toEqual(['/p/a.layerlab']);
    unmount();
    render(ProjectDialog, { props });
    await fireEvent.input(screen.getByTestId('project-path'), { target: { value: 'b.layerlab' } });
    await fireEvent.click(screen.getByTestId('project-dialog-submit'));
    expect(opened).toEqual(['/p/a.layerlab', 'b.layerlab']);
  });

  it('starts Save As from the suggested file name and imports from its own tab', async () => {
    const saved: string[] = [];
    const imported: string[] = [];
    render(ProjectDialog, {
      props: { mode: 'saveAs', suggestedName: 'CNN.layerlab', onnew: () => {}, onopen: () => {}, onimport: (p: string) => imported.push(p), onsaveas: (p: string) => saved.push(p), onexport: () => {} },
    });
    expect((screen.getByTestId('project-path') as HTMLInputElement).value).toBe('CNN.layerlab');
    await fireEvent.click(screen.getByTestId('project-dialog-submit'));
    expect(saved).toEqual(['CNN.layerlab']);
  });
});

describe('desktop menu', () => {
  /** Clicks every item of main's menu template and collects what it sends to the window. */
  function menuActions(): MenuAction[] {
    const sent: MenuAction[] = [];
    const walk = (list: MenuItemConstructorOptions[]) => {
      for (const item of list) {
        (item.click as (() => void) | undefined)?.();
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    const template = buildMenuTemplate({ platform: 'linux', isDev: false, recentProjects: ['/r.layerlab'], send: (a) => sent.push(a) });
    walk(template);
    return sent;
  }

  it('handles every action main’s menu sends', () => {
    const sent = menuActions();
    expect(sent.length).toBeGreaterThan(10);
    for (const action of sent) expect(COMMAND_IDS).toContain(action);
  });

  it('routes menu messages to the window’s commands, with their argument', () => {
    let listener: ((m: DesktopMenuMessage) => void) | null = null;
    const bridge: DesktopBridge = { request: async () => null, onMenu: (l) => ((listener = l), () => (listener = null)) };
    const calls: string[] = [];
    const handlers = Object.fromEntries(COMMAND_IDS.map((a) => [a, { run: (arg?: string) => void calls.push(arg ? `${a}:${arg}` : a) }])) as CommandHandlers;
    const unknown: string[] = [];
    const off = bridge.onMenu(new Commands(handlers).onMenu((a) => unknown.push(a)));
    listener!({ action: 'edit.undo' });
    listener!({ action: 'file.openRecent', arg: '/r.layerlab' });
    listener!({ action: 'file.frobnicate' });
    expect(calls).toEqual(['edit.undo', 'file.openRecent:/r.layerlab']);
    expect(unknown).toEqual(['file.frobnicate']);
    off();
    expect(listener).toBeNull();
  });
});

describe('Save As over a file that is not a project', () => {
  it('asks the user; declining keeps the file, agreeing replaces it (the retry sends force)', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes');
    const declining = setup(false);
    declining.project.host = inProcessHost();
    declining.training.connection = 'open';
    expect(await declining.project.newProject('mlp-64')).toBe(true);
    expect(await declining.project.saveAs(notes)).toBe(false);
    expect(declining.asked.at(-1)).toMatch(/notes\.txt already exists and is not a Layerlab project: saving would replace it\.[\s\S]*Replace it\?$/);
    expect(declining.asked.at(-1)).not.toMatch(/^projects\.saveAs:/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');
    expect(declining.project.path).toBeNull();

    const agreeing = setup(true);
    agreeing.project.host = inProcessHost();
    agreeing.training.connection = 'open';
    expect(await agreeing.project.newProject('mlp-64')).toBe(true);
    expect(await agreeing.project.saveAs(notes)).toBe(true);
    expect(agreeing.asked.at(-1)).toMatch(/Replace it\?$/);
    expect(readFileSync(notes).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(agreeing.project.path).toBe(notes);
  });
});
