/**
 * A `layerlab serve` of a test's own (a free port, its own cache folder), for tests that stop, kill or restart the
 * server; the shared one of playwright.config.ts must stay up for the other tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Layerlab at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`layerlab serve exited: ${out}`)));
  });
  return {
    url,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
