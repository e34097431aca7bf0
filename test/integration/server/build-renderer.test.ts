import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../../main/server/build-renderer';

// First contact: `npm install && npx layerlab serve` builds the missing window instead of answering 503.
describe('serve builds the window when its files are missing', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the real Vite build with a progress line, then leaves a built folder alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'layerlab-renderer-'));
    const out = join(dir, 'renderer');
    const lines: string[] = [];
    const first = await ensureRendererBuilt(out, (l) => lines.push(l));
    expect(first.kind).toBe('built');
    expect(lines[0]).toBe(`Building the window into ${out} (first start only)...`);
    expect(lines[1]).toMatch(/^Built the window in \d+ s\.$/);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toMatch(/<div id="app">|<script/);
    const second = await ensureRendererBuilt(out, (l) => lines.push(l));
    expect(second).toStrictEqual({ kind: 'present' });
    expect(lines).toHaveLength(2);
  }, 300_000);
});
