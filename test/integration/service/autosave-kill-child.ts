/**
 * A backend whose window has unsaved edits, in its own process, so that autosave-recovery.test.ts can SIGKILL it.
 * argv: recovery dir, base dir, project file. Autosaves an edit of the file's project and an Untitled project with a
 * run stored in its recovery store, then prints 'autosaved <fileEntry> <untitledEntry>' once both are on disk.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { listRecoverable } from '../../../main/projects/autosave';
import { createProject, openProject } from '../../../main/projects/service';
import { upsertRun } from '../../../main/service/run-store';
import { recoveryFile } from '../../../main/projects/recovery';
import { createBackendService } from '../../../main/service/service';

const [recoveryDir, baseDir, file] = process.argv.slice(2) as [string, string, string];
const service = createBackendService({ recoveryDir, baseDir, autosaveIdleMs: 20, engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });
const { doc } = await openProject(file);
await service.call('projects.open', { path: file });
const edited: never = { ...doc.project, notes: 'unsaved edit', graph: { ...doc.project.graph, nodes: doc.project.graph.nodes.slice(0, -1), edges: doc.project.graph.edges.slice(0, -1) } } as never;
const first = await service.call('projects.autosave', { project: edited, path: file });
const untitled = createProject({ name: 'Scratch', templateId: 'mlp-64' }).project;
const scratch = (notes: string) => ({ ...untitled, notes }) as never;
const second = await service.call('projects.autosave', { project: scratch('scratch notes'), path: null });
// A run of the Untitled project stores itself in the same entry (its recovery store), as training.start does.
for (;;) {
  await sleep(20);
  const ids = (await listRecoverable({ dir: recoveryDir, includeActive: true })).map((e) => e.id);
  if (ids.includes(first.autosaveId) && ids.includes(second.autosaveId)) break;
}
await upsertRun(recoveryFile(second.autosaveId, recoveryDir), {
  id: 'run-scratch', name: 'scratch run', status: 'completed', created: new Date().toISOString(), config: { dataset: { name: 'mnist' } }, graph: untitled.graph, history: [{ epoch: 0, metrics: { val_acc: 0.5 } }], durationSeconds: 1,
});
// A later edit of the Untitled project keeps the run stored in its entry.
await service.call('projects.autosave', { project: scratch('scratch notes, later'), path: null, autosaveId: second.autosaveId });
await sleep(300);
process.stdout.write(`autosaved ${first.autosaveId} ${second.autosaveId}\n`);
await sleep(600_000);
