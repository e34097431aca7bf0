/** files.list: the browser-mode Open/Save dialogs' folder browser, confined like every other API path. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-files-'));
const root = join(dir, 'projects');
const outside = join(dir, 'elsewhere');
mkdirSync(join(root, 'week1'), { recursive: true });
mkdirSync(join(root, '.git'));
mkdirSync(outside);
writeFileSync(join(root, 'mlp.layerlab'), 'x');
writeFileSync(join(root, 'model.json'), '{}');
writeFileSync(join(root, 'notes.txt'), 'x');
writeFileSync(join(root, 'week1', 'cnn.layerlab'), 'x');
symlinkSync(outside, join(root, 'escape'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engineInfo = async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] });

describe('files.list', () => {
  const service = createBackendService({ engineInfo, baseDir: root, roots: [root] });
  afterAll(() => service.close());
  const call = async (params: unknown) => handleApiMessage(service, JSON.stringify({ id: 1, method: 'files.list', params }));

  it('lists folders first, then projects and models, without hidden folders, other files or links leading out; the root has no parent', async () => {
    expect(await call({})).toStrictEqual({
      id: 1,
      result: {
        path: root,
        parent: null,
        entries: [
          { name: 'week1', kind: 'folder' },
          { name: 'mlp.layerlab', kind: 'project' },
          { name: 'model.json', kind: 'model' },
        ],
        truncated: false,
      },
    });
    expect(await call({ path: 'week1' })).toMatchObject({ result: { path: join(root, 'week1'), parent: root, entries: [{ name: 'cnn.layerlab', kind: 'project' }] } });
  });

  it('refuses folders outside the roots, links included, and names a missing folder', async () => {
    for (const path of [outside, '..', 'escape', '/etc']) {
      expect(await call({ path }), path).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/outside the folders this server may use/) } });
    }
    expect(await call({ path: 'nope' })).toMatchObject({ error: { code: 'not-found', message: expect.stringContaining(`${join(root, 'nope')} does not exist: pick a folder that does, or create it first`) } });
    expect(await call({ path: 'mlp.layerlab' })).toMatchObject({ error: { code: 'invalid-params' } });
    expect(await call({ path: 3 })).toMatchObject({ error: { code: 'invalid-params' } });
  });

  it('without roots, a parent is offered up to the file system root', async () => {
    const open = createBackendService({ engineInfo, baseDir: root });
    try {
      const r = await handleApiMessage(open, JSON.stringify({ id: 2, method: 'files.list', params: { path: 'week1' } }));
      expect(r).toMatchObject({ result: { parent: root } });
      const top = await handleApiMessage(open, JSON.stringify({ id: 3, method: 'files.list', params: { path: '/' } }));
      expect(top).toMatchObject({ result: { path: '/', parent: null } });
    } finally {
      await open.close();
    }
  });
});
