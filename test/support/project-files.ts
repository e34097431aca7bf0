/**
 * Project-file steps the tests take that the app takes elsewhere: storing a finished run straight into a file (the
 * app's runs store themselves through the service's run store), removing a run (no user path removes one; the
 * writer must still honour a removal, projects/writer.ts), and Save onto the document's own file.
 */
import { ProjectFileError } from '../../main/projects/errors';
import { addRun, saveProjectAs, type NewRun } from '../../main/projects/service';
import type { ProjectDocument } from '../../main/projects/types';
import { updateProjectFile } from '../../main/projects/writer';

export async function saveProject(doc: ProjectDocument, now = new Date()): Promise<ProjectDocument> {
  if (!doc.path) throw new Error('This project has never been saved: choose a file name (Save As).');
  return saveProjectAs(doc, doc.path, now);
}

/** Drops a run from the document; the next write removes it from the file too (writer.ts keeps other writers' runs). */
export function removeRun(doc: ProjectDocument, runId: string): void {
  const i = doc.runs.findIndex((r) => r.meta.id === runId);
  if (i < 0) throw new Error(`No run '${runId}' in this project; its runs are: ${doc.runs.map((r) => r.meta.id).join(', ') || 'none'}.`);
  doc.runs.splice(i, 1);
  (doc.removedRuns ??= []).push(runId);
}

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
