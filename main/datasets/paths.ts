/**
 * Where dataset files live on this machine (the cache) and where else to look for them first (mirrors).
 */
import { join, resolve } from 'node:path';
import { userCacheRoot } from '../system/cache-root';

/** The cache root: an explicit folder (--cache, a service option), else the per-user one (system/cache-root). */
export function resolveCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ? resolve(explicit) : userCacheRoot({ env });
}

/** Folder of one catalog dataset inside the cache. */
export function datasetCacheDir(cacheDir: string, dataset: string): string {
  return join(cacheDir, 'datasets', dataset);
}

export type MirrorSource = { kind: 'dir'; dir: string } | { kind: 'url'; prefix: string };

function parseMirror(spec: string): MirrorSource {
  if (/^https?:\/\//i.test(spec)) return { kind: 'url', prefix: spec.endsWith('/') ? spec : spec + '/' };
  if (/^file:\/\//i.test(spec)) return { kind: 'dir', dir: resolve(new URL(spec).pathname) };
  return { kind: 'dir', dir: resolve(spec) };
}

/**
 * Mirrors to try before the internet, in order: the explicit ones, then LAYERLAB_DATASET_MIRROR (several may be
 * given, separated by commas). Each is a directory or an http(s) URL prefix with one sub-folder per dataset.
 */
export function resolveMirrors(explicit?: string | string[], env: NodeJS.ProcessEnv = process.env): MirrorSource[] {
  const specs: string[] = [];
  if (explicit) specs.push(...(Array.isArray(explicit) ? explicit : [explicit]));
  const fromEnv = env.LAYERLAB_DATASET_MIRROR;
  if (fromEnv) specs.push(...fromEnv.split(',').map((s) => s.trim()).filter(Boolean));
  return specs.map(parseMirror);
}
