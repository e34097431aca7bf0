/** The project file lock (main/projects/lock.ts): one writer at a time across processes, stale locks broken. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lockPath, withProjectLock } from '../../../main/projects/lock';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that surely is not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

it('serializes the writers of one file in this process, in call order, and removes the lock after', async () => {
  const file = join(dir, 'a.layerlab');
  const order: string[] = [];
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      withProjectLock(file, async () => {
        most = Math.max(most, ++inside);
        expect(JSON.parse(readFileSync(lockPath(file), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
        await new Promise((r) => setTimeout(r, 5));
        order.push(`w${i}`);
        inside--;
      }),
    ),
  );
  expect(most).toBe(1);
  expect(order).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
  expect(existsSync(lockPath(file))).toBe(false);
});

it('releases the lock when the work throws, and the next writer proceeds', async () => {
  const file = join(dir, 'b.layerlab');
  await expect(withProjectLock(file, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(existsSync(lockPath(file))).toBe(false);
  await expect(withProjectLock(file, async () => 42)).resolves.toBe(42);
});

it('breaks a lock left by a process that is gone (killed mid-save)', async () => {
  const file = join(dir, 'c.layerlab');
  writeFileSync(lockPath(file), JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString() }));
  await expect(withProjectLock(file, async () => 'got it', { timeoutMs: 5_000 })).resolves.toBe('got it');
  expect(existsSync(lockPath(file))).toBe(false);
});

it('waits for a live process holding the lock, and names it when it waits too long', async () => {
  const file = join(dir, 'd.layerlab');
  // Another process takes the lock through the same module and holds it until told to let go.
  const holder = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lock-holder.ts'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => holder.once('exit', r));
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));

  await expect(withProjectLock(file, async () => 'too early', { timeoutMs: 300 })).rejects.toThrow(
    new RegExp(`process ${holder.pid} on .* has been writing this project .* delete .*d\\.layerlab\\.lock`),
  );
  const waiting = withProjectLock(file, async () => 'after the holder', { timeoutMs: 60_000 });
  let done = false;
  void waiting.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 300));
  expect(done).toBe(false);
  holder.stdin!.write('go\n');
  await expect(waiting).resolves.toBe('after the holder');
  await exited;
});
