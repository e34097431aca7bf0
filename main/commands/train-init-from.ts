/**
 * `layerlab train P.layerlab --init-from RUN`: the run (its id, or its number as `3` / `#3`) of the same project
 * whose trained weights the new run starts from. The weights go to the worker, which checks every shape against
 * the model it builds (main/engine/training/init-weights.ts).
 */
import { decodeStoredWeights } from '../export/source';
import { loadRunWeights, openProject, runNumbers } from '../projects/service';
import type { InitialWeights } from '../engine/training/init-weights';

export async function initFromRun(projectFile: string, choice: string): Promise<InitialWeights> {
  const { doc } = await openProject(projectFile);
  const numbers = runNumbers(doc.runs.map((r) => r.meta));
  const wanted = /^#?\d+$/.test(choice) ? Number(choice.replace('#', '')) : undefined;
  const at = doc.runs.findIndex((r, i) => r.meta.id === choice || (wanted !== undefined && numbers[i] === wanted));
  const list = doc.runs.map((r, i) => `#${numbers[i]} ${r.meta.id}${r.meta.hasWeights ? '' : ' (no weights)'}`).join(', ') || 'none yet';
  if (at < 0) throw new Error(`--init-from ${choice}: ${projectFile} has no such run (its runs: ${list}); pass a run id or number`);
  const run = doc.runs[at]!;
  if (!run.meta.hasWeights) throw new Error(`--init-from ${choice}: run ${run.meta.id} kept no weights (status ${run.meta.status}); pick a run with weights: ${list}`);
  return { run: `#${numbers[at]} (${run.meta.id})`, weights: decodeStoredWeights(await loadRunWeights(doc, run.meta.id)) };
}
