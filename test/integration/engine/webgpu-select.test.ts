/**
 * The webgpu backend on a software adapter (SwiftShader, see test/support/swiftshader.ts): the automatic choice skips
 * it with a reason naming what to install; forcing it (as --backend webgpu and LAYERLAB_BACKEND do) trains on it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backend';
import { formatWebgpuProbe, probeWebgpu } from '../../../main/engine/webgpu';
import { webgpuSkip, webgpuTitle } from '../../support/swiftshader';

describe.skipIf(webgpuSkip)(webgpuTitle('webgpu on a software adapter'), () => {
  it('Dawn reports the adapter: vendor, architecture, device, driver, software, limits', async () => {
    const probe = await probeWebgpu();
    const a = probe.adapters[0]!;
    expect(a).toMatchObject({ vendor: 'google', architecture: 'swiftshader', software: true });
    expect(a.description).toMatch(/SwiftShader driver \d/);
    expect(a.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(probe.problem).toMatch(/only a software adapter \(google swiftshader.*install your GPU's driver \(with Vulkan on Linux\)/);
    const text = formatWebgpuProbe(probe);
    expect(text).toMatch(/software google swiftshader \(swiftshader-device.*SwiftShader driver .*\) \[high-performance/);
    expect(text).toMatch(/limits: max buffer \d+ MiB/);
  });

  it('the automatic choice skips the software adapter, says why, and lands on wasm', async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe('wasm');
    const webgpu = choice.reasons.find((r) => r.name === 'webgpu');
    expect(webgpu?.reason).toMatch(/^webgpu: only a software adapter \(google swiftshader.*\), slower than wasm: install your GPU's driver/);
    expect(choice.reasons.map((r) => r.name)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node']);
  });

  it('forced, it runs on the software adapter and names it; gradients come back', async () => {
    const choice = await selectBackend({ force: 'webgpu' });
    expect(choice).toMatchObject({ backend: 'webgpu', tfBackend: 'webgpu', reasons: [], adapter: { architecture: 'swiftshader', software: true } });
    expect(choice.detail).toMatch(/^google swiftshader .*software$/);
    expect(tf.getBackend()).toBe('webgpu');
    const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const g = tf.grad((v: tf.Tensor) => v.square().sum())(w);
    expect(Array.from(await g.data())).toEqual([2, 4, 6, 8]);
    tf.dispose([w, g]);
    // A second selection in the same thread reuses the started backend.
    expect((await selectBackend({ force: 'dawn' })).backend).toBe('webgpu');
  });
});
