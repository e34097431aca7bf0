/**
 * Kill test (issue 14): trainings of one project are SIGKILLed at seeded random moments after their first stored
 * epoch (mid-batch, mid-checkpoint, mid-write of the project file), alternating a `layerlab train` process, a
 * backend server process (the window's runs) and a `--resume` of the previous killed run. After every kill the
 * project opens, no completed run is lost (status and weights), the killed run is `interrupted` with its checkpoint,
 * and nothing is left `running`; at the end the last killed run resumes to completion with a contiguous history.
 *
 * KILLS (default 8) sets how many; `npm run stress:kill` runs 30 (several minutes on a loaded machine).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import type { RunJson } from '../../../shared/format';
import { mulberry32 } from '../../../shared/random';
import { storedCheckpoint } from '../../../main/commands/train-resume';
import { readCheckpointManifest } from '../../../main/engine/training/checkpoint';
import { openProject } from '../../../main/projects/service';
import { MIRROR } from '../../unit/api/examples';
import { cli, startTraining, TINY, waitForRun, type Training } from './cli-training';

const KILLS = Number(process.env.KILLS ?? 8);
/**
 * Epochs each training asks for: more than it can train before it is killed. A tiny epoch takes about 0.1 s, and a
 * run is killed only once a poll has seen it store an epoch; with 40 (as before), a server run seen late was
 * killed near its end, and its resume had a few epochs left, which it trained before any poll saw one of them
 * stored (the run store coalesces writes: a fast run's last epochs and its end are one write).
 */
const EPOCHS = '1000';
const SEED = Number(process.env.KILL_SEED ?? 14);
const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-kills-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The backend server's run manager training one run of the project, in its own process (service/kill-child.ts). */
function serverTraining(file: string): Training {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../service/kill-child.ts'), file, path.join(dir, 'ck'), MIRROR, '200', EPOCHS], { env: { ...process.env, LAYERLAB_CACHE_DIR: dir } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited, kill: async () => void (child.kill('SIGKILL'), await exited) };
}

const runsOf = async (file: string) => (await openProject(file)).doc.runs.map((r) => r.meta);

it(`${KILLS} trainings SIGKILLed at random moments: the project opens, nothing completed is lost, each killed run is interrupted and resumes`, async () => {
  const file = path.join(dir, 'p.layerlab');
  expect(cli(dir, 'new', file, '--template', 'mlp-64').code).toBe(0);
  const done = cli(dir, 'train', file, ...TINY, '--epochs', '1');
  expect(done.code, done.stderr).toBe(0);
  const completed = new Map((await runsOf(file)).map((r) => [r.id, r]));
  expect([...completed.values()].map((r) => r.status)).toEqual(['completed']);

  const random = mulberry32(SEED);
  let lastKilled: RunJson | undefined;
  for (let kill = 0; kill < KILLS; kill++) {
    const before = new Set((await runsOf(file)).map((r) => r.id));
    const kind = kill % 3 === 2 && lastKilled ? 'resume' : kill % 3 === 1 ? 'server' : 'cli';
    const training =
      kind === 'server'
        ? serverTraining(file)
        : startTraining(dir, kind === 'resume' ? [file, '--resume', lastKilled!.id, '--epochs', EPOCHS, '--data-dir', TINY[1]!, '--backend', 'cpu'] : [file, ...TINY, '--epochs', EPOCHS]);
    // Killable once it has stored an epoch (with its checkpoint) in this process: a resumed run, one more.
    const from = kind === 'resume' ? lastKilled!.history.length : 0;
    const live = await waitForRun(
      file,
      (runs) => runs.find((r) => (kind === 'resume' ? r.id === lastKilled!.id : !before.has(r.id)) && r.status === 'running' && r.history.length > from && storedCheckpoint(r)),
      training,
      // A server child compiles the service with tsx before its first epoch: minutes when the whole suite loads 2 cores.
      300_000,
    );
    await sleep(Math.floor(random() * 1000)); // somewhere in the next epochs: a batch, a checkpoint, a store
    await training.kill();

    const runs = await runsOf(file); // opens: a kill mid-write never leaves a broken file
    const ids = runs.map((r) => r.id);
    expect(new Set(ids).size, `kill ${kill}`).toBe(ids.length);
    for (const [id, was] of completed) {
      expect(runs.find((r) => r.id === id), `kill ${kill}: completed run ${id}`).toMatchObject({ status: 'completed', hasWeights: true, number: was.number });
    }
    expect(runs.filter((r) => r.status === 'running'), `kill ${kill}`).toEqual([]);
    const killed = runs.find((r) => r.id === live.id)!;
    expect(killed, `kill ${kill} (${kind})`).toMatchObject({ status: 'interrupted', number: live.number, hasWeights: false });
    expect(storedCheckpoint(killed), `kill ${kill}: the interrupted run keeps its checkpoint`).toBeTruthy();
    expect(killed.history.length).toBeGreaterThanOrEqual(live.history.length);
    lastKilled = killed;
  }

  // The last killed run resumes to completion in its own entry. Its checkpoint may be ahead of its stored history
  // (killed between the two writes, or while the project's writes of a fast run were coalesced): two more epochs
  // than the checkpoint holds.
  const checkpointed = (await readCheckpointManifest(storedCheckpoint(lastKilled!)!)).epoch;
  const epochs = Math.max(lastKilled!.history.length, checkpointed) + 2;
  const resumed = cli(dir, 'train', file, '--resume', `#${lastKilled!.number}`, '--epochs', String(epochs), '--data-dir', TINY[1]!, '--backend', 'cpu');
  expect(resumed.code, resumed.stderr).toBe(0);
  const final = (await runsOf(file)).find((r) => r.id === lastKilled!.id)!;
  expect(final).toMatchObject({ status: 'completed', hasWeights: true, number: lastKilled!.number });
  expect(final.history.map((h) => h.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i));
}, 1_200_000);
