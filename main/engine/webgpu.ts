/**
 * The WebGPU backend: @tensorflow/tfjs-backend-webgpu on Dawn for Node (the optional npm package `webgpu`), which
 * reaches any GPU through Vulkan (Linux, Windows), Metal (macOS) or Direct3D 12 (Windows) with no CUDA install.
 *
 * A software adapter (SwiftShader, lavapipe/llvmpipe, WARP, anything Dawn marks as a fallback) is slower than our
 * wasm backend, so the automatic choice skips it; forcing `webgpu` (--backend webgpu, LAYERLAB_BACKEND) uses it,
 * which is how the tests run on machines without a GPU.
 *
 * Layerlab never points Vulkan at a software driver by itself: that would hide a missing GPU driver behind a backend
 * 50x slower than wasm. When no adapter is found and a SwiftShader driver exists on disk (Debian's chromium ships
 * one), the reason names the VK_ICD_FILENAMES setting that uses it. The variable must be set before the process
 * starts (the training runs in a worker thread, whose process.env never reaches the Vulkan loader).
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What `layerlab gpu`, Help > GPU setup and the engine panel say about one adapter. */
export interface WebgpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  /** Free text from the driver; on Vulkan it holds the driver's name and version. */
  description: string;
  /** A CPU rasteriser or fallback adapter: correct but slower than the wasm backend. */
  software: boolean;
  /** Which power preference(s) returned it ('high-performance' is what training uses). */
  preferences: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupSizeX: number;
  };
}

export interface WebgpuProbe {
  /** Dawn loaded (the `webgpu` package and its binary for this platform). */
  loaded: boolean;
  adapters: WebgpuAdapter[];
  /** Why no (hardware) adapter can be used, with what to install; absent when a hardware adapter is there. */
  problem?: string;
}

/** The subset of the WebGPU API we touch (the `webgpu` package's types come from @webgpu/types, a global d.ts). */
export interface Adapter {
  info: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: string; forceFallbackAdapter?: boolean }): Promise<Adapter | null>;
}

const SOFTWARE = /swiftshader|lavapipe|llvmpipe|softpipe|software|microsoft basic render|\bwarp\b/i;

export function isSoftwareAdapter(info: Record<string, unknown>, isFallback?: boolean): boolean {
  if (isFallback === true || info.isFallbackAdapter === true) return true;
  return SOFTWARE.test(['vendor', 'architecture', 'device', 'description'].map((k) => String(info[k] ?? '')).join(' '));
}

let dawn: Promise<{ gpu: Gpu } | { error: string }> | null = null;

/**
 * Loads Dawn once per thread and installs what tfjs-backend-webgpu expects of a browser: the GPU* globals
 * (GPUBufferUsage, GPUMapMode, ...) and navigator.gpu. Node 21+ has a navigator object of its own; Node 20 has none.
 */
export function loadDawn(): Promise<{ gpu: Gpu } | { error: string }> {
  dawn ??= (async () => {
    try {
      const mod = (await import('webgpu')) as unknown as { create(flags: string[]): Gpu; globals: Record<string, unknown> };
      const gpu = mod.create([]);
      for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
      const nav = (globalThis as { navigator?: object }).navigator;
      if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
      else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
      return { gpu };
    } catch (err) {
      return { error: explainDawnError(err) };
    }
  })();
  return dawn;
}

export function explainDawnError(err: unknown, platform = `${process.platform}-${process.arch}`): string {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /'webgpu'|"webgpu"|webgpu\/index/.test(msg) && !msg.includes('dawn.node')) {
    return 'webgpu: not installed (optional dependency, Dawn for Node: npm install webgpu)';
  }
  if (msg.includes('dawn.node')) {
    return `webgpu: Dawn has no working binary for ${platform} (${msg.split('\n')[0]}); it ships linux-x64/arm64, darwin and win32-x64/arm64: reinstall with npm install webgpu`;
  }
  return `webgpu: Dawn failed to load (${msg.split('\n')[0]})`;
}

/** Where a SwiftShader Vulkan driver manifest sits on this machine (Debian/Ubuntu chromium, Chrome), if anywhere. */
export function findSwiftshaderIcd(exists: (p: string) => boolean = existsSync): string | null {
  const candidates = [
    '/usr/lib/chromium/vk_swiftshader_icd.json',
    '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
    '/opt/google/chrome/vk_swiftshader_icd.json',
  ];
  return candidates.find((p) => exists(p)) ?? null;
}

/** The Vulkan loader Dawn opens on Linux; without it Dawn sees no adapter at all. */
function hasVulkanLoader(env: NodeJS.ProcessEnv, exists: (p: string) => boolean): boolean {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib'];
  return dirs.some((d) => exists(join(d, 'libvulkan.so.1')));
}

/** Why Dawn found no adapter, and what to install; names the software driver setting when one exists here. */
export function noAdapterReason(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  exists: (p: string) => boolean = existsSync,
): string {
  if (platform === 'darwin') return 'webgpu: Metal offered no GPU adapter (macOS 11 or newer on a Mac with a Metal GPU is needed)';
  if (platform === 'win32') return 'webgpu: Direct3D 12 / Vulkan offered no GPU adapter: install or update the graphics driver from your GPU vendor';
  const loader = hasVulkanLoader(env, exists);
  const base = loader
    ? 'webgpu: Vulkan found no usable GPU driver: install your GPU\'s Vulkan driver (mesa-vulkan-drivers for AMD/Intel, the NVIDIA driver for NVIDIA)'
    : 'webgpu: the Vulkan loader (libvulkan.so.1) is missing: install a GPU driver with Vulkan (e.g. apt install libvulkan1 mesa-vulkan-drivers for AMD/Intel, or the NVIDIA driver)';
  const icd = env.VK_ICD_FILENAMES ? null : findSwiftshaderIcd(exists);
  const soft = icd ? `; to try a software GPU (slow), start Layerlab with VK_ICD_FILENAMES=${icd} and --backend webgpu` : '';
  return base + soft;
}

