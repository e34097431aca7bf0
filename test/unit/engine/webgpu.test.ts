import { describe, expect, it } from 'vitest';
import { adapterName, explainDawnError, findSwiftshaderIcd, isSoftwareAdapter, noAdapterReason } from '../../../main/engine/webgpu';
import { parseBackendName, BACKENDS_BEST_FIRST } from '../../../main/engine/backend';

describe('webgpu backend: names, order and reasons', () => {
  it('sits between tfjs-node-gpu and tfjs-node, and is spelled several ways', () => {
    expect(BACKENDS_BEST_FIRST).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
    for (const s of ['webgpu', 'WebGPU', 'tfjs-backend-webgpu', 'dawn']) expect(parseBackendName(s)).toBe('webgpu');
  });

  it('tells software adapters from GPUs', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'lavapipe' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'amd' }, true)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3080', description: 'NVIDIA: 550.54' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel open-source Mesa driver: Mesa 23.2.1' })).toBe(false);
  });

  it('no adapter on Linux: names the Vulkan loader or driver to install, and the software driver when one is on disk', () => {
    const files = (...present: string[]) => (p: string) => present.includes(p);
    expect(noAdapterReason('linux', {}, files())).toMatch(/Vulkan loader \(libvulkan\.so\.1\) is missing: install .*apt install libvulkan1 mesa-vulkan-drivers/);
    expect(noAdapterReason('linux', {}, files())).not.toMatch(/VK_ICD_FILENAMES/);
    const withLoader = noAdapterReason('linux', {}, files('/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/chromium/vk_swiftshader_icd.json'));
    expect(withLoader).toMatch(/^webgpu: Vulkan found no usable GPU driver: install your GPU's Vulkan driver/);
    expect(withLoader).toMatch(/VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json and --backend webgpu/);
    // Already pointed at a driver: no advice to point at it again.
    expect(noAdapterReason('linux', { VK_ICD_FILENAMES: '/x.json' }, files('/usr/lib/chromium/vk_swiftshader_icd.json'))).not.toMatch(/VK_ICD/);
    expect(noAdapterReason('linux', { LD_LIBRARY_PATH: '/opt/vk' }, files('/opt/vk/libvulkan.so.1'))).toMatch(/no usable GPU driver/);
    expect(noAdapterReason('darwin', {}, files())).toMatch(/Metal/);
    expect(noAdapterReason('win32', {}, files())).toMatch(/graphics driver/);
  });

  it('finds the SwiftShader driver of Debian chromium or Chrome', () => {
    expect(findSwiftshaderIcd((p) => p === '/opt/google/chrome/vk_swiftshader_icd.json')).toBe('/opt/google/chrome/vk_swiftshader_icd.json');
    expect(findSwiftshaderIcd(() => false)).toBeNull();
  });

  it('a missing package or binary says what to install', () => {
    const missing = Object.assign(new Error("Cannot find package 'webgpu' imported from /app/main.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(explainDawnError(missing)).toBe('webgpu: not installed (optional dependency, Dawn for Node: npm install webgpu)');
    const binary = Object.assign(new Error("Cannot find module '/app/node_modules/webgpu/dist/freebsd-x64/dawn.node'"), { code: 'MODULE_NOT_FOUND' });
    expect(explainDawnError(binary, 'freebsd-x64')).toMatch(/^webgpu: Dawn has no working binary for freebsd-x64/);
    expect(explainDawnError(new Error('boom'))).toBe('webgpu: Dawn failed to load (boom)');
  });

  it('names an adapter for the engine panel', () => {
    const limits = { maxBufferSize: 0, maxStorageBufferBindingSize: 0, maxComputeWorkgroupStorageSize: 0, maxComputeInvocationsPerWorkgroup: 0, maxComputeWorkgroupSizeX: 0 };
    const a = { vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3080', description: 'NVIDIA: 550.54', software: false, preferences: ['high-performance'], limits };
    expect(adapterName(a)).toBe('nvidia ampere (NVIDIA GeForce RTX 3080, NVIDIA: 550.54)');
    expect(adapterName({ ...a, software: true })).toMatch(/, software$/);
  });
});
