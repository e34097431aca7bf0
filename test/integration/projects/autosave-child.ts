/** Child for the crash-recovery test: opens argv[2], edits it without saving, autosaves, then waits to be killed. */
import { AutosaveController } from '../../../main/projects/autosave';
import { openProject } from '../../../main/projects/service';

const { doc } = await openProject(process.argv[2]!);
doc.project.notes = 'unsaved edit made before the crash';
doc.project.viewport = { x: 12, y: 34, zoom: 0.5 };
const autosave = new AutosaveController({
  getDocument: () => doc,
  idleMs: 100,
  onSaved: () => process.stdout.write('autosaved\n'),
  onError: (err) => process.stderr.write(String(err)),
});
autosave.markDirty();
setInterval(() => {}, 1000); // stay alive until killed, like a window with unsaved work
