/** layerlab serve --root: API paths stay inside the allowed folders, links and `..` included. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { createPathResolver } from '../../../main/service/paths';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-roots-'));
const root = join(dir, 'projects');
const outside = join(dir, 'elsewhere');
mkdirSync(root);
mkdirSync(outside);
symlinkSync(outside, join(root, 'escape'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createPathResolver', () => {
  it('without roots resolves relative paths against the base folder and allows any path', () => {
    const r = createPathResolver(root);
    expect(r('a.layerlab')).toBe(join(root, 'a.layerlab'));
    expect(r('/tmp/x.layerlab')).toBe('/tmp/x.layerlab');
  });

  it('with roots allows paths inside them (existing or not yet created) and refuses the rest', () => {
    const r = createPathResolver(root, [root]);
    expect(r('a.layerlab')).toBe(join(root, 'a.layerlab'));
    expect(r(join(root, 'new', 'deeper', 'b.layerlab'))).toBe(join(root, 'new', 'deeper', 'b.layerlab'));
    expect(r(root)).toBe(root);
    for (const bad of ['../elsewhere/x.layerlab', join(outside, 'x.layerlab'), '/etc/passwd', `${root}-sibling/x`, 'escape/x.layerlab', 'escape/new/y']) {
      expect(() => r(bad), bad).toThrow(ApiError);
      expect(() => r(bad), bad).toThrow(/outside the folders this server may use .*--root/);
    }
  });
});

describe('the API with roots', () => {
  const service = createBackendService({ engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }), baseDir: root, roots: [root] });
  afterAll(() => service.close());
  const call = async (method: string, params: unknown) => handleApiMessage(service, JSON.stringify({ id: 1, method, params }));

  it('saves inside the root and answers forbidden for a path outside it', async () => {
    const created = await call('projects.new', { template: 'mlp-64' });
    const project = 'result' in created ? (created.result as { project: unknown }).project : null;
    expect(await call('projects.saveAs', { path: 'ok.layerlab', project })).toMatchObject({ result: { path: join(root, 'ok.layerlab') } });
    expect(await call('projects.saveAs', { path: join(outside, 'no.layerlab'), project })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await call('projects.open', { path: 'escape/../../elsewhere/no.layerlab' })).toMatchObject({ error: { code: 'forbidden' } });
    const exported = await call('export.run', { format: 'keras', graph: (project as { graph: unknown }).graph, path: 'escape/out' });
    expect(exported, JSON.stringify(exported)).toMatchObject({ error: { code: 'forbidden' } });
  });
});
