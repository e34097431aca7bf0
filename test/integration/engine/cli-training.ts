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

/** One poll's view of the stored runs, for a failure message: `id status h=epochs ck=checkpoint?` each. */
const glance = (runs: RunJson[]) =>
  runs.map((r) => `${r.id.slice(-6)} ${r.status} h=${r.history.length} ck=${typeof (r.telemetry as { checkpoint?: unknown } | undefined)?.checkpoint === 'string'}`).join(', ') || 'no runs';

/**
 * Waits until `pick` finds the run it wants among the project's stored runs (the file is read afresh each time).
 * A failure lists the states the polls saw (each distinct one, with its time), so a timing problem can be told
 * from a store that never wrote the state waited for.
 */
export async function waitForRun(file: string, pick: (runs: RunJson[]) => RunJson | undefined, training?: Training, timeoutMs = 120_000): Promise<RunJson> {
  const started = Date.now();
  const until = started + timeoutMs;
  const seen: string[] = [];
  const fail = (why: string) => new Error(`${why}\npolls saw (s since the wait began):\n${seen.slice(-30).join('\n')}\noutput: ${training?.output() ?? ''}`);
  for (;;) {
    const runs = await openProject(file).then((o) => o.doc.runs.map((r) => r.meta)).catch((err: Error) => err);
    const view = runs instanceof Error ? `unreadable: ${runs.message}` : glance(runs);
    if (seen.at(-1)?.endsWith(view) !== true) seen.push(`${((Date.now() - started) / 1000).toFixed(2)} ${view}`);
    const found = runs instanceof Error ? undefined : pick(runs);
    if (found) return found;
    if (Date.now() > until) throw fail(`no such run in ${file} after ${timeoutMs} ms`);
    if (training?.child.exitCode !== null && training?.child.exitCode !== undefined) throw fail(`training exited early (code ${training.child.exitCode})`);
    await sleep(50);
  }
}
