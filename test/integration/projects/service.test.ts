import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeGraph } from '../../../shared/graph';
import { templates } from '../../../shared/templates';
import { main } from '../../../main/cli';
import { ProjectFileError } from '../../../main/projects/errors';
import { runEntries } from '../../../main/projects/file';
import { ZipReader } from '../../../main/projects/zip-reader';
import {
  addRun,
  createProject,
  listRuns,
  loadRunWeights,
  openProject,
  saveProjectAs,
  importModel,
  templateIds,
} from '../../../main/projects/service';
import { addRecent, listRecent } from '../../../main/projects/recent';
import { ProjectHandlers } from '../../../main/service/projects';
import { removeRun, saveProject } from '../../support/project-files';
import type { StoredWeights } from '../../../main/projects/types';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-service-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeWeights(floats: number, fill: number): StoredWeights {
  return {
    modelJson: { modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [floats], dtype: 'float32' }] }] },
    weightData: new Uint8Array(new Float32Array(floats).fill(fill).buffer),
  };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('project service', () => {
  it.each(templateIds())('template %s: created, saved and reopened with the same valid graph', async (id) => {
    const doc = createProject({ name: id, templateId: id });
    const file = join(dir, `${id}.layerlab`);
    await saveProjectAs(doc, file);
    const opened = await openProject(file);
    const template = templates.find((t) => t.id === id);
    expect(opened.graph).toStrictEqual(template?.graph ?? { nodes: [], edges: [] });
    if (template) {
      expect(analyzeGraph(opened.graph).valid).toBe(true);
      expect(opened.doc.project.dataset).toStrictEqual({ kind: 'builtin', id: template.dataset });
    }
    expect(opened.configIssues).toStrictEqual([]);
    expect(opened.config!.epochs).toBeGreaterThan(0);
  });

  it('unknown templates are named with the valid ones', () => {
    expect(() => createProject({ name: 'x', templateId: 'vgg' })).toThrow(/Unknown template 'vgg': use one of blank, mlp-64/);
  });

  it('runs: added in memory, saved, listed with best metrics, weights read on demand, removed', async () => {
    const doc = createProject({ name: 'runs', templateId: 'mlp-64' });
    const a = addRun(doc, {
      status: 'completed',
      config: doc.project.training,
      graph: doc.project.graph,
      history: [
        { epoch: 0, metrics: { loss: 0.9, acc: 0.7, val_loss: 0.8, val_acc: 0.72 } },
        { epoch: 1, metrics: { loss: 0.5, acc: 0.85, val_loss: 0.6, val_acc: 0.8 } },
      ],
      durationSeconds: 12.5,
      weights: fakeWeights(100, 1),
    });
    const b = addRun(doc, { status: 'failed', config: {}, graph: doc.project.graph, history: [], durationSeconds: 0.2, error: 'NaN loss' });
    expect(a.meta.id).not.toBe(b.meta.id);
    doc.project.graph.nodes[1]!.config.units = 999; // editing the project afterwards leaves the run's snapshot alone
    expect(a.meta.graph.nodes[1]!.config.units).toBe(64);

    const file = join(dir, 'runs.layerlab');
    await saveProjectAs(doc, file);
    expect(a.weights).toStrictEqual({ kind: 'file', path: file, runId: a.meta.id }); // memory copy released
    const { doc: opened } = await openProject(file);
    expect(listRuns(opened)).toStrictEqual([
      { id: a.meta.id, number: 1, name: 'Run 1', status: 'completed', created: a.meta.created, epochs: 2, best: { loss: 0.5, acc: 0.85, val_loss: 0.6, val_acc: 0.8 }, durationSeconds: 12.5, hasWeights: true },
      { id: b.meta.id, number: 2, name: 'Run 2', status: 'failed', created: b.meta.created, epochs: 0, best: {}, durationSeconds: 0.2, hasWeights: false },
    ]);
    expect(new Float32Array((await loadRunWeights(opened, a.meta.id)).weightData.slice().buffer)[99]).toBe(1);
    await expect(loadRunWeights(opened, b.meta.id)).rejects.toThrow(/has no stored weights/);
    await expect(loadRunWeights(opened, 'nope')).rejects.toThrow(/No run 'nope'.*its runs are/);

    removeRun(opened, b.meta.id);
    await saveProject(opened);
    expect(listRuns((await openProject(file)).doc).map((r) => r.id)).toStrictEqual([a.meta.id]);
    await expect(saveProject(createProject({ name: 'untitled' }))).rejects.toThrow(/never been saved/);
  });

  it('a run stored without a number (an older file or build) keeps the number it was shown with when runs are added', async () => {
    const doc = createProject({ name: 'legacy', templateId: 'mlp-64' });
    const old = addRun(doc, { status: 'completed', config: doc.project.training, graph: doc.project.graph, history: [], durationSeconds: 1 });
    delete old.meta.number;
    const file = join(dir, 'legacy.layerlab');
    await saveProjectAs(doc, file);
    const { doc: opened } = await openProject(file);
    expect(listRuns(opened).map((r) => [r.id, r.number])).toStrictEqual([[old.meta.id, 1]]);
    const added = addRun(opened, { status: 'completed', config: opened.project.training, graph: opened.project.graph, history: [], durationSeconds: 1 });
    await saveProject(opened);
    const numbers = listRuns((await openProject(file)).doc).map((r) => [r.id, r.number]);
    expect(numbers).toStrictEqual([[old.meta.id, 1], [added.meta.id, 2]]);
  });

  it('large projects: opening reads no weights; saving copies them as they are and never spreads damage', async () => {
    const doc = createProject({ name: 'big', templateId: 'mlp-64' });
    const ids = Array.from({ length: 12 }, (_, i) =>
      addRun(doc, { status: 'completed', config: {}, graph: doc.project.graph, history: [], durationSeconds: i, weights: fakeWeights(256 * 1024, i), created: new Date(Date.UTC(2026, 0, 1, 0, i)) }).meta.id,
    );
    const file = join(dir, 'big.layerlab');
    await saveProjectAs(doc, file);

    // Damage run 5's weights on disk. Opening and listing still work: no weights were read.
    const reader = await ZipReader.open(file);
    const { start } = await reader.dataRange(runEntries(ids[5]!).weights);
    await reader.close();
    const bytes = new Uint8Array(await readFile(file));
    bytes[start + 1000] ^= 0xff;
    await writeFile(file, bytes);
    const { doc: opened } = await openProject(file);
    expect(listRuns(opened)).toHaveLength(12);
    expect(new Float32Array((await loadRunWeights(opened, ids[7]!)).weightData.slice().buffer)[12345]).toBe(7);
    await expect(loadRunWeights(opened, ids[5]!)).rejects.toMatchObject({ code: 'corrupt' });

    // Saving copies weights without decoding them, but checks their checksums: the damaged run stops the save,
    // and the file on disk stays as it was.
    opened.project.notes = 'edited';
    await expect(saveProject(opened)).rejects.toBeInstanceOf(ProjectFileError);
    expect(Buffer.compare(await readFile(file), bytes)).toBe(0);
    expect((await readdir(dir)).filter((n) => n.includes('big.layerlab') && n.endsWith('.tmp'))).toStrictEqual([]);

    removeRun(opened, ids[5]!);
    await saveProject(opened);
    const again = await openProject(file);
    expect(again.doc.project.notes).toBe('edited');
    expect(new Float32Array((await loadRunWeights(again.doc, ids[11]!)).weightData.slice().buffer)[0]).toBe(11);
  });
});

