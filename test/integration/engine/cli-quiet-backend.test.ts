/**
 * `layerlab train` with the automatic backend choice prints no native Vulkan / Dawn messages: Dawn is not loaded
 * where no GPU can be used (main/engine/webgpu-auto.ts), and where it is probed (a software driver chosen by hand,
 * SwiftShader here) its stderr goes to a pipe. Both runs must still name why webgpu was skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSwiftshaderIcd } from '../../../main/engine/webgpu';
import { fixture, mnistDir, repoRoot } from './paths';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'layerlab-quiet-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function train(env: Record<string, string | undefined>) {
  const args = ['train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '1', '--limit-train', '200', '--limit-test', '50'];
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env: { ...process.env, LAYERLAB_CACHE_DIR: cacheDir, ...env },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

const NOISE = /XDG_RUNTIME_DIR|Vulkan shaderUniform|BackendType::Vulkan|While initializing adapter/;
const icd = findSwiftshaderIcd();

describe('layerlab train, automatic backend: no native GPU noise', () => {
  it('without a Vulkan driver chosen (no GPU here): webgpu skipped with its reason, nothing from Dawn', () => {
    const r = train({ VK_ICD_FILENAMES: undefined, VK_DRIVER_FILES: undefined });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/skipped webgpu: /);
    expect(r.out).not.toMatch(NOISE);
  });

  it.skipIf(!icd)(`with the SwiftShader driver chosen (${icd ?? 'not installed: apt-get install chromium'}): probed in a child, skipped as software, nothing from Dawn`, () => {
    const r = train({ VK_ICD_FILENAMES: icd! });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/skipped webgpu: only a software adapter \(google swiftshader/);
    expect(r.out).not.toMatch(NOISE);
  });
});
