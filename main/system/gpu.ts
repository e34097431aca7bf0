/**
 * What a user needs to know to get @tensorflow/tfjs-node-gpu running: the driver, and whether the CUDA 11.2 and
 * cuDNN 8.1 libraries that libtensorflow 2.9 links against can be found on the library path. Shown by Help > GPU
 * setup and `layerlab gpu`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface GpuLibrary {
  /** The file tfjs-node-gpu's libtensorflow loads, e.g. libcudart.so.11.0. */
  file: string;
  /** What it is and where it comes from. */
  provides: string;
  foundAt: string | null;
}

export interface GpuReport {
  platform: string;
  /** tfjs-node-gpu ships binaries for Linux x86_64 and Windows x86_64 only. */
  platformSupported: boolean;
  driver: { version: string; gpus: string[] } | null;
  libraries: GpuLibrary[];
  /** Ready when the platform is supported, a driver answers and every library is found. */
  ready: boolean;
  /** One line per problem, each saying what to do. */
  advice: string[];
}

const LINUX_LIBRARIES: [string, string][] = [
  ['libcudart.so.11.0', 'CUDA 11.2 runtime (CUDA Toolkit 11.2)'],
  ['libcublas.so.11', 'cuBLAS (CUDA Toolkit 11.2)'],
  ['libcublasLt.so.11', 'cuBLASLt (CUDA Toolkit 11.2)'],
  ['libcufft.so.10', 'cuFFT (CUDA Toolkit 11.2)'],
  ['libcurand.so.10', 'cuRAND (CUDA Toolkit 11.2)'],
  ['libcusolver.so.11', 'cuSOLVER (CUDA Toolkit 11.2)'],
  ['libcusparse.so.11', 'cuSPARSE (CUDA Toolkit 11.2)'],
  ['libcudnn.so.8', 'cuDNN 8.1 for CUDA 11.2'],
];

const WINDOWS_LIBRARIES: [string, string][] = [
  ['cudart64_110.dll', 'CUDA 11.2 runtime (CUDA Toolkit 11.2)'],
  ['cublas64_11.dll', 'cuBLAS (CUDA Toolkit 11.2)'],
  ['cufft64_10.dll', 'cuFFT (CUDA Toolkit 11.2)'],
  ['curand64_10.dll', 'cuRAND (CUDA Toolkit 11.2)'],
  ['cusolver64_11.dll', 'cuSOLVER (CUDA Toolkit 11.2)'],
  ['cusparse64_11.dll', 'cuSPARSE (CUDA Toolkit 11.2)'],
  ['cudnn64_8.dll', 'cuDNN 8.1 for CUDA 11.2'],
];

export interface GpuProbeEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  /** Extra directories to search (tests point this at a folder of their own). */
  extraDirs?: string[];
  /** Runs nvidia-smi; returns its stdout or null. Injected so tests need no GPU. */
  nvidiaSmi?: () => string | null;
}

export function libraryDirs(probe: GpuProbeEnvironment): string[] {
  const fromEnv = (name: string) => (probe.env[name] ?? '').split(probe.platform === 'win32' ? ';' : delimiter).filter(Boolean);
  if (probe.platform === 'win32') {
    const cudaPath = probe.env.CUDA_PATH ? [join(probe.env.CUDA_PATH, 'bin')] : [];
    return [...(probe.extraDirs ?? []), ...cudaPath, ...fromEnv('PATH')];
  }
  return [
    ...(probe.extraDirs ?? []),
    ...fromEnv('LD_LIBRARY_PATH'),
    '/usr/local/cuda-11.2/lib64',
    '/usr/local/cuda/lib64',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
  ];
}

function runNvidiaSmi(): string | null {
  const result = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout : null;
}

function parseDriver(smiOutput: string | null): GpuReport['driver'] {
  if (!smiOutput) {
    // Linux without nvidia-smi on PATH may still have the kernel module loaded.
    if (existsSync('/proc/driver/nvidia/version')) {
      const text = readFileSync('/proc/driver/nvidia/version', 'utf8');
      const match = /Kernel Module\s+([\d.]+)/.exec(text);
      if (match) return { version: match[1], gpus: [] };
    }
    return null;
  }
  const rows = smiOutput.trim().split('\n').map((line) => line.split(',').map((s) => s.trim()));
  return { version: rows[0]?.[1] ?? 'unknown', gpus: rows.map((r) => r[0]) };
}

export function gpuReport(probe: GpuProbeEnvironment = { platform: process.platform, arch: process.arch, env: process.env }): GpuReport {
  const platformSupported = (probe.platform === 'linux' || probe.platform === 'win32') && probe.arch === 'x64';
  const dirs = libraryDirs(probe);
  const wanted = probe.platform === 'win32' ? WINDOWS_LIBRARIES : LINUX_LIBRARIES;
  const libraries = wanted.map(([file, provides]) => ({
    file,
    provides,
    foundAt: dirs.map((d) => join(d, file)).find((p) => existsSync(p)) ?? null,
  }));
  const driver = parseDriver((probe.nvidiaSmi ?? runNvidiaSmi)());
  const advice: string[] = [];
  if (!platformSupported) {
    advice.push(
      `tfjs-node-gpu has no build for ${probe.platform}/${probe.arch}: it supports Linux x86_64 and Windows x86_64 only. Layerlab trains on the CPU (tfjs-node or wasm) here.`,
    );
  }
  if (!driver) {
    advice.push('No NVIDIA driver answered (nvidia-smi not found or failed): install the NVIDIA driver, version 450.80 or newer.');
  } else if (Number.parseFloat(driver.version) < 450) {
    advice.push(`NVIDIA driver ${driver.version} is too old for CUDA 11.2: install 450.80 or newer.`);
  }
  const missing = libraries.filter((l) => !l.foundAt);
  if (missing.length) {
    const where = probe.platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH';
    const example = probe.platform === 'win32' ? '' : ', e.g. export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64:$LD_LIBRARY_PATH';
    const what = missing.length === 1 ? `${missing[0].file} not found (${missing[0].provides})` : `not found: ${missing.map((l) => l.file).join(', ')}`;
    const needs = [...new Set(missing.map((l) => (l.file.includes('cudnn') ? 'cuDNN 8.1' : 'CUDA Toolkit 11.2')))].join(' and ');
    advice.push(`${what}. Install ${needs} and put the folders holding them on ${where}${example}.`);
  }
  return {
    platform: `${probe.platform}/${probe.arch}`,
    platformSupported,
    driver,
    libraries,
    ready: platformSupported && !!driver && missing.length === 0 && advice.length === 0,
    advice,
  };
}

export function formatGpuReport(report: GpuReport): string {
  const lines = [
    `Platform: ${report.platform}${report.platformSupported ? '' : ' (not supported by tfjs-node-gpu)'}`,
    `NVIDIA driver: ${report.driver ? `${report.driver.version}${report.driver.gpus.length ? ` (${report.driver.gpus.join(', ')})` : ''}` : 'not found'}`,
    'CUDA 11.2 / cuDNN 8.1 libraries:',
    ...report.libraries.map((l) => `  ${l.foundAt ? 'found  ' : 'missing'} ${l.file.padEnd(20)} ${l.foundAt ?? l.provides}`),
    report.ready ? 'Ready: tfjs-node-gpu can use the GPU.' : 'Not ready:',
    ...report.advice.map((a) => `  - ${a}`),
  ];
  return lines.join('\n');
}
