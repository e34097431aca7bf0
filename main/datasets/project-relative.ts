/**
 * A project stores its own-data reference relative to the project file when the data lies in the project's folder
 * or a sibling of it, so that a project moved together with its data keeps working; anything farther away stays
 * absolute (a relative path that climbs out of the project's parent would break as soon as the project moves).
 * Paths are written with '/' so a project made on Windows opens elsewhere. Used where config.dataset is built for a
 * project and where it is resolved for training; the project store itself never rewrites paths.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ownDatasetOf, type DataSource } from '../../shared/data-preprocessing';

/** `path` relative to the folder of `projectFile` when it is inside that folder or a sibling of it; else absolute. */
export function relativeToProject(path: string, projectFile: string): string {
  // Already in its stored form (relative to the project): kept, so storing a stored config again changes nothing.
  if (!isAbsolute(path)) return path.split(sep).join('/');
  const abs = resolve(path);
  const rel = relative(dirname(resolve(projectFile)), abs);
  const parts = rel.split(sep);
  // At most one '..' first (a sibling folder); none later (relative() never makes those).
  if (rel === '' || isAbsolute(rel) || parts[0] === '..' && parts[1] === '..') return abs;
  return parts.join('/');
}

/** A stored path made absolute: a relative one is read from the project file's folder. */
export function resolveFromProject(path: string, projectFile: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(projectFile)), path);
}

function mapSource(source: DataSource, f: (p: string) => string): DataSource {
  return { ...source, path: f(source.path), ...(source.test_path ? { test_path: f(source.test_path) } : {}) };
}

/** A config whose own-data paths are stored relative to the project where possible; catalog configs unchanged. */
export function withProjectRelativeData<C extends { dataset?: unknown }>(config: C, projectFile: string): C {
  return mapOwnData(config, (p) => relativeToProject(p, projectFile));
}

/** A config (a project's, or one of its runs') whose own-data paths are absolute, resolved from the project. */
export function withResolvedData<C extends { dataset?: unknown }>(config: C, projectFile: string): C {
  return mapOwnData(config, (p) => resolveFromProject(p, projectFile));
}

function mapOwnData<C extends { dataset?: unknown }>(config: C, f: (p: string) => string): C {
  const dataset = config.dataset as ({ name: string } & Record<string, unknown>) | undefined;
  const own = dataset && typeof dataset === 'object' ? ownDatasetOf(dataset) : undefined;
  return own ? { ...config, dataset: { ...own, source: mapSource(own.source, f) } } : config;
}
