/**
 * webgpu as a user reaches it (SwiftShader here, see test/support/swiftshader.ts): `layerlab train --backend webgpu` on
 * 500 real MNIST images against wasm with the same seed, `layerlab gpu` listing the adapter, and the app's engine
 * info (LAYERLAB_BACKEND=webgpu) naming it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { swiftshaderEnv, webgpuSkip, webgpuTitle } from '../../support/swiftshader';
import { fixture, mnistDir, repoRoot } from './paths';

function layerlab(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...swiftshaderEnv, ...env },
  });
}

/** The MLP fixture, 2 epochs of Adam on 500 images: small enough for SwiftShader (~30 s), and it learns (~80%). */
function train(backend: string): { val_acc: number; loss: number; backend: string }[] {
  const r = layerlab([
    'train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '2',
    '--limit-train', '500', '--limit-test', '200', '--seed', '1', '--optimizer', 'adam', '--learning-rate', '0.005',
    '--backend', backend, '--json', '--checkpoint-dir', path.join(process.env.LAYERLAB_CACHE_DIR!, 'ck'),
  ]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

describe.skipIf(webgpuSkip)(webgpuTitle('webgpu from the CLI and the app'), () => {
  it('`layerlab train --backend webgpu` on 500 MNIST images reaches the accuracy wasm reaches with the same seed (within 5 points)', () => {
    const gpu = train('webgpu');
    const wasm = train('wasm');
    expect(gpu.map((e) => e.backend)).toEqual(['webgpu', 'webgpu']);
    expect(wasm.at(-1)!.val_acc).toBeGreaterThan(0.6);
    expect(Math.abs(gpu.at(-1)!.val_acc - wasm.at(-1)!.val_acc)).toBeLessThanOrEqual(0.05);
    expect(gpu.at(-1)!.loss).toBeLessThan(gpu[0]!.loss);
  }, 600_000);

  it('without --backend, the software adapter is skipped with the reason printed; LAYERLAB_BACKEND=webgpu forces it', () => {
    const args = ['train', fixture('mlp-784-64-64-10.json'), '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '1', '--limit-train', '64', '--limit-test', '32', '--json'];
    const auto = layerlab(args, { LAYERLAB_BACKEND: '' });
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/skipped webgpu: only a software adapter \(google swiftshader/);
    const forced = layerlab(args, { LAYERLAB_BACKEND: 'webgpu' });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/backend: webgpu \(google swiftshader .*software\)/);
    expect(JSON.parse(forced.stdout.trim()).backend).toBe('webgpu');
  }, 300_000);

  it('`layerlab gpu` lists the adapter with its driver, kind and limits next to the CUDA report', () => {
    const r = layerlab(['gpu']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/CUDA 11\.2 \/ cuDNN 8\.1 libraries:/);
    expect(r.stdout).toMatch(/WebGPU \(Dawn.*\n {2}software google swiftshader \(swiftshader-device.*SwiftShader driver [\d.]+\)/);
    expect(r.stdout).toMatch(/limits: max buffer \d+ MiB, max storage binding \d+ MiB/);
    const json = JSON.parse(layerlab(['gpu', '--json']).stdout);
    expect(json.webgpu.adapters[0]).toMatchObject({ vendor: 'google', architecture: 'swiftshader', software: true });
    expect(json.anyGpuReady).toBe(false);
  });

  it("the app's engine info names the adapter it trains on (LAYERLAB_BACKEND=webgpu) and lists the adapters", async () => {
    const before = process.env.LAYERLAB_BACKEND;
    process.env.LAYERLAB_BACKEND = 'webgpu';
    const service = createBackendService({});
    try {
      const response = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'system.info', params: {} }));
      if (!('result' in response)) throw new Error(JSON.stringify(response));
      const info = response.result as { engine: { backend: string; gpuNotes: string[] } };
      expect(info.engine.backend).toMatch(/^webgpu \(google swiftshader .*software\)$/);
      expect(info.engine.gpuNotes).toContainEqual(expect.stringMatching(/^WebGPU adapter: google swiftshader/));
    } finally {
      if (before === undefined) delete process.env.LAYERLAB_BACKEND;
      else process.env.LAYERLAB_BACKEND = before;
      await service.close();
    }
  });
});
