/** export.run over main/export: the graph compiled to Keras JSON, plus a run's weights and training settings. */
import { resolve } from 'node:path';
import { ApiError, type ApiParsedParams, type ExportResult } from '../../shared/api';
import { exportModel } from '../export/index';
import { ExportError } from '../export/types';
import { compileGraph, graphErrors } from './graph-tools';
import type { RunManager } from './runs';

export async function runExport(runs: RunManager, params: ApiParsedParams<'export.run'>): Promise<ExportResult> {
  const errors = graphErrors(params.graph);
  if (errors.length > 0) {
    throw new ApiError('invalid-graph', `the model cannot be exported until its errors are fixed: ${errors.slice(0, 5).map((e) => e.message).join('; ')}`, errors);
  }
  const spec = compileGraph(params.graph, 'model');
  const fromRun = params.runId ? await runs.weights(params.runId) : undefined;
  try {
    const result = await exportModel(
      { spec, weights: fromRun?.weights, training: fromRun?.config, origin: params.origin ?? 'the model in the window' },
      { format: params.format, outDir: resolve(params.path), strategy: params.strategy, slurm: params.slurm, force: params.force },
    );
    return { format: result.format, outDir: result.outDir, files: result.files, notes: result.notes, replaced: result.replaced };
  } catch (err) {
    if (err instanceof ExportError) throw new ApiError('invalid-params', `export.run: ${err.message}`);
    throw err;
  }
}
