/**
 * The window's unsaved edits survive a killed backend (issue 14): a backend autosaves them to the recovery folder
 * (projects.autosave -> AutosaveController) and is SIGKILLed; the next backend offers them (projects.recoverable),
 * reopens them unsaved with the file's path, or as the Untitled project with its runs, and a save removes them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-autosave-'));
const recoveryDir = join(dir, 'recovery');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function killedBackend(file: string): Promise<[string, string]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'autosave-kill-child.ts'), recoveryDir, dir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  let killed = false;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', async (d) => {
      out += d;
      const m = /autosaved (\S+) (\S+)/.exec(out);
      if (!m || killed) return;
      killed = true;
      child.kill('SIGKILL');
      await exited;
      resolve([m[1]!, m[2]!]);
    });
    void exited.then(() => killed || reject(new Error(`the backend exited before it autosaved: ${out}`)));
  });
}

it('unsaved edits of a killed backend are offered, recovered unsaved, and removed by the save', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  const layers = (await openProject(file)).doc.project.graph.nodes.length;
  const [fileEntry, untitledEntry] = await killedBackend(file);

  const service = createBackendService({ recoveryDir, baseDir: dir, engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });
  let id = 0;
  const call = async (method: string, params: unknown = {}) => {
    const r = await handleApiMessage(service, JSON.stringify({ id: ++id, method, params }));
    if ('error' in r) throw new Error(`${method}: ${r.error.message}`);
    return r.result as any;
  };
  try {
    const { entries } = await call('projects.recoverable');
    expect(entries.map((e: { id: string }) => e.id).sort()).toEqual([fileEntry, untitledEntry].sort());
    expect(entries.find((e: { id: string }) => e.id === fileEntry)).toMatchObject({ name: 'P', originalPath: file });
    expect(entries.find((e: { id: string }) => e.id === untitledEntry)).toMatchObject({ name: 'Scratch', originalPath: null });

    // The file's edits: back with the file's path, not written into the file until saved.
    const recovered = await call('projects.recover', { id: fileEntry });
    expect(recovered).toMatchObject({ path: file, autosaveId: fileEntry, project: { notes: 'unsaved edit' } });
    expect(recovered.project.graph.nodes).toHaveLength(layers - 1);
    expect((await openProject(file)).doc.project.notes).not.toBe('unsaved edit');
    // Taken over by this backend: no longer offered as a dead session's leftover.
    expect((await call('projects.recoverable')).entries.map((e: { id: string }) => e.id)).toEqual([untitledEntry]);
    await call('projects.save', { path: file, project: recovered.project, autosaveId: fileEntry });
    expect((await openProject(file)).doc.project.notes).toBe('unsaved edit');
    expect(readdirSync(recoveryDir).some((n) => n.startsWith(fileEntry))).toBe(false);

    // The Untitled project: its latest edits and the run stored in its entry, listed under its recovery id.
    const scratch = await call('projects.recover', { id: untitledEntry });
    expect(scratch).toMatchObject({ recoveryId: untitledEntry, autosaveId: untitledEntry, project: { name: 'Scratch', notes: 'scratch notes, later' } });
    expect(scratch.path).toBeUndefined();
    const { runs } = await call('training.list', { recoveryId: untitledEntry });
    expect(runs.map((r: { runId: string }) => r.runId)).toEqual(['run-scratch']);
    await call('projects.discardRecovery', { id: untitledEntry });
    expect(existsSync(join(recoveryDir, `${untitledEntry}.layerlab`))).toBe(false);
    expect((await call('projects.recoverable')).entries).toEqual([]);
  } finally {
    await service.close();
  }
}, 60_000);
