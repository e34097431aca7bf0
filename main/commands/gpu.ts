import { formatGpuReport, gpuReport } from '../system/gpu';
import type { Command } from './types';

export const gpuCommand: Command = {
  name: 'gpu',
  usage: 'gpu [--json]',
  summary: 'check the GPU setup for tfjs-node-gpu: NVIDIA driver, CUDA 11.2 and cuDNN 8.1 libraries',
  async run(argv) {
    const report = gpuReport();
    process.stdout.write(argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatGpuReport(report)}\n`);
    return 0;
  },
};