describe('what the API handlers use', () => {
  it('the window sends project.json back (projects.save): validated with paths, runs kept', async () => {
    const file = join(dir, 'api-save.layerlab');
    const doc = createProject({ name: 'api', templateId: 'mlp-64' });
    addRun(doc, { status: 'completed', config: {}, graph: doc.project.graph, history: [], durationSeconds: 1 });
    await saveProjectAs(doc, file);
    const api = new ProjectHandlers((p: string) => p);
    const sent = JSON.parse(JSON.stringify(doc.project));
    sent.viewport = { x: 10, y: 20, zoom: 2 };
    await api.save(file, sent, false);
    expect((await openProject(file)).doc.project.viewport).toStrictEqual({ x: 10, y: 20, zoom: 2 });
    expect((await openProject(file)).doc.runs).toHaveLength(1);
    sent.graph.nodes[0].position = { x: 'a', y: 0 };
    await expect(api.save(file, sent, false)).rejects.toThrow(/graph\.nodes\[0\]\.position\.x/);
    expect((await openProject(file)).doc.project.viewport).toStrictEqual({ x: 10, y: 20, zoom: 2 }); // a refused save changes nothing
  });

  it('importing a .layerlab gives an unsaved copy', async () => {
    const file = join(dir, 'copy-source.layerlab');
    await saveProjectAs(createProject({ name: 'source', templateId: 'mlp-64' }), file);
    const copy = await importModel(file);
    expect(copy.path).toBeNull();
    expect(copy.project.name).toBe('source');
  });

  it('recent projects: newest first, no duplicates, in the cache dir', async () => {
    const prev = process.env.LAYERLAB_CACHE_DIR;
    process.env.LAYERLAB_CACHE_DIR = join(dir, 'recent-cache');
    try {
      expect(await listRecent()).toStrictEqual([]);
      await addRecent(join(dir, 'a.layerlab'), 'A', new Date('2026-01-01T00:00:00Z'));
      await addRecent(join(dir, 'b.layerlab'), 'B', new Date('2026-01-02T00:00:00Z'));
      await addRecent(join(dir, 'a.layerlab'), 'A2', new Date('2026-01-03T00:00:00Z'));
      expect((await listRecent()).map((e) => [e.name, e.openedAt])).toStrictEqual([
        ['A2', '2026-01-03T00:00:00.000Z'],
        ['B', '2026-01-02T00:00:00.000Z'],
      ]);
    } finally {
      if (prev === undefined) delete process.env.LAYERLAB_CACHE_DIR;
      else process.env.LAYERLAB_CACHE_DIR = prev;
    }
  });
});

