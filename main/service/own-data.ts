/**
 * datasets.inspect and datasets.browse: the user's own data through the API, every path confined to the folders
 * the backend may use (layerlab serve --root), like project paths. A training config naming own data is checked
 * the same way before a run starts, so a client cannot train on (and read back) files outside those folders.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError } from '../../shared/api';
import type { BrowseResult, DatasetCard, InspectParams } from '../../shared/api-own-data';
import { ownDatasetOf, type DataKind } from '../../shared/data-preprocessing';
import type { TrainingConfig } from '../../shared/training';
import { datasetCard } from '../datasets/card';
import { DatasetError } from '../datasets/errors';
import { openOwnData } from '../datasets/own-data';

const KIND_OF_FILE: [RegExp, DataKind][] = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.npz$/i, 'npz'],
  [/\.npy$/i, 'npy'],
];

export class OwnDataHandlers {
  constructor(private readonly resolvePath: (path: string) => string) {}

  async inspect(params: InspectParams): Promise<DatasetCard> {
    const source = { ...params, path: this.resolvePath(params.path), ...(params.test_path ? { test_path: this.resolvePath(params.test_path) } : {}) };
    try {
      return await datasetCard(await openOwnData(source));
    } catch (err) {
      if (err instanceof DatasetError) throw new ApiError('invalid-params', err.message);
      throw err;
    }
  }

  async browse(path: string | undefined): Promise<BrowseResult> {
    const dir = this.resolvePath(path ?? '.');
    if (!(await stat(dir)).isDirectory()) throw new ApiError('invalid-params', `${dir} is not a folder: browse a folder`);
    const entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
      .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name))
      .slice(0, 1000)
      .map((e) => {
        const kind = KIND_OF_FILE.find(([re]) => re.test(e.name))?.[1];
        return { name: e.name, path: join(dir, e.name), type: e.isDirectory() ? ('folder' as const) : ('file' as const), ...(kind ? { dataKind: kind } : {}) };
      });
    let parent: string | undefined;
    try {
      parent = dirname(dir) !== dir ? this.resolvePath(dirname(dir)) : undefined;
    } catch {
      parent = undefined; // above the allowed folders
    }
    return { path: dir, ...(parent ? { parent } : {}), entries };
  }

  /** A config whose own data paths lie inside the allowed folders (resolved); catalog configs pass unchanged. */
  confine(config: TrainingConfig): TrainingConfig {
    let own;
    try {
      own = ownDatasetOf(config.dataset);
    } catch (err) {
      throw new ApiError('invalid-params', (err as Error).message);
    }
    if (!own) return config;
    const source = { ...own.source, path: this.resolvePath(own.source.path), ...(own.source.test_path ? { test_path: this.resolvePath(own.source.test_path) } : {}) };
    return { ...config, dataset: { ...own, source } };
  }
}
