/**
 * A run stored as running reads as interrupted once the process that trained it is gone (projects/trainer.ts):
 * a live trainer keeps it running, a dead one on this host, or none (files written before trainers were named),
 * makes it interrupted; a trainer on another host cannot be checked and is taken as live.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunJson } from '../../../shared/format';
import { isInterrupted, markInterrupted, trainerStamp } from '../../../main/projects/trainer';

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const run = (status: RunJson['status'], trainer?: RunJson['trainer']) => ({ meta: { id: `r-${status}`, status, ...(trainer ? { trainer } : {}) } as RunJson });

describe('isInterrupted', () => {
  it('running with this live process as trainer: live', () => {
    expect(isInterrupted(run('running', trainerStamp()).meta)).toBe(false);
  });
  it('running with a dead trainer on this host: interrupted', () => {
    expect(isInterrupted(run('running', { pid: deadPid(), host: hostname() }).meta)).toBe(true);
  });
  it('running without a trainer (an older file): interrupted', () => {
    expect(isInterrupted(run('running').meta)).toBe(true);
  });
  it('running on another host: cannot be checked, taken as live', () => {
    expect(isInterrupted(run('running', { pid: deadPid(), host: `${hostname()}-elsewhere` }).meta)).toBe(false);
  });
  it.each(['completed', 'stopped', 'failed', 'early-stopped', 'imported'] as const)('%s: never interrupted', (status) => {
    expect(isInterrupted(run(status).meta)).toBe(false);
  });
});

it('markInterrupted changes only the dead runs, and drops their trainer', () => {
  const dead = run('running', { pid: deadPid(), host: hostname() });
  const live = run('running', trainerStamp());
  const done = run('completed');
  expect(markInterrupted([dead, live, done])).toEqual([dead.meta.id]);
  expect(dead.meta).toMatchObject({ status: 'interrupted' });
  expect(dead.meta.trainer).toBeUndefined();
  expect(live.meta.status).toBe('running');
  expect(done.meta.status).toBe('completed');
});
