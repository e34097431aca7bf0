/**
 * Everything `layerlab gpu` and Help > GPU setup show: the CUDA report for tfjs-node-gpu (gpu.ts) next to the
 * WebGPU adapters Dawn offers (engine/webgpu.ts). Either one being ready means training can use the GPU.
 */
import { formatWebgpuProbe, type WebgpuProbe } from '../engine/webgpu';
import { probeWebgpuQuietly } from '../engine/webgpu-auto';
import { formatGpuReport, gpuReport, type GpuReport } from './gpu';

export interface GpuSetup extends GpuReport {
  /** The WebGPU side: adapters (vendor, architecture, device, driver, software or not, limits) and what is missing. */
  webgpu: WebgpuProbe;
  /** tfjs-node-gpu is ready, or WebGPU has a hardware adapter. */
  anyGpuReady: boolean;
}

export async function gpuSetup(cuda: GpuReport = gpuReport()): Promise<GpuSetup> {
  // In a child process: the Vulkan loader's and Dawn's own stderr lines (XDG_RUNTIME_DIR, driver warnings) would
  // otherwise land between the report's lines; LAYERLAB_DEBUG=1 still prints them. Dawn stays out of this process.
  const { stderr: _, ...webgpu } = await probeWebgpuQuietly();
  return { ...cuda, webgpu, anyGpuReady: cuda.ready || (webgpu.loaded && !webgpu.problem) };
}

export function formatGpuSetup(setup: GpuSetup): string {
  const verdict = setup.anyGpuReady
    ? 'Training can use the GPU.'
    : 'No GPU backend is ready: training runs on the CPU (wasm). Fix either section above to train on the GPU.';
  return ['CUDA (tfjs-node-gpu, NVIDIA only):', formatGpuReport(setup), '', formatWebgpuProbe(setup.webgpu), '', verdict].join('\n');
}
