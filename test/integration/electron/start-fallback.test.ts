// `npm start` on a machine where the Electron binary cannot be downloaded (as here: no internet): it must say so
// in one line and serve the same UI in browser mode, printing the URL, instead of failing.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.pid) process.kill(-child.pid, 'SIGTERM');
});

describe('npm start without an Electron binary', () => {
  it('explains in one line and serves the UI in the browser instead', async () => {
    child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0', '--token', 'start-test-0123456789'], {
      cwd: root,
      detached: true,
      env: { ...process.env, LAYERLAB_CACHE_DIR: join(root, 'out', 'start-test-cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 240 s; output so far:\n${output}`)), 240_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Layerlab at (http:\/\/127\.0\.0\.1:\d+\/\?token=start-test-0123456789)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`start exited with ${code} before serving:\n${output}`)));
    });
    const notices = output.split('\n').filter((l) => l.includes('Electron binary could not be obtained'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/opening the same UI in browser mode instead/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app"|<script type="module"/);
    expect((await fetch(url.replace(/\?token=.*/, ''))).status).toBe(401);
  }, 300_000);
});
