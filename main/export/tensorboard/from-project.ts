/**
 * `layerlab export P.layerlab --format tensorboard [--run ID|latest|all] --out DIR`: a project's stored runs as
 * TensorBoard logs, one sub-folder per run (so `tensorboard --logdir DIR` compares them): every epoch metric of the
 * run's history as a scalar `epoch/<key>` at step = epoch, and, for runs with saved weights, each weight's
 * histogram at the last epoch. Runs are read through the project API (main/projects/service.ts).
 */
import { join } from 'node:path';
import { decodeTfjsWeights } from '../source';
import { ExportError } from '../types';
import { writeRunEvents, type RunLog } from './events';

export interface TensorboardExport {
  outDir: string;
  /** Paths relative to outDir, one event file per run. */
  files: string[];
  notes: string[];
}

export async function exportProjectTensorboard(path: string, run: string, outDir: string): Promise<TensorboardExport> {
  const { openProject, loadRunWeights } = await import('../../projects/service');
  const opened = await openProject(path);
  const runs = opened.doc.runs;
  const chosen = run === 'all' ? runs : run === 'latest' ? runs.slice(-1) : runs.filter((r) => r.meta.id === run);
  if (chosen.length === 0) {
    const ids = runs.map((r) => r.meta.id).join(', ') || 'none yet';
    throw new ExportError(`project '${path}' has ${run === 'all' || run === 'latest' ? 'no runs' : `no run '${run}'`} (its runs: ${ids}). Train it first, or pass --run all, latest or one of those ids.`);
  }
  const files: string[] = [];
  const notes: string[] = [];
  for (const r of chosen) {
    const meta = r.meta;
    const started = Date.parse(meta.created) / 1000 || Date.now() / 1000;
    const log: RunLog = { scalars: [], histograms: [] };
    for (const e of meta.history) {
      for (const [key, value] of Object.entries(e.metrics)) {
        if (value !== null) log.scalars.push({ tag: `epoch/${key}`, step: e.epoch, value, wallTime: started + (e.time ?? 0) });
      }
    }
    if (meta.hasWeights) {
      const stored = await loadRunWeights(opened.doc, meta.id);
      const manifest = stored.modelJson.weightsManifest as { weights: Parameters<typeof decodeTfjsWeights>[0] }[];
      const step = meta.history.at(-1)?.epoch ?? 0;
      for (const w of decodeTfjsWeights(manifest.flatMap((g) => g.weights), stored.weightData)) {
        log.histograms!.push({ tag: w.name, step, values: w.data, wallTime: started + meta.durationSeconds });
      }
    }
    const file = await writeRunEvents(join(outDir, meta.id), log);
    files.push(file.slice(outDir.length + 1));
    if (meta.history.length === 0) notes.push(`run '${meta.id}' has no epoch history (status ${meta.status}): only its weights are logged.`);
  }
  notes.push('filter images and the HParams view of sweeps are not written yet: scalars and weight histograms only.');
  return { outDir, files, notes };
}
