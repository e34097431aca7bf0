import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutosaveController, discard, listRecoverable, restore } from '../../../main/projects/autosave';
import { readProjectFile } from '../../../main/projects/file';
import { addRun, createProject, loadRunWeights, openProject, saveProjectAs } from '../../../main/projects/service';
import { saveProject } from '../../support/project-files';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let cache: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-autosave-'));
  cache = join(dir, 'cache');
  process.env.LAYERLAB_CACHE_DIR = cache;
});
afterAll(async () => {
  delete process.env.LAYERLAB_CACHE_DIR;
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('autosave and crash recovery', () => {
  it('writes only after the edits pause (debounced), once per quiet period', async () => {
    const doc = createProject({ name: 'debounce', templateId: 'mlp-64' });
    const saves: string[] = [];
    const autosave = new AutosaveController({ getDocument: () => doc, idleMs: 150, onSaved: (e) => saves.push(e.savedAt) });
    for (let i = 0; i < 6; i++) {
      doc.project.notes = `edit ${i}`;
      autosave.markDirty();
      await sleep(40);
    }
    expect(saves).toHaveLength(0); // still typing
    await sleep(300);
    expect(saves).toHaveLength(1);
    const [entry] = await listRecoverable({ includeActive: true });
    expect(entry!.id).toBe(autosave.id);
    expect((await readProjectFile(entry!.file)).project.notes).toBe('edit 5');
    expect(await listRecoverable()).toHaveLength(0); // our own live entry is not a crash leftover

    doc.project.notes = 'edit 6';
    autosave.markDirty();
    await autosave.flush();
    expect(saves).toHaveLength(2);
    await autosave.markSaved();
    expect(await listRecoverable({ includeActive: true })).toHaveLength(0);
    expect(await readdir(join(cache, 'recovery'))).toStrictEqual([]);
  });

  it('after a crash (SIGKILL) the next start lists the entry, restores the unsaved edits, and saving clears it', async () => {
    const file = join(dir, 'work.layerlab');
    const doc = createProject({ name: 'work', templateId: 'mlp-64' });
    addRun(doc, {
      status: 'completed',
      config: {},
      graph: doc.project.graph,
      history: [{ epoch: 0, metrics: { loss: 0.5, acc: 0.8 } }],
      durationSeconds: 3,
      weights: {
        modelJson: { modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }] },
        weightData: new Uint8Array(new Float32Array([1.5, -2, 3.25]).buffer),
      },
    });
    await saveProjectAs(doc, file);
    const runId = doc.runs[0]!.meta.id;

    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'autosave-child.ts'), file], {
        cwd: resolve(here, '../../..'),
        env: { ...process.env, LAYERLAB_CACHE_DIR: cache },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('autosaved')) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolvePromise() : reject(new Error(`child ended by itself: ${err}`))));
    });

    expect((await openProject(file)).doc.project.notes).not.toMatch(/unsaved/); // the real file was not touched
    const entries = await listRecoverable();
    expect(entries).toHaveLength(1);
    expect(entries[0]!).toMatchObject({ originalPath: file, name: 'work' });

    const restored = await restore(entries[0]!);
    expect(restored.path).toBe(file);
    expect(restored.project.notes).toBe('unsaved edit made before the crash');
    expect(restored.project.viewport).toStrictEqual({ x: 12, y: 34, zoom: 0.5 });
    expect(Array.from(new Float32Array((await loadRunWeights(restored, runId)).weightData.slice().buffer))).toStrictEqual([1.5, -2, 3.25]);

    const autosave = new AutosaveController({ getDocument: () => restored, entryId: entries[0]!.id });
    await saveProject(restored);
    await autosave.markSaved();
    expect(await listRecoverable({ includeActive: true })).toHaveLength(0);
    const reopened = await openProject(file);
    expect(reopened.doc.project.notes).toBe('unsaved edit made before the crash');
    expect(Array.from(new Float32Array((await loadRunWeights(reopened.doc, runId)).weightData.slice().buffer))).toStrictEqual([1.5, -2, 3.25]);
    await discard({ id: 'nothing-there' }); // discarding a missing entry is harmless
  });
});
