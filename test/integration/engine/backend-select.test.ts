import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backend';

describe('backend selection here (native packages absent)', () => {
  it('falls back to wasm and says why each better backend was skipped', async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reasons.map((r) => r.name)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node']);
    for (const r of choice.reasons.filter((r) => r.name !== 'webgpu')) expect(r.reason).toMatch(/not installed \(optional dependency; its install downloads libtensorflow/);
    // No GPU here: no GPU device (Dawn not even loaded), no Vulkan loader, no driver, or only a software one
    // (webgpu-select.test.ts covers that case).
    expect(choice.reasons[1]!.reason).toMatch(/^webgpu: (no GPU device is visible here|the Vulkan loader|Vulkan found no usable GPU driver|only a software adapter|Metal|Direct3D)/);
    expect(choice.detail).toMatch(/SIMD/);
    // Our gradient kernels are in place: stock wasm has no Conv2DBackpropFilter.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('forcing an unavailable backend is an error naming why, not a silent fallback', async () => {
    await expect(selectBackend({ force: 'tfjs-node' })).rejects.toThrow(/backend 'tfjs-node' is not available: tfjs-node: not installed/);
    await expect(selectBackend({ force: 'gpu' })).rejects.toThrow(/tfjs-node-gpu: not installed/);
  });

  it('forcing cpu works', async () => {
    const choice = await selectBackend({ force: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', tfBackend: 'cpu', reasons: [] });
    expect(tf.getBackend()).toBe('cpu');
  });
});
