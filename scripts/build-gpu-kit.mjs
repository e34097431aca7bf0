#!/usr/bin/env node
// Builds bench/gpu-kit/ (git-ignored): what bench/gpu-check.sh needs beside a clean checkout on a GPU machine with
// no network and no npm install: bench/gpu-speed.ts bundled with every JS dependency (tfjs, our engine), the
// tfjs-backend-wasm .wasm binaries, the webgpu package with the Dawn binary of one platform only, and MNIST's
// training files. About 37 MiB for linux-x64 (the device tool carries at most 64 MiB).
// Usage: node scripts/build-gpu-kit.mjs [platform-arch, default this machine's]
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const thisPlatform = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;

/** Writes the kit into `kit` for Dawn's `target` folder (linux-x64, darwin-universal, win32-x64, ...); returns its bytes. */
export async function buildGpuKit(kit = join(root, 'bench/gpu-kit'), target = thisPlatform) {
  rmSync(kit, { recursive: true, force: true });
  await build({
    bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning', absWorkingDir: root,
    entryPoints: ['bench/gpu-speed.ts'], outfile: join(kit, 'gpu-speed.mjs'),
    // Native addons stay outside the bundle: webgpu is copied beside it; the tfjs-node packages cannot be carried
    // (libtensorflow) and report "not installed" unless installed on that machine.
    external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    // tfjs' CommonJS modules use require and __dirname (emscripten): give the ES module bundle both.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __toPath } from 'node:url'; " +
        "import { dirname as __dirOf } from 'node:path'; const require = __createRequire(import.meta.url); " +
        'const __filename = __toPath(import.meta.url); const __dirname = __dirOf(__filename);',
    },
  });

  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(kit, 'wasm'), { recursive: true });
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(kit, 'wasm', f));

  const webgpu = join(root, 'node_modules/webgpu');
  const dest = join(kit, 'node_modules/webgpu');
  for (const f of ['index.js', 'package.json', 'LICENSE.md']) cpSync(join(webgpu, f), join(dest, f));
  cpSync(join(webgpu, 'dist', target), join(dest, 'dist', target), { recursive: true });

  // MNIST's training files (~10 MB), so the CNN and PyTorch train on real images there too.
  const mnist = join(root, '../shared/datasets/mnist');
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) {
    if (existsSync(join(mnist, f))) cpSync(join(mnist, f), join(kit, 'mnist', f));
  }
  const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
  return size(kit);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const target = process.argv[2] ?? thisPlatform;
  const bytes = await buildGpuKit(undefined, target);
  console.log(`bench/gpu-kit for ${target}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
}
