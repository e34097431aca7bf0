/**
 * The automatic backend choice loads Dawn only where a GPU adapter can exist (main/engine/webgpu-auto.ts): the
 * decision, with the device check and the probe replaced by stand-ins.
 */
import { describe, expect, it } from 'vitest';
import { gpuDeviceVisible, noGpuDeviceReason, webgpuUnavailableForAutomaticChoice } from '../../../main/engine/webgpu-auto';
import type { WebgpuAdapter, WebgpuProbe } from '../../../main/engine/webgpu';

const adapter = (software: boolean): WebgpuAdapter => ({
  vendor: software ? 'google' : 'nvidia', architecture: software ? 'swiftshader' : 'ampere', device: '', description: '', software,
  preferences: ['high-performance'],
  limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 1, maxComputeWorkgroupStorageSize: 1, maxComputeInvocationsPerWorkgroup: 1, maxComputeWorkgroupSizeX: 1 },
});

/** A probe stand-in that counts its calls. */
function probeOf(result: WebgpuProbe) {
  const calls = { n: 0 };
  return { calls, probe: async () => { calls.n++; return result; } };
}

describe('webgpu in the automatic choice', () => {
  it('Linux without a GPU device or a chosen driver: not probed, and the reason says why and what to do', async () => {
    const { calls, probe } = probeOf({ loaded: true, adapters: [adapter(false)] });
    const why = await webgpuUnavailableForAutomaticChoice({}, 'linux', () => false, probe);
    expect(calls.n).toBe(0);
    expect(why).toMatch(/^webgpu: no GPU device is visible here \(no \/dev\/dri render node, no \/dev\/nvidia\*\): install your GPU's driver/);
  });

  it.each([
    ['Linux with a GPU device', {}, 'linux', true],
    ['Linux with a Vulkan driver chosen by hand (VK_ICD_FILENAMES)', { VK_ICD_FILENAMES: '/x/icd.json' }, 'linux', false],
    ['macOS (Metal has no device node)', {}, 'darwin', false],
    ['Windows', {}, 'win32', false],
  ] as const)('%s: probed (in a child process), a hardware adapter lets it load', async (_t, env, platform, device) => {
    const { calls, probe } = probeOf({ loaded: true, adapters: [adapter(false)] });
    expect(await webgpuUnavailableForAutomaticChoice(env, platform, () => device, probe)).toBeNull();
    expect(calls.n).toBe(1);
  });

  it('a software adapter only, or none, gives the probe\'s reason', async () => {
    const soft = probeOf({ loaded: true, adapters: [adapter(true)], problem: 'webgpu: only a software adapter (google swiftshader)' });
    expect(await webgpuUnavailableForAutomaticChoice({}, 'linux', () => true, soft.probe)).toBe('webgpu: only a software adapter (google swiftshader)');
    const none = probeOf({ loaded: false, adapters: [], problem: 'webgpu: not installed' });
    expect(await webgpuUnavailableForAutomaticChoice({}, 'darwin', () => false, none.probe)).toBe('webgpu: not installed');
  });

  it('GPU device nodes: DRM render nodes and cards, NVIDIA, WSL', () => {
    expect(gpuDeviceVisible(() => ['renderD128'], () => false)).toBe(true);
    expect(gpuDeviceVisible(() => ['card0'], () => false)).toBe(true);
    expect(gpuDeviceVisible(() => ['by-path'], () => false)).toBe(false);
    expect(gpuDeviceVisible(() => [], (p) => p === '/dev/nvidia0')).toBe(true);
    expect(gpuDeviceVisible(() => [], (p) => p === '/dev/dxg')).toBe(true);
    expect(gpuDeviceVisible(() => [], () => false)).toBe(false);
  });

  it('the reason names the software driver setting only where one is installed and none is chosen', () => {
    const at = (p: string) => p === '/usr/lib/chromium/vk_swiftshader_icd.json';
    expect(noGpuDeviceReason({}, at)).toMatch(/; to try a software GPU \(slow\), start Layerlab with VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd.json and --backend webgpu$/);
    expect(noGpuDeviceReason({}, () => false)).not.toMatch(/software GPU/);
  });
});
