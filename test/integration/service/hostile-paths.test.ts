/**
 * What a token holder learns or breaks without --root: errors never echo a file's content, open does not tell
 * whether a path exists, Save As does not replace a file that is not a project unless the client says force.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'root:x:0:0:root:/root:/bin/bash\nDB_PASSWORD=hunter2-very-secret\n';
const secretFile = join(dir, 'passwd');
writeFileSync(secretFile, SECRET);
mkdirSync(join(dir, 'folder'));

const service = createBackendService({ engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }), baseDir: dir });
afterAll(() => service.close());
const call = async (method: string, params: unknown) =>
  (await handleApiMessage(service, JSON.stringify({ id: 1, method, params }))) as { result?: any; error?: { code: string; message: string; details?: unknown } };

function expectNoEcho(message: string): void {
  for (const piece of ['root:x', 'DB_PASSWORD', 'hunter2', '/bin/bash']) expect(message).not.toContain(piece);
}

describe('errors never show a file’s content', () => {
  it('projects.import of a text file says it is not a model file, without quoting it', async () => {
    const r = await call('projects.import', { path: secretFile });
    expect(r.error?.message).toMatch(/not a model file|cannot open/);
    expectNoEcho(r.error!.message);
  });

  it('projects.import of a JSON file with the secret in a string value, and of truncated JSON', async () => {
    const jsonFile = join(dir, 'config.json');
    writeFileSync(jsonFile, JSON.stringify({ password: 'hunter2-very-secret', root: 'root:x' }));
    expectNoEcho((await call('projects.import', { path: jsonFile })).error!.message);
    const truncated = join(dir, 'broken.json');
    writeFileSync(truncated, '{"DB_PASSWORD": "hunter2-very-secret", ');
    const r = await call('projects.import', { path: truncated });
    expect(r.error?.message).toMatch(/invalid JSON/);
    expectNoEcho(r.error!.message);
  });

  it('projects.import of a device or of a model whose weight file links to one answers at once, reading nothing', async () => {
    const device = await call('projects.import', { path: '/dev/zero' });
    expect(device.error?.message).toMatch(/cannot open it|not a regular file/);
    const model = join(dir, 'linked', 'model.json');
    mkdirSync(join(dir, 'linked'));
    writeFileSync(model, JSON.stringify({
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] } },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [3, 2], dtype: 'float32' }, { name: 'd/bias', shape: [2], dtype: 'float32' }] }],
    }));
    symlinkSync('/dev/zero', join(dir, 'linked', 'w.bin'));
    const linked = await call('projects.import', { path: model });
    expect(linked.error?.message).toMatch(/the weight file 'w\.bin' is not a regular file/);
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096));
    rmSync(join(dir, 'linked', 'w.bin'));
    symlinkSync(join(dir, 'big.bin'), join(dir, 'linked', 'w.bin'));
    expect((await call('projects.import', { path: model })).error?.message).toMatch(/hold more than the 32 bytes the manifest describes/);
  });

  it('projects.open of a text file, a missing file and a folder reads the same (no existence oracle)', async () => {
    const messages = [];
    for (const path of [secretFile, join(dir, 'missing.layerlab'), join(dir, 'folder'), '/etc/shadow']) {
      const r = await call('projects.open', { path });
      expect(r.error?.code, path).toBe('not-found');
      expectNoEcho(r.error!.message);
      messages.push(r.error!.message.replace(path, 'PATH'));
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toMatch(/cannot open it: it is not a Layerlab project file, or it does not exist or cannot be read/);
  });
});

describe('Save As over an existing file', () => {
  it('refuses to replace a file that is not a project (conflict) and replaces it with force', async () => {
    const created = await call('projects.new', { template: 'mlp-64' });
    const project = created.result.project;
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes');
    const refused = await call('projects.saveAs', { path: notes, project });
    expect(refused.error).toMatchObject({ code: 'conflict', details: { overwrite: 'not-a-project' } });
    expect(refused.error!.message).toMatch(/already exists and is not a Layerlab project/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');

    expect((await call('projects.saveAs', { path: join(dir, 'folder'), project })).error?.message).toMatch(/is a folder/);

    expect(await call('projects.saveAs', { path: notes, project, force: true })).toMatchObject({ result: { path: notes } });
    expect(readFileSync(notes).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('replaces an existing project without asking, and writes a new file without asking', async () => {
    const project = (await call('projects.new', { template: 'mlp-64' })).result.project;
    const target = join(dir, 'a.layerlab');
    expect(await call('projects.saveAs', { path: target, project })).toMatchObject({ result: { path: target } });
    expect(await call('projects.saveAs', { path: target, project: { ...project, name: 'again' } })).toMatchObject({ result: { path: target } });
    expect((await call('projects.open', { path: target })).result.project.name).toBe('again');
  });
});
