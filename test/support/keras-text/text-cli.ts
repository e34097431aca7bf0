/**
 * `layerlab` as a user runs it, against a catalog whose imdb and reuters are the generated files in Keras' layout
 * (mini-catalog.ts): a temporary folder with its own cache, mirror and catalog overrides, removed after the file's
 * tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { textCatalogEnv } from './mini-catalog';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function textCatalogCli(prefix: string, set: Parameters<typeof textCatalogEnv>[1]) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, LAYERLAB_CACHE_DIR: path.join(dir, 'cache'), ...textCatalogEnv(dir, set) };
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, cli };
}