describe('CLI: layerlab new / info', () => {
  it('new PATH creates PATH.layerlab from a template and refuses to overwrite', async () => {
    const base = join(dir, 'cli-demo');
    const made = await cli('new', base, '--template', 'cnn-first');
    expect(made).toMatchObject({ code: 0, out: `Created ${base}.layerlab (template cnn-first, 6 layers).\n` });
    const again = await cli('new', `${base}.layerlab`);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists.*--force/);
    expect((await cli('new', `${base}.layerlab`, '--force', '--name', 'Renamed')).code).toBe(0);
    expect((await openProject(`${base}.layerlab`)).doc.project.name).toBe('Renamed');
    expect((await cli('new', join(dir, 'x'), '--template', 'nope')).err).toMatch(/Unknown template 'nope'/);
  });

  it('new PATH in folders that do not exist yet creates them and says so', async () => {
    const base = join(dir, 'some', 'missing', 'folder', 'p');
    const made = await cli('new', base);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toBe(`Created folder ${join(dir, 'some')}.\nCreated ${base}.layerlab (template blank, 0 layers).\n`);
    expect((await openProject(`${base}.layerlab`)).doc.project.name).toBe('p');
    // A folder that cannot be made (a file is in the way) is named in the error, with what to do.
    await writeFile(join(dir, 'afile'), 'x');
    const blocked = await cli('new', join(dir, 'afile', 'sub', 'q'));
    expect(blocked.code).toBe(1);
    expect(blocked.err).toMatch(/cannot create the folder .*afile.sub for q\.layerlab \(ENOTDIR\): create it yourself or choose another PATH/);
  });

  it('info FILE prints the model summary and runs with best metrics', async () => {
    const file = join(dir, 'info.layerlab');
    const doc = createProject({ name: 'Info demo', templateId: 'mlp-64' });
    addRun(doc, { status: 'completed', config: {}, graph: doc.project.graph, history: [{ epoch: 0, metrics: { loss: 0.31, acc: 0.912 } }], durationSeconds: 75, weights: null });
    await saveProjectAs(doc, file);
    const { code, out } = await cli('info', file);
    expect(code).toBe(0);
    expect(out).toMatch(/^Project: Info demo$/m);
    expect(out).toMatch(/^Total params: 55,050$/m);
    expect(out).toMatch(/^Runs \(1\):$/m);
    expect(out).toMatch(/completed\s+1\s+loss=0\.3100 acc=0\.9120\s+1m15s\s+no/);
    const json = JSON.parse((await cli('info', file, '--json')).out);
    expect(json).toMatchObject({ name: 'Info demo', formatVersion: 3, params: { total: 55050 }, valid: true });
    const bad = await cli('info', join(dir, 'missing.layerlab'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/missing\.layerlab: no such file/);
  });
});
