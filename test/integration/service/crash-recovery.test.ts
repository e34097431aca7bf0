/**
 * Crash recovery (issue 14): a backend SIGKILLed mid-training leaves its run in the project as it was after the
 * last epoch; the next backend lists it as interrupted, with its checkpoint, and resumes it into the same entry.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { createBackendService } from '../../../main/service/service';
import { MIRROR } from '../../unit/api/examples';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the training backend in its own process; resolves with it once its run has a stored checkpoint. */
function trainingBackend(file: string): Promise<{ kill: () => Promise<void>; runId: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'kill-child.ts'), file, join(dir, 'ck'), MIRROR], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const runId = /run (\S+)/.exec(out)?.[1];
      if (runId && out.includes('checkpointed')) resolve({ runId, kill: async () => void (child.kill('SIGKILL'), await exited) });
    });
    void exited.then(() => reject(new Error(`the training backend exited early: ${out}`)));
  });
}

it('a run whose backend was SIGKILLed mid-training is interrupted in the project and resumes into the same entry', async () => {
  const file = join(dir, 'p.layerlab');
  await saveProjectAs(createProject({ name: 'P', templateId: 'mlp-64' }), file);
  const backend = await trainingBackend(file);
  await backend.kill();

  const left = (await openProject(file)).doc.runs;
  expect(left).toHaveLength(1);
  // Stored as running by a process that is gone: every reader (the CLI's info, the window) sees it interrupted.
  expect(left[0]!.meta).toMatchObject({ id: backend.runId, number: 1, status: 'interrupted', hasWeights: false });
  expect(left[0]!.meta.trainer).toBeUndefined();
  const epochsBefore = left[0]!.meta.history.length;
  expect(epochsBefore).toBeGreaterThanOrEqual(1);

  const service = createBackendService({ datasets: { mirror: MIRROR, offline: true }, checkpointDir: join(dir, 'ck'), baseDir: dir });
  try {
    await service.call('projects.open', { path: 'p.layerlab' });
    const [run] = service.runs.list(file);
    expect(run).toMatchObject({ runId: backend.runId, number: 1, status: 'interrupted', message: expect.stringMatching(/^interrupted: .*resume it to continue from its last checkpoint/) });
    expect(run!.checkpoint).toBeTruthy();
    expect(run!.history).toHaveLength(epochsBefore);

    // Resumed with its own config: a shorter run is not wanted, so stop it after two more epochs.
    service.runs.resume(backend.runId);
    await new Promise<void>((resolve) => {
      const check = () => ((service.runs.list(file)[0]!.history.length >= epochsBefore + 2) ? resolve() : setTimeout(check, 100));
      check();
    });
    service.runs.stop(backend.runId);
    await new Promise<void>((resolve) => {
      const check = () => (/saved to/.test(service.runs.list(file)[0]!.message ?? '') ? resolve() : setTimeout(check, 100));
      check();
    });
  } finally {
    await service.close();
  }
  const after = (await openProject(file)).doc.runs;
  expect(after).toHaveLength(1);
  expect(after[0]!.meta).toMatchObject({ id: backend.runId, number: 1, status: 'stopped', hasWeights: true });
  const epochs = after[0]!.meta.history.map((h) => h.epoch);
  expect(epochs.length).toBeGreaterThanOrEqual(epochsBefore + 2);
  expect(epochs).toEqual(epochs.map((_, i) => i)); // continued where it stopped: no epoch twice, none missing
  // Its duration counts both sessions: the time stored before the kill, plus at least the new epochs' seconds.
  const time = (i: number) => after[0]!.meta.history[i]!.time!;
  const newEpochs = time(epochs.length - 1) - time(epochsBefore - 1);
  expect(newEpochs).toBeGreaterThan(0);
  expect(after[0]!.meta.durationSeconds).toBeGreaterThanOrEqual(left[0]!.meta.durationSeconds + newEpochs);
}, 180_000);
