/**
 * The window's unsaved edits and their recovery (issue 14), with the real backend service in this process: the
 * ProjectStore autosaves an edited document to the recovery folder; a later window (another backend, after the
 * first one's process died) offers "Recover unsaved changes from <time>?", and Recover brings the edits back as
 * unsaved changes of their file, which Save writes and removes from the folder.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createBackendService, type LocalBackendService } from '../../main/service/service';
import { openProject } from '../../main/projects/service';
import { inProcessHost } from './in-process-host';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { ProjectStore } from '../../renderer/src/lib/project/project.svelte';
import RecoveryOffer from '../../renderer/src/shell/RecoveryOffer.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-recovery-ui-'));
const recoveryDir = join(dir, 'recovery');
const backend = () => createBackendService({ baseDir: dir, recoveryDir, autosaveIdleMs: 10, appVersion: '0.1.0-test' });
const services: LocalBackendService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function windowOn(service: LocalBackendService) {
  services.push(service);
  const host = inProcessHost(service);
  const editor = new EditorStore();
  const training = new TrainingStore();
  training.connection = 'open';
  const project = new ProjectStore({ editor, training, getViewport: () => ({ x: 0, y: 0, zoom: 1 }), setViewport: () => {}, confirm: () => true });
  project.host = host;
  return { editor, training, project };
}

const entries = () => {
  try {
    return readdirSync(recoveryDir);
  } catch {
    return [];
  }
};
const until = async (check: () => boolean) => {
  for (let i = 0; i < 750 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
};

it('autosaved edits of a window whose backend died are offered, recovered unsaved, and saved', async () => {
  const first = windowOn(backend());
  expect(await first.project.newProject('mlp-64')).toBe(true);
  expect(await first.project.saveAs('p.layerlab')).toBe(true);
  const file = join(dir, 'p.layerlab');
  const dense = first.editor.graph.nodes.find((n) => n.kind === 'Dense')!;
  first.editor.setConfig(dense.id, 'units', 77);
  first.training.form.config.optimizer.learning_rate = 0.123;
  expect(first.project.dirty).toBe(true);
  await first.project.autosave();
  const id = first.project.autosaveId!;
  await until(() => entries().includes(`${id}.json`));

  // Its process died: the entry names a pid that is gone (a real crash is in service/autosave-recovery.test.ts).
  const meta = join(recoveryDir, `${id}.json`);
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), pid: dead }));

  const second = windowOn(backend());
  await second.project.loadRecoverable();
  expect(second.project.recoverable.map((e) => e.id)).toEqual([id]);
  let recovered: Promise<boolean> | undefined;
  render(RecoveryOffer, { props: { entries: second.project.recoverable, onrecover: (e: string) => (recovered = second.project.recover(e)), ondiscard: () => {} } });
  expect(screen.getByTestId('recovery-offer').textContent).toMatch(/Recover unsaved changes from .+\?/);
  expect(screen.getByTestId('recovery-offer').textContent).toContain(file);
  await fireEvent.click(screen.getByTestId('recovery-recover'));
  expect(await recovered).toBe(true);

  expect(second.project.path).toBe(file);
  expect(second.editor.graph.nodes.find((n) => n.id === dense.id)!.config.units).toBe(77);
  expect(second.training.form.config.optimizer.learning_rate).toBe(0.123);
  expect(second.project.dirty).toBe(true); // unsaved changes of the file, not what it holds
  expect((await openProject(file)).doc.project.graph.nodes.find((n) => n.id === dense.id)!.config.units).not.toBe(77);
  expect(await second.project.save()).toBe(true);
  expect((await openProject(file)).doc.project.graph.nodes.find((n) => n.id === dense.id)!.config.units).toBe(77);
  expect(entries().filter((n) => n.startsWith(id))).toEqual([]);
});

it('Discard removes the offered entry', async () => {
  const first = windowOn(backend());
  expect(await first.project.newProject('mlp-64')).toBe(true);
  await first.project.autosave();
  expect(first.project.autosaveId).toBeNull(); // nothing unsaved yet, nothing kept
  first.editor.projectName = 'Edited';
  await first.project.autosave();
  const id = first.project.autosaveId!;
  await until(() => entries().includes(`${id}.json`)); // written after the project file
  const second = windowOn(backend());
  second.project.recoverable = [{ id, name: 'x', originalPath: null, savedAt: new Date().toISOString() }];
  render(RecoveryOffer, { props: { entries: second.project.recoverable, onrecover: () => {}, ondiscard: (e: string) => void second.project.discardRecoverable(e) } });
  await fireEvent.click(screen.getByTestId('recovery-discard'));
  await until(() => !entries().some((n) => n.startsWith(id)));
  expect(second.project.recoverable).toEqual([]);
});
