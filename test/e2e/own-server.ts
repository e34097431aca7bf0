/**
 * A `layerlab serve` of a test's own (a free port, its own cache folder), for tests that stop, kill or restart the
 * server (the shared one of playwright.config.ts must stay up for the other tests), and the steps such tests share.
 */
import { expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface OwnServer {
  url: string;
  /** SIGTERM (a normal shutdown), or SIGKILL (a crash: nothing gets to clean up). */
  stop: (signal?: 'SIGTERM' | 'SIGKILL') => Promise<void>;
}

export async function serveOwn(dir: string, cache: string, token: string): Promise<OwnServer> {
  const child: ChildProcess = spawn(process.execPath, ['bin/layerlab.js', 'serve', '--port', '0', '--token', token, '--dataset-mirror', '../shared/datasets', '--checkpoint-dir', join(dir, 'ck')], {
    env: { ...process.env, LAYERLAB_CACHE_DIR: cache },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return served(child);
}

/** The server a spawned process announces ("Layerlab at URL" on stdout), and how to stop it. */
export async function served(child: ChildProcess): Promise<OwnServer> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Layerlab at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`the server exited: ${out}`)));
  });
  return {
    url,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** `layerlab info FILE` lists exactly one run: #1 `runId`, completed after 2 epochs. */
export function expectInfoListsRun(file: string, cache: string, runId: string): void {
  const info = spawnSync(process.execPath, ['bin/layerlab.js', 'info', file], { encoding: 'utf8', env: { ...process.env, LAYERLAB_CACHE_DIR: cache } });
  expect(info.status, info.stderr).toBe(0);
  expect(info.stdout).toMatch(new RegExp(`Runs \\(1\\):[\\s\\S]*#1 +${runId} .*completed +2 `));
}

/** Opens the project file at `file` in the window (Open dialog), then shows the Training view. */
export async function openProjectFile(page: Page, url: string, file: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('project-open').click();
  await page.getByTestId('project-path').fill(file);
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText('Opened');
  await page.getByTestId('view-training').click();
}
