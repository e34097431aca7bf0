import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { build } from 'esbuild';
import { wantedWasmThreads } from '../../../main/engine/backend';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const probe = join(repoRoot, 'test/integration/engine/fixtures/wasm-threads-probe.ts');
const tmp = mkdtempSync(join(tmpdir(), 'layerlab-wasm-threads-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ProbeResult { detail: string; threads: number; dwSum: number }

/** Runs `entry` in a worker thread of a fresh node process (wasm's pthread workers are then nested workers). */
function runInWorker(workerFile: string, workerData: Record<string, string>, env: Record<string, string>): { result: ProbeResult; status: number | null } {
  const host = join(tmp, `host-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(host, [
    "import { Worker } from 'node:worker_threads';",
    `const w = new Worker(${JSON.stringify(workerFile)}, { workerData: ${JSON.stringify(workerData)} });`,
    "w.on('message', (m) => { console.log(JSON.stringify(m)); void w.terminate(); });",
    "w.on('error', (e) => { console.error(e); process.exitCode = 2; });",
  ].join('\n'));
  // No explicit exit anywhere: a timeout here means the pthread workers keep the process alive.
  const r = spawnSync(process.execPath, [host], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0) throw new Error(`probe failed (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-2000)}`);
  return { result: JSON.parse(last) as ProbeResult, status: r.status };
}

describe('multithreaded wasm in Node', () => {
  it('reads LAYERLAB_WASM_THREADS, else one thread per core up to 8', () => {
    expect(wantedWasmThreads({}, 2)).toBe(2);
    expect(wantedWasmThreads({}, 32)).toBe(8);
    expect(wantedWasmThreads({ LAYERLAB_WASM_THREADS: '1' }, 2)).toBe(1);
    expect(wantedWasmThreads({ LAYERLAB_WASM_THREADS: '3' }, 2)).toBe(3);
    expect(() => wantedWasmThreads({ LAYERLAB_WASM_THREADS: 'two' }, 2)).toThrow(/LAYERLAB_WASM_THREADS is 'two'; set it to a whole number from 1 to 8/);
  });

  const bootstrap = join(repoRoot, 'main/engine/worker/bootstrap.mjs');
  let threaded: ProbeResult;

  it('runs 2 threads inside a worker thread started from source (tsx), and the process exits by itself', () => {
    threaded = runInWorker(bootstrap, { entry: probe }, { LAYERLAB_WASM_THREADS: '2' }).result;
    expect(threaded.threads).toBe(2);
    expect(threaded.detail).toBe('SIMD, 2 threads');
  });

  it('gives the same gradient single-threaded', () => {
    const single = runInWorker(bootstrap, { entry: probe }, { LAYERLAB_WASM_THREADS: '1' }).result;
    expect(single.detail).toBe('SIMD, 1 thread');
    expect(Math.abs(single.dwSum - threaded.dwSum) / Math.abs(single.dwSum)).toBeLessThan(1e-4);
  });

  it('runs 2 threads from an esbuild bundle (as out/electron/train-worker.js is built: packages external)', async () => {
    // Inside the repo (out/ is build output, git-ignored) so that its bare '@tensorflow/*' imports resolve.
    mkdirSync(join(repoRoot, 'out'), { recursive: true });
    const outDir = mkdtempSync(join(repoRoot, 'out', 'test-wasm-threads-'));
    onTestFinished(() => rmSync(outDir, { recursive: true, force: true }));
    const bundled = join(outDir, 'probe.js');
    await build({ entryPoints: [probe], outfile: bundled, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', absWorkingDir: repoRoot });
    const { result } = runInWorker(bundled, {}, { LAYERLAB_WASM_THREADS: '2' });
    expect(result.threads).toBe(2);
    // On the main thread nothing terminates the pthread workers: the process must still end when its work does.
    const direct = spawnSync(process.execPath, [bundled], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LAYERLAB_WASM_THREADS: '2' } });
    expect(direct.signal, 'the process did not exit by itself within 60 s').toBeNull();
    expect(direct.status).toBe(0);
    expect(Math.abs(result.dwSum - threaded.dwSum) / Math.abs(threaded.dwSum)).toBeLessThan(1e-4);
  });
});
