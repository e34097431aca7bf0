/**
 * bench/gpu-kit, what bench/gpu-check.sh needs beside a clean checkout on a GPU machine: built, it stays under the
 * 64 MiB the device tool carries, and runs with no node_modules anywhere above it: the GPU setup report, and a
 * wasm measurement with its threads (the bundled tfjs must still start its pthread workers).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildGpuKit } from '../../../scripts/build-gpu-kit.mjs';
import { repoRoot } from '../engine/paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-gpu-kit-'));
const kit = join(dir, 'gpu-kit');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [join(kit, 'gpu-speed.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, BENCH_REPO: repoRoot, LAYERLAB_WASM_DIR: join(kit, 'wasm') + '/', BENCH_DATA_DIR: join(kit, 'mnist'), NODE_PATH: '' },
  });
}

describe('bench/gpu-kit', () => {
  it('builds under 64 MiB with one Dawn binary', async () => {
    const bytes = (await buildGpuKit(kit, 'linux-x64')) as number;
    expect(bytes).toBeLessThan(64 * 2 ** 20);
    expect(bytes).toBeGreaterThan(20 * 2 ** 20); // Dawn alone is ~21 MB: it is really in there
  }, 120_000);

  it('prints the GPU setup and measures wasm (threaded) without node_modules', () => {
    const probe = run('--probe');
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout).toMatch(/CUDA 11\.2 \/ cuDNN 8\.1 libraries:/);
    expect(probe.stdout).toMatch(/WebGPU \(Dawn/);
    const r = run('--backend', 'wasm', '--model', 'cnn', '--samples', '32', '--batch', '16', '--seconds', '1');
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ backend: 'wasm', model: 'cnn', data: 'MNIST' });
    expect(line.detail).toMatch(availableParallelism() > 1 ? /SIMD, [2-8] threads/ : /SIMD, 1 thread/);
    expect(line.samplesPerSecond).toBeGreaterThan(0);
  }, 180_000);
});
