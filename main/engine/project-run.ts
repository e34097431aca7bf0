/**
 * Stores a finished training run in a project file: config and graph snapshots, metrics history (best metrics are
 * computed by addRun), a small telemetry summary and the trained weights (TF.js layers format), saved atomically.
 * Used by `layerlab train PROJECT` and by the backend service's run manager alike.
 */
import { addRun, openProject, removeRun, saveProject, type NewRun } from '../projects/service';

/**
 * Opens the project at `path`, adds the run, saves the file; returns the stored run's id. `replaces` names an
 * earlier entry of the same run (stored when it stopped, before it was resumed), which the new one supersedes.
 */
export async function storeRunInProject(path: string, run: NewRun, replaces?: string): Promise<string> {
  const { doc } = await openProject(path);
  if (replaces && doc.runs.some((r) => r.meta.id === replaces)) removeRun(doc, replaces);
  const added = addRun(doc, { ...run, config: structuredClone(run.config) as unknown as Record<string, unknown> });
  await saveProject(doc);
  return added.meta.id;
}
