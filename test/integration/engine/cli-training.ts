/**
 * `layerlab train` of a project as a child process a test can SIGKILL, on a tiny real MNIST subset (cpu backend),
 * and a poll of the project file for what the run stored so far. Used by cli-resume and kill-recovery tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunJson } from '../../../shared/format';
import { openProject } from '../../../main/projects/service';
import { mnistDir, repoRoot } from './paths';

const BIN = path.join(repoRoot, 'bin/layerlab.js');

/** Flags of a tiny run: 10 batches of 20 per epoch, 40 validation samples. */
export const TINY = ['--data-dir', mnistDir, '--limit-train', '200', '--limit-test', '40', '--batch-size', '20', '--backend', 'cpu'];

export interface Training {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill: () => Promise<void>;
}

export function startTraining(cacheDir: string, args: string[]): Training {
  const child = spawn(process.execPath, [BIN, 'train', ...args], { cwd: repoRoot, env: { ...process.env, LAYERLAB_CACHE_DIR: cacheDir } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs `layerlab ...` to its end. */
export function cli(cacheDir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env: { ...process.env, LAYERLAB_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Waits until `pick` finds the run it wants among the project's stored runs (the file is read afresh each time). */
export async function waitForRun(file: string, pick: (runs: RunJson[]) => RunJson | undefined, training?: Training, timeoutMs = 120_000): Promise<RunJson> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const runs = await openProject(file).then((o) => o.doc.runs.map((r) => r.meta)).catch(() => []);
    const found = pick(runs);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such run in ${file} after ${timeoutMs} ms: ${training?.output() ?? ''}`);
    if (training?.child.exitCode !== null && training?.child.exitCode !== undefined) throw new Error(`training exited early: ${training.output()}`);
    await sleep(50);
  }
}
