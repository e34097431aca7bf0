/**
 * export.run over main/export: the graph compiled to Keras JSON, plus a run's weights and training settings; or, as
 * TensorBoard logs, one run (its history and weights as the server holds them) or every run of a project file.
 */
import { resolve } from 'node:path';
import { ApiError, type ApiParsedParams, type ExportResult } from '../../shared/api';
import { exportModel } from '../export/index';
import { exportProjectTensorboard } from '../export/tensorboard/from-project';
import { exportRunTensorboard, intoTensorboardFolder } from '../export/tensorboard/index';
import { ExportError, type ExportDatasetSource } from '../export/types';
import { compileGraph, graphErrors } from './graph-tools';
import type { RunManager } from './runs';

type Params = ApiParsedParams<'export.run'>;

async function tensorboard(runs: RunManager, params: Params, origin: string): Promise<ExportResult> {
  const outDir = resolve(params.path);
  const write = async () => {
    if (params.runId) {
      const run = runs.detail(params.runId);
      const weights = await runs.weights(params.runId).then((w) => w.weights, () => undefined);
      return exportRunTensorboard(outDir, { id: run.runId, started: run.startedAt ?? run.createdAt, history: run.history, spec: compileGraph(run.graph, 'model'), ...(weights ? { weights } : {}) });
    }
    if (!params.project) throw new ApiError('invalid-params', 'export.run: tensorboard needs a runId (one run) or project (every run of a saved project file)');
    return exportProjectTensorboard(params.project, 'all', outDir);
  };
  const result = await intoTensorboardFolder(outDir, params.project ?? origin, params.force ?? false, write);
  return { format: 'tensorboard', outDir, files: result.files, notes: result.notes, replaced: result.replaced };
}

/** `datasets`: where the service reads catalog files (a run on imdb/reuters exports its word index). */
export async function runExport(runs: RunManager, params: Params, datasets: ExportDatasetSource = {}): Promise<ExportResult> {
  const origin = params.origin ?? 'the model in the window';
  try {
    if (params.format === 'tensorboard') return await tensorboard(runs, params, origin);
    const errors = graphErrors(params.graph);
    if (errors.length > 0) {
      throw new ApiError('invalid-graph', `the model cannot be exported until its errors are fixed: ${errors.slice(0, 5).map((e) => e.message).join('; ')}`, errors);
    }
    const spec = compileGraph(params.graph, 'model');
    const fromRun = params.runId ? await runs.weights(params.runId, params.weights) : undefined;
    const result = await exportModel(
      { spec, weights: fromRun?.weights, training: fromRun?.config, origin, datasets },
      { format: params.format, outDir: resolve(params.path), strategy: params.strategy, slurm: params.slurm, force: params.force },
    );
    return { format: result.format, outDir: result.outDir, files: result.files, notes: result.notes, replaced: result.replaced };
  } catch (err) {
    if (err instanceof ExportError) throw new ApiError('invalid-params', `export.run: ${err.message}`);
    throw err;
  }
}
