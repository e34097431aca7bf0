#!/usr/bin/env node
// Bundles the Electron main process, the preload script and the training worker into out/ with esbuild (Vite's).
// npm packages stay external (electron-builder packs node_modules), so native tfjs addons load from disk.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'out/electron/main.js', format: 'esm', packages: 'external' }),
  // The training worker: started by main/engine/worker/client.ts from beside the bundled main (resolveWorkerEntry).
  build({ ...common, entryPoints: ['main/engine/worker/train-worker.ts'], outfile: 'out/electron/train-worker.js', format: 'esm', packages: 'external' }),
  // Sandboxed preloads run as CommonJS and may require only 'electron': bundle everything else in.
  build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: 'out/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
]);
