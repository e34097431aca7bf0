/**
 * Starts test/e2e/imdb-server.ts (a `layerlab serve` whose catalog imdb and reuters are the small generated files in
 * Keras' layout) in its own folder and cache, for the specs that train on the catalog's text datasets.
 */
import { spawn } from 'node:child_process';
import { served, type OwnServer } from './own-server';

export function serveTextCatalog(dir: string, token: string): Promise<OwnServer> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'test/e2e/imdb-server.ts', dir, token], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Recent projects and recovery stores go to the test's folder, not the user's cache.
    env: { ...process.env, LAYERLAB_CACHE_DIR: `${dir}/layerlab-cache` },
  });
  return served(child);
}
