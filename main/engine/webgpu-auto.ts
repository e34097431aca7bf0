/**
 * Whether the automatic backend choice can use webgpu, decided without loading Dawn into this process unless a GPU
 * adapter is really there. Loading Dawn costs about a second, and its native code (the Vulkan loader, its drivers,
 * Dawn itself) writes to stderr where nothing in Node can catch it: "XDG_RUNTIME_DIR is invalid or not set",
 * "Vulkan shaderUniform*ArrayDynamicIndexing required" for an old software driver. A CLI train that ends on wasm
 * printed both every time. So:
 *  - on Linux, with no GPU device node visible (/dev/dri render nodes, /dev/nvidia*, WSL's /dev/dxg) and no Vulkan
 *    driver chosen by hand (VK_ICD_FILENAMES / VK_DRIVER_FILES), no adapter can exist: nothing is loaded;
 *  - otherwise the adapters are asked for in a short-lived child process whose stderr is kept (LAYERLAB_DEBUG=1
 *    prints it), and only a usable hardware adapter lets the caller load Dawn here.
 * A forced webgpu (--backend webgpu, LAYERLAB_BACKEND) skips all this: the user asked for it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ADAPTER_ASKS, explainDawnError, findSwiftshaderIcd, summarizeAdapters } from './webgpu';
import type { Adapter, WebgpuProbe } from './webgpu';

/** Device nodes through which Linux exposes a GPU to Vulkan drivers. */
export function gpuDeviceVisible(
  listDir: (dir: string) => string[] = (d) => (existsSync(d) ? readdirSync(d) : []),
  exists: (p: string) => boolean = existsSync,
): boolean {
  return listDir('/dev/dri').some((n) => n.startsWith('renderD') || n.startsWith('card')) || exists('/dev/nvidia0') || exists('/dev/nvidiactl') || exists('/dev/dxg');
}

/** Why webgpu was not probed on a Linux machine without GPU devices; names the software driver where one exists. */
export function noGpuDeviceReason(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  const icd = env.VK_ICD_FILENAMES ? null : findSwiftshaderIcd(exists);
  const soft = icd ? `; to try a software GPU (slow), start Layerlab with VK_ICD_FILENAMES=${icd} and --backend webgpu` : '';
  return `webgpu: no GPU device is visible here (no /dev/dri render node, no /dev/nvidia*): install your GPU's driver, or give a container or VM access to the GPU${soft}`;
}

/** Asks Dawn for each adapter of ADAPTER_ASKS and prints them as JSON; runs in the child (plain CommonJS). */
const CHILD = `
const { create } = require(process.env.LAYERLAB_DAWN_MODULE);
const gpu = create([]);
const asks = JSON.parse(process.env.LAYERLAB_DAWN_ASKS);
const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o == null ? undefined : o[k]]));
(async () => {
  const out = [];
  for (const [name, options] of asks) {
    const a = await gpu.requestAdapter(options).catch(() => null);
    out.push([name, a && {
      info: pick(a.info, ['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter']),
      isFallbackAdapter: a.isFallbackAdapter,
      limits: pick(a.limits, ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX']),
    }]);
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();
`;

const PROBE_TIMEOUT_MS = 20_000;

/** The probe of webgpu.ts, run in a child process so that Dawn's native messages go to a pipe, not our stderr. */
export async function probeWebgpuQuietly(): Promise<WebgpuProbe & { stderr: string }> {
  let dawnModule: string;
  try {
    dawnModule = createRequire(import.meta.url).resolve('webgpu');
  } catch (err) {
    return { loaded: false, adapters: [], problem: explainDawnError(err), stderr: '' };
  }
  // Electron's binary runs as plain Node with ELECTRON_RUN_AS_NODE; plain Node ignores it.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', LAYERLAB_DAWN_MODULE: dawnModule, LAYERLAB_DAWN_ASKS: JSON.stringify(ADAPTER_ASKS) };
  const child = spawn(process.execPath, ['-e', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROBE_TIMEOUT_MS });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += String(d); });
  child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
  const code = await new Promise<number | null>((done) => {
    child.on('error', () => done(null));
    child.on('close', (c) => done(c));
  });
  if (process.env.LAYERLAB_DEBUG === '1' && stderr) process.stderr.write(`[webgpu probe] ${stderr}`);
  try {
    if (code !== 0) throw new Error(stderr.trim().split('\n').pop() || `exit code ${String(code)}`);
    return { ...summarizeAdapters(JSON.parse(stdout) as [string, Adapter | null][]), stderr };
  } catch (err) {
    return { loaded: false, adapters: [], problem: explainDawnError(err), stderr };
  }
}

/**
 * Null when the automatic choice should go on to load webgpu here (a hardware adapter answered), else why not.
 * `probe` and `deviceVisible` are seams for tests.
 */
export async function webgpuUnavailableForAutomaticChoice(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  deviceVisible: () => boolean = gpuDeviceVisible,
  probe: () => Promise<WebgpuProbe> = probeWebgpuQuietly,
): Promise<string | null> {
  const driverChosen = Boolean(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES);
  if (platform === 'linux' && !driverChosen && !deviceVisible()) return noGpuDeviceReason(env);
  const result = await probe();
  const first = result.adapters[0];
  if (!first || !first.preferences.includes('high-performance') || first.software) return result.problem ?? 'webgpu: no adapter';
  return null;
}
