/**
 * First contact: after `npm install`, `npx layerlab serve` must open the window, not a 503 page. When the built
 * renderer is missing, build it once with the project's own Vite (a devDependency, present in any checkout that ran
 * `npm install`), printing a progress line, so the README's two commands are enough.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VITE_BIN = resolve(ROOT, 'node_modules/vite/bin/vite.js');

export type BuildOutcome =
  | { kind: 'present' }
  | { kind: 'built'; seconds: number }
  | { kind: 'failed'; reason: string };

export function rendererBuilt(dir: string): boolean {
  return existsSync(resolve(dir, 'index.html'));
}

/** Builds the renderer into `outDir` unless its index.html is already there. Never throws: the server still runs. */
export async function ensureRendererBuilt(outDir: string, log: (line: string) => void): Promise<BuildOutcome> {
  if (rendererBuilt(outDir)) return { kind: 'present' };
  if (!existsSync(VITE_BIN)) {
    return { kind: 'failed', reason: `Vite is not installed (${VITE_BIN} missing): run npm install in ${ROOT}, then npm run build:renderer` };
  }
  log(`Building the window into ${outDir} (first start only)...`);
  const started = Date.now();
  const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (err) => done({ code: -1, stderr: err.message }));
    child.on('close', (code) => done({ code, stderr }));
  });
  if (result.code !== 0 || !rendererBuilt(outDir)) {
    const last = result.stderr.trim().split('\n').slice(-3).join(' ').trim();
    return { kind: 'failed', reason: `the window's build failed (${last || `exit ${result.code}`}): run npm run build:renderer to see why` };
  }
  const seconds = (Date.now() - started) / 1000;
  log(`Built the window in ${seconds.toFixed(0)} s.`);
  return { kind: 'built', seconds };
}
