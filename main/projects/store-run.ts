/**
 * Stores a finished training run in a project file: config and graph snapshots, metrics history (best metrics are
 * computed by addRun), a small telemetry summary and the trained weights (TF.js layers format), saved atomically.
 * Used by `layerlab train PROJECT` and by the backend service's run manager alike.
 */
import { ProjectFileError } from './errors';
import { addRun, removeRun, type NewRun } from './service';
import { updateProjectFile } from './writer';

/**
 * Adds the run to the project at `path` as it is on disk now (under its lock, so concurrent writers keep their
 * runs); returns the stored run's id. `replaces` names an earlier entry of the same run (stored when it stopped,
 * before it was resumed), which the new one supersedes.
 */
export async function storeRunInProject(path: string, run: NewRun, replaces?: string): Promise<string> {
  let id = '';
  await updateProjectFile(path, (doc, readError) => {
    if (!doc) throw readError ?? new ProjectFileError('unreadable', path, 'no such project file: save the project first, or check the path.');
    if (replaces && doc.runs.some((r) => r.meta.id === replaces)) removeRun(doc, replaces);
    id = addRun(doc, { ...run, config: structuredClone(run.config) }).meta.id;
    return doc;
  });
  return id;
}
