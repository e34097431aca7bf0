/**
 * `layerlab train P.layerlab --init-from RUN`: the run (its #number or id, as --resume names runs) of the same
 * project whose trained weights the new run starts from. The weights go to the worker, which checks every shape
 * against the model it builds (main/engine/training/init-weights.ts).
 */
import { decodeStoredWeights, loadExportSource } from '../export/source';
import { loadRunWeights, openProject } from '../projects/service';
import { findStoredRun, runNumbers } from '../projects/run-numbers';
import type { InitialWeights } from '../engine/training/init-weights';

export async function initFromRun(projectFile: string, choice: string): Promise<InitialWeights> {
  const { doc } = await openProject(projectFile);
  const found = findStoredRun(doc, choice);
  const numbers = runNumbers(doc.runs.map((r) => r.meta));
  const list = doc.runs.map((r, i) => `#${numbers[i]} ${r.meta.id}${r.meta.hasWeights ? '' : ' (no weights)'}`).join(', ') || 'none yet';
  if (!found) throw new Error(`--init-from ${choice}: ${projectFile} has no such run (its runs: ${list}); name one by its #number or id`);
  if (!found.meta.hasWeights) throw new Error(`--init-from ${choice}: run ${found.meta.id} kept no weights (status ${found.meta.status}); pick a run with weights: ${list}`);
  return { run: `run #${found.number} (${found.meta.id})`, weights: decodeStoredWeights(await loadRunWeights(doc, found.meta.id)) };
}

/**
 * The weights a new run starts from: the project's run named by --init-from, or, for a TF.js model.json that comes
 * with its weight files, those weights (a trained model goes on training; --fresh starts from new initial weights).
 */
export async function initialWeights(file: string, opts: { initFrom?: string; fresh?: boolean }): Promise<InitialWeights | undefined> {
  const project = /\.layerlab$/i.test(file);
  if (opts.initFrom && opts.fresh) throw new Error('--init-from RUN starts from a run\'s weights and --fresh from new ones: give one of them');
  if (opts.initFrom && !project) throw new Error(`--init-from RUN takes the weights of a run stored in a project: pass a .layerlab file, not '${file}'`);
  if (opts.initFrom) return initFromRun(file, opts.initFrom);
  if (project || opts.fresh) return undefined;
  const source = await loadExportSource(file);
  return source.weights ? { run: `the weights in ${file} (--fresh: new initial weights instead)`, weights: source.weights } : undefined;
}
