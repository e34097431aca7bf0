import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpGraph } from '../../unit/api/examples';
import { saveProject, storeRunInProject } from '../../support/project-files';
import { openProject } from '../../../main/projects/service';
import { apiHarness } from './api-harness';
import { createBackendService } from '../../../main/service/service';
import { handleApiMessage } from '../../../main/service/handle';

const { dir, call } = apiHarness('layerlab-projects-');

describe('projects.* through the API (real project files)', () => {
  it('creates from a template, saves, reopens, lists recent, and refuses bad input clearly', async () => {
    const created = await call('projects.new', { template: 'cnn-dropout', name: 'Workshop CNN' });
    expect(created.project).toMatchObject({ name: 'Workshop CNN', formatVersion: 3 });
    expect(created.project.graph.nodes.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['Conv2D', 'Dropout', 'Dense']));
    expect(created.path).toBeUndefined();

    const path = join(dir, 'cnn.layerlab');
    expect(await call('projects.saveAs', { path, project: created.project })).toEqual({ path });
    expect(statSync(path).size).toBeGreaterThan(100);

    const opened = await call('projects.open', { path });
    expect(opened).toMatchObject({ path, project: { name: 'Workshop CNN' }, runs: [] });
    expect(opened.project.graph).toEqual(created.project.graph);

    const renamed = { ...opened.project, name: 'Renamed', notes: 'edited in the window' };
    expect(await call('projects.save', { path, project: renamed })).toEqual({ path });
    expect((await call('projects.open', { path })).project).toMatchObject({ name: 'Renamed', notes: 'edited in the window' });
    expect((await call('projects.listRecent')).recent).toEqual([expect.objectContaining({ path, name: 'Renamed' })]);
    // The list lives in the user cache: a backend started afresh (layerlab serve after a restart) still lists it.
    const restarted = createBackendService({ engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });
    try {
      const listed = await handleApiMessage(restarted, JSON.stringify({ id: 1, method: 'projects.listRecent' }));
      expect(listed).toMatchObject({ result: { recent: [expect.objectContaining({ path, name: 'Renamed' })] } });
    } finally {
      await restarted.close();
    }

    expect(await call('projects.new', { template: 'no-such-template' })).toMatchObject({ error: { code: 'not-found', message: expect.stringContaining('mlp-64') } });
    expect(await call('projects.open', { path: join(dir, 'missing.layerlab') })).toMatchObject({ error: { code: 'not-found' } });
    expect(await call('projects.save', { path, project: { formatVersion: 3, name: 3 } })).toMatchObject({ error: { code: 'invalid-params', message: expect.stringContaining('name') } });
  });
});

describe('projects.save keeps what other writers stored in the file since the window opened it', () => {
  it('a run stored by training and a sweep stored by the sweep runner survive a save from the window', async () => {
    const created = await call('projects.new', { template: 'mlp-64', name: 'Shared file' });
    const path = join(dir, 'shared.layerlab');
    await call('projects.saveAs', { path, project: created.project });
    const opened = await call('projects.open', { path });
    expect(opened.runs).toEqual([]);

    // Meanwhile: a finished training run and a sweep are written into the file (as the run manager and sweep store do).
    const runId = await storeRunInProject(path, {
      status: 'completed', config: {}, graph: opened.project.graph, history: [], durationSeconds: 1, weights: null,
    });
    const { doc } = await openProject(path);
    doc.project.sweeps = [{ id: 'sweep-1', name: 'lr sweep', created: new Date().toISOString(), space: { note: 'stored by the runner' }, runIds: [runId] }];
    await saveProject(doc);

    // The window, which loaded the project before both, saves its edit.
    expect(await call('projects.save', { path, project: { ...opened.project, notes: 'edited' } })).toEqual({ path });
    const after = await call('projects.open', { path });
    expect(after.project.notes).toBe('edited');
    expect(after.runs.map((r: { id: string }) => r.id)).toEqual([runId]);
    expect(after.project.sweeps).toEqual([expect.objectContaining({ id: 'sweep-1', space: { note: 'stored by the runner' } })]);
  });
});

describe('export.run through the API', () => {
  it('writes a Keras script and a tfjs model of the graph', async () => {
    const keras = await call('export.run', { format: 'keras', graph: mlpGraph, path: join(dir, 'keras') });
    expect(keras.format).toBe('keras');
    expect(keras.files.length).toBeGreaterThan(0);
    const script = keras.files.find((f: string) => f.endsWith('.py'));
    expect(readFileSync(join(dir, 'keras', script), 'utf8')).toContain('Dense');
    const tfjs = await call('export.run', { format: 'tfjs', graph: mlpGraph, path: join(dir, 'tfjs') });
    expect(existsSync(join(dir, 'tfjs', 'model.json'))).toBe(true);
    expect(tfjs.notes.join(' ')).toMatch(/weights/);
    expect(await call('export.run', { format: 'tfjs', graph: { nodes: mlpGraph.nodes.slice(1), edges: [] }, path: join(dir, 'x') })).toMatchObject({
      error: { code: 'invalid-graph' },
    });
    expect(await call('export.run', { format: 'tfjs', graph: mlpGraph, runId: 'run-none', path: join(dir, 'y') })).toMatchObject({ error: { code: 'not-found' } });
  });

  it('takes a template graph as projects.new returns it (edge ids like "a->b"), and refuses control characters in ids', async () => {
    const { project } = await call('projects.new', { template: 'resnet-cifar' });
    expect(project.graph.edges.some((e: { id: string }) => e.id.includes('->'))).toBe(true);
    const out = await call('export.run', { format: 'pytorch', graph: project.graph, path: join(dir, 'resnet') });
    expect(out.error).toBeUndefined();
    expect(out.files.some((f: string) => f.endsWith('.py'))).toBe(true);
    const bad = { ...project.graph, edges: [{ ...project.graph.edges[0], id: 'a\u0000b' }, ...project.graph.edges.slice(1)] };
    expect(await call('export.run', { format: 'pytorch', graph: bad, path: join(dir, 'bad') })).toMatchObject({ error: { code: 'invalid-params', message: expect.stringContaining('control characters') } });
  });
});
