import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile, readRunWeights, writeProjectFile } from '../../../main/projects/file';
import { rng } from '../../unit/projects/random-project';
import { versionWeights, versionedDocument } from './kill-versions';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-kill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the writer, kills it with SIGKILL `delayMs` after it is ready; returns the last version it reported saved. */
function runAndKill(target: string, start: number, delayMs: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'kill-writer.ts'), target, String(start)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastSaved = start - 1;
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/saved (\d+)/g)) lastSaved = Math.max(lastSaved, Number(m[1]));
      if (out.includes('ready') && !child.killed) {
        out = out.replace('ready', '');
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}): ${err}`));
      else resolvePromise(lastSaved);
    });
  });
}

/** `kills` writers on one file; returns how many saves each completed before its kill. */
async function killLane(laneDir: string, kills: number, seed: number): Promise<number[]> {
  await mkdir(laneDir);
  const target = join(laneDir, 'killed.layerlab');
  await writeProjectFile(target, versionedDocument(0));
  const r = rng(seed);
  let next = 1;
  const completed: number[] = [];
  for (let i = 0; i < kills; i++) {
    const reported = await runAndKill(target, next, Math.floor(r() * 400));
    const doc = await readProjectFile(target);
    const version = Number(/^version (\d+)$/.exec(doc.project.notes)![1]);
    // The file holds the last reported save, or the one after it whose rename happened before the report.
    expect([reported, reported + 1], `${laneDir}: kill ${i}`).toContain(version);
    expect(doc.runs[0]!.meta.durationSeconds).toBe(version);
    const weights = await readRunWeights(target, 'r1');
    expect(Buffer.from(weights.weightData).equals(Buffer.from(versionWeights(version)))).toBe(true);
    completed.push(version - (next - 1));
    next = version + 1;
  }
  // Leftover temp files of killed writers are removed by the next save; the backup is a whole project too.
  await writeProjectFile(target, versionedDocument(next));
  expect((await readdir(laneDir)).sort()).toStrictEqual(['killed.layerlab', 'killed.layerlab.bak']);
  expect((await readProjectFile(join(laneDir, 'killed.layerlab.bak'))).project.notes).toMatch(/^version \d+$/);
  return completed;
}

describe('a save killed at any point leaves the previous or the new project', () => {
  it('30 writers killed (SIGKILL) at random moments: the file always opens whole, as one saved version', async () => {
    // Three files killed in parallel lanes (10 kills each): process start-up dominates, and lanes overlap it.
    const lanes = await Promise.all([0, 1, 2].map((lane) => killLane(join(dir, `lane${lane}`), 10, 2026 + lane)));
    const seen = new Set(lanes.flat());
    // The kills landed both before the first save completed and after one or more saves.
    expect(seen.size, `saves completed per kill: ${[...seen].join(',')}`).toBeGreaterThan(1);
  }, 300_000); // 30 process starts: about 20 s alone, more on a busy machine
});
