#!/usr/bin/env node
// Bundles the Electron main process, the preload script and the training worker with esbuild (Vite's).
// npm packages stay external (electron-builder packs node_modules), so native tfjs addons load from disk.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes main.js, preload.cjs and train-worker.js (with source maps) into `outDir` (default out/electron). */
export async function buildElectron(outDir = join(root, 'out/electron')) {
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
  await Promise.all([
    build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: join(outDir, 'main.js'), format: 'esm', packages: 'external' }),
    // The training worker, started by main/engine/worker/client.ts from beside the bundled main (resolveWorkerEntry).
    // It stays inside app.asar: Electron 17+ gives worker threads asar support.
    build({ ...common, entryPoints: ['main/engine/worker/train-worker.ts'], outfile: join(outDir, 'train-worker.js'), format: 'esm', packages: 'external' }),
    // Sandboxed preloads run as CommonJS and may require only 'electron': bundle everything else in.
    build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: join(outDir, 'preload.cjs'), format: 'cjs', external: ['electron'] }),
  ]);
  return outDir;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) await buildElectron();
