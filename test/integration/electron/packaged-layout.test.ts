// The layout a packaged app runs from: the esbuild bundles of scripts/build-electron.mjs. The bundled main finds the
// bundled training worker beside it, and that worker really trains (loading tfjs and the .wasm files from
// node_modules), so a packaged app is not left with a worker path that only works from source.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveWorkerEntry, startTrainingWorker } from '../../../main/engine/worker/client';
import { resolveWasmDir } from '../../../main/engine/backend';
import { specFromJson } from '../../../main/engine/model';
import { TrainingConfigSchema } from '../../../shared/training';
import { fixture, mnistDir } from '../engine/paths';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildElectron } from '../../../scripts/build-electron.mjs';

const root = join(import.meta.dirname, '../../..');
// Inside the repo so that the bundles resolve node_modules exactly as a packaged app's out/electron does.
mkdirSync(join(root, 'out'), { recursive: true });
const outDir = mkdtempSync(join(root, 'out', 'layout-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('packaged layout', () => {
  it('bundles main, preload and the training worker side by side', async () => {
    await buildElectron(outDir);
    for (const f of ['main.js', 'preload.cjs', 'train-worker.js']) expect(existsSync(join(outDir, f)), f).toBe(true);
    // The sandboxed preload may require nothing but electron.
    const requires = [...readFileSync(join(outDir, 'preload.cjs'), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('the bundled main resolves the bundled worker, and that worker trains on real MNIST', async () => {
    const entry = resolveWorkerEntry(pathToFileURL(join(outDir, 'main.js')).href);
    expect(entry).toEqual({ file: join(outDir, 'train-worker.js') });
    const spec = specFromJson(JSON.parse(readFileSync(fixture('mlp-784-64-64-10.json'), 'utf8')));
    const config = TrainingConfigSchema.parse({
      dataset: { name: 'mnist' }, limit_train: 300, limit_test: 100, epochs: 1, batch_size: 50, seed: 3,
      telemetry: { histograms: false, filters: false, activations: false },
    });
    const handle = startTrainingWorker({ spec, config, data: { dataDir: mnistDir }, backend: 'wasm' }, () => {}, { entry });
    const end = await handle.finished;
    expect(end).toMatchObject({ type: 'done', status: 'completed', epochsCompleted: 1 });
  });

  it('in app.asar, the .wasm files are taken from app.asar.unpacked (where electron-builder puts them)', () => {
    const asarEntry = '/opt/Layerlab/resources/app.asar/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js';
    const dir = resolveWasmDir(asarEntry, {}, (p) => p.includes('app.asar.unpacked') && p.endsWith('tfjs-backend-wasm.wasm'));
    expect(dir).toBe('/opt/Layerlab/resources/app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  });
});
