import { formatGpuSetup, gpuSetup } from '../system/gpu-setup';
import type { Command } from './types';

export const gpuCommand: Command = {
  name: 'gpu',
  usage: 'gpu [--json]',
  summary: 'check the GPU setup: WebGPU adapters (any GPU, via Vulkan/Metal/Direct3D 12) and tfjs-node-gpu (NVIDIA driver, CUDA 11.2, cuDNN 8.1)',
  async run(argv) {
    const setup = await gpuSetup();
    process.stdout.write(argv.includes('--json') ? `${JSON.stringify(setup, null, 2)}\n` : `${formatGpuSetup(setup)}\n`);
    return 0;
  },
};
