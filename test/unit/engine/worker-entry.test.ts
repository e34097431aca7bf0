import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from '../../../main/engine/worker/client';

describe('training worker entry', () => {
  it('from source: the tsx bootstrap plus the .ts entry', () => {
    const dir = path.resolve('main/engine/worker');
    const e = resolveWorkerEntry(pathToFileURL(path.join(dir, 'client.ts')).href);
    expect(e).toEqual({ file: path.join(dir, 'bootstrap.mjs'), entry: path.join(dir, 'train-worker.ts') });
  });
  it('from a build: the compiled .js entry, started directly (also inside app.asar)', () => {
    const dir = '/opt/Layerlab/resources/app.asar/out/main/engine/worker';
    const e = resolveWorkerEntry(pathToFileURL(path.join(dir, 'client.js')).href, (p) => p.endsWith('train-worker.js'));
    expect(e).toEqual({ file: path.join(dir, 'train-worker.js') });
  });
  it('a build without the worker file says so', () => {
    expect(() => resolveWorkerEntry(pathToFileURL('/opt/x/client.js').href, () => false)).toThrow(/training worker is missing/);
  });
});