function describeAdapter(a: Adapter, preference: string): WebgpuAdapter {
  const s = (k: string) => String(a.info[k] ?? '');
  const n = (k: string) => Number(a.limits[k] ?? 0);
  return {
    vendor: s('vendor'),
    architecture: s('architecture'),
    device: s('device'),
    description: s('description'),
    software: isSoftwareAdapter(a.info, a.isFallbackAdapter),
    preferences: [preference],
    limits: {
      maxBufferSize: n('maxBufferSize'),
      maxStorageBufferBindingSize: n('maxStorageBufferBindingSize'),
      maxComputeWorkgroupStorageSize: n('maxComputeWorkgroupStorageSize'),
      maxComputeInvocationsPerWorkgroup: n('maxComputeInvocationsPerWorkgroup'),
      maxComputeWorkgroupSizeX: n('maxComputeWorkgroupSizeX'),
    },
  };
}

/** The power preferences and fallback request each probe asks Dawn for, in order (high-performance first). */
export const ADAPTER_ASKS: readonly [string, { powerPreference?: string; forceFallbackAdapter?: boolean }][] = [
  ['high-performance', { powerPreference: 'high-performance' }],
  ['low-power', { powerPreference: 'low-power' }],
  ['fallback', { forceFallbackAdapter: true }],
];

/**
 * The adapters Dawn offers (WebGPU lists no adapters, it answers one per request: ask with each power preference and
 * for the fallback, and keep the distinct ones). The first is the one training uses ('high-performance').
 */
export async function probeWebgpu(): Promise<WebgpuProbe> {
  const d = await loadDawn();
  if ('error' in d) return { loaded: false, adapters: [], problem: d.error };
  const answers: [string, Adapter | null][] = [];
  for (const [name, options] of ADAPTER_ASKS) answers.push([name, await d.gpu.requestAdapter(options).catch(() => null)]);
  return summarizeAdapters(answers);
}

/** A probe's result from Dawn's answer to each request of ADAPTER_ASKS (null: no adapter for that request). */
export function summarizeAdapters(answers: readonly [string, Adapter | null][]): WebgpuProbe {
  const adapters: WebgpuAdapter[] = [];
  for (const [name, a] of answers) {
    if (!a) continue;
    const found = describeAdapter(a, name);
    const same = adapters.find((x) => x.vendor === found.vendor && x.device === found.device && x.description === found.description);
    if (same) same.preferences.push(name);
    else adapters.push(found);
  }
  const first = adapters[0];
  if (!first || !first.preferences.includes('high-performance')) return { loaded: true, adapters, problem: noAdapterReason() };
  if (first.software) {
    return {
      loaded: true,
      adapters,
      problem: `webgpu: only a software adapter (${adapterName(first, false)}), slower than wasm: install your GPU's driver (with Vulkan on Linux), or force it with --backend webgpu`,
    };
  }
  return { loaded: true, adapters };
}

export function adapterName(a: WebgpuAdapter, markSoftware = true): string {
  const what = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const extra = [a.device, a.description].filter(Boolean).join(', ');
  return `${what}${extra ? ` (${extra})` : ''}${a.software && markSoftware ? ', software' : ''}`;
}

/** Set once tfjs' webgpu backend has initialised in this thread: the adapter it runs on. */
let active: WebgpuAdapter | null = null;

/**
 * Activates tfjs' webgpu backend; returns null on success or the reason it was not used. In automatic choice
 * (`forced` false) a software adapter is skipped; forced, any adapter is used.
 */
export async function tryWebgpu(forced: boolean, setBackend: (name: string) => Promise<boolean>): Promise<string | null> {
  if (active) return (await setBackend('webgpu')) ? null : 'webgpu: the backend failed to initialise (see the warning above)';
  const probe = await probeWebgpu();
  const adapter = probe.adapters[0];
  if (!probe.loaded || !adapter || !adapter.preferences.includes('high-performance')) return probe.problem ?? noAdapterReason();
  if (adapter.software && !forced) return probe.problem ?? 'webgpu: software adapter';
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await setBackend('webgpu'))) return `webgpu: tfjs could not start on ${adapterName(adapter)} (see the warning above)`;
  } catch (err) {
    return `webgpu: failed to load tfjs-backend-webgpu (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`;
  }
  active = adapter;
  return null;
}

/** The adapter the webgpu backend runs on in this thread, once active. */
export function activeWebgpuAdapter(): WebgpuAdapter | null {
  return active;
}

/** Lines for `layerlab gpu` and Help > GPU setup. */
export function formatWebgpuProbe(probe: WebgpuProbe): string {
  const lines = ['WebGPU (Dawn; Vulkan / Metal / Direct3D 12, no CUDA needed):'];
  if (!probe.loaded) lines.push('  not available');
  for (const a of probe.adapters) {
    const l = a.limits;
    lines.push(
      `  ${a.software ? 'software' : 'GPU     '} ${adapterName(a, false)} [${a.preferences.join(', ')}]`,
      `           limits: max buffer ${mib(l.maxBufferSize)}, max storage binding ${mib(l.maxStorageBufferBindingSize)}, ` +
        `workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup`,
    );
  }
  lines.push(probe.problem ? `  Not ready: ${probe.problem.replace(/^webgpu: /, '')}` : '  Ready: the webgpu backend can train on the GPU.');
  return lines.join('\n');
}

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
