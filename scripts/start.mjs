#!/usr/bin/env node
// `npm start`: build the window and the Electron shell, then launch the desktop app. Where the Electron binary
// cannot be had (it is downloaded on first launch; machines without internet cannot), say so in one line and
// serve the same UI in browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function run(cmd, cmdArgs) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
run(process.execPath, [join(root, 'scripts/build-electron.mjs')]);

// Resolving the `electron` package downloads its binary on first use; do it in a child so a failure is contained.
const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 10 * 60 * 1000,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const electronPath = probe.status === 0 ? probe.stdout.trim() : '';

if (electronPath && existsSync(electronPath)) {
  const child = spawn(electronPath, [root, ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = (probe.stderr || probe.error?.message || '').split('\n').find((l) => /Error|failed/i.test(l))?.trim() ?? 'unknown error';
  console.log(`Layerlab: the Electron binary could not be obtained (${why}); opening the same UI in browser mode instead.`);
  const child = spawn(process.execPath, [join(root, 'bin/layerlab.js'), 'serve', ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}
