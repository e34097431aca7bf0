/**
 * `layerlab gpu` asks Dawn for adapters in a child process, as the automatic backend choice does: the Vulkan loader's
 * and Dawn's own stderr lines ("XDG_RUNTIME_DIR is invalid or not set", "Vulkan shaderUniform*ArrayDynamicIndexing
 * required", which this machine's Vulkan loader prints) must not reach the user's terminal; LAYERLAB_DEBUG=1 shows them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './paths';

function gpu(extra: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.XDG_RUNTIME_DIR;
  delete env.LAYERLAB_DEBUG;
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), 'gpu'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...env, ...extra } });
}

it('`layerlab gpu` prints its report and nothing of the native libraries on stderr', () => {
  const r = gpu({});
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/CUDA 11\.2 \/ cuDNN 8\.1 libraries:/);
  expect(r.stdout).toMatch(/WebGPU \(Dawn; Vulkan \/ Metal \/ Direct3D 12, no CUDA needed\):\n {2}\S/);
  expect(r.stderr).toBe('');
});

it('LAYERLAB_DEBUG=1 passes the probe\'s own stderr on, marked as the probe\'s', () => {
  const r = gpu({ LAYERLAB_DEBUG: '1' });
  expect(r.status, r.stderr).toBe(0);
  // Where Dawn prints nothing (no Vulkan loader), there is nothing to pass on.
  if (r.stderr) expect(r.stderr).toMatch(/^\[webgpu probe\] /);
});
