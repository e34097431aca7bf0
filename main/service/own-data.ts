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
import { resolveFromProject, withProjectRelativeData, withResolvedData } from '../datasets/project-relative';
import { regressionLossProblem } from '../commands/train-own-data';

const KIND_OF_FILE: [RegExp, DataKind][] = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.npz$/i, 'npz'],
  [/\.npy$/i, 'npy'],
];

export class OwnDataHandlers {
  constructor(private readonly resolvePath: (path: string) => string) {}

  async inspect({ project, ...params }: InspectParams): Promise<DatasetCard> {
    // For a project, a relative path is read from the project's folder, as the reference its config stores is.
    const projectFile = project ? this.resolvePath(project) : undefined;
    const at = (p: string) => this.resolvePath(projectFile ? resolveFromProject(p, projectFile) : p);
    const source = { ...params, path: at(params.path), ...(params.test_path ? { test_path: at(params.test_path) } : {}) };
    try {
      const card = await datasetCard(await openOwnData(source));
      // For a project, the config the window stores names the data relative to the project file where it can.
      return projectFile ? { ...card, config: withProjectRelativeData({ dataset: card.config }, projectFile).dataset } : card;
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

  /**
   * A config whose own data paths lie inside the allowed folders (resolved; a relative one from the project's
   * folder); catalog configs pass unchanged. A cross-entropy loss on a regression dataset is refused here, before
   * any data is read, as the fix is one setting away.
   */
  confine(config: TrainingConfig, project?: string): TrainingConfig {
    let own;
    try {
      own = ownDatasetOf(config.dataset);
    } catch (err) {
      throw new ApiError('invalid-params', (err as Error).message);
    }
    const wrongLoss = regressionLossProblem(config);
    if (wrongLoss) throw new ApiError('invalid-params', wrongLoss);
    if (!own) return config;
    if (project) own = withResolvedData({ dataset: own }, project).dataset;
    const source = { ...own.source, path: this.resolvePath(own.source.path), ...(own.source.test_path ? { test_path: this.resolvePath(own.source.test_path) } : {}) };
    return { ...config, dataset: { ...own, source } };
  }
}
