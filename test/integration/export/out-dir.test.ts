/** Export writes into a new or empty folder; a non-empty one only when it holds an earlier export of the same origin or with force. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { compileGraph } from '../../../shared/graph';
import { getTemplate } from '../../../shared/templates';

const spec = compileGraph(getTemplate('mlp-64')!.graph);

describe('export output folder', () => {
  it('writes into a new folder, replaces its own earlier export (listing the files) and refuses a foreign folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'll-outdir-'));
    const out = join(root, 'new', 'nested');
    const first = await exportModel({ spec, origin: '/p/a.layerlab' }, { format: 'pytorch', outDir: out });
    expect(first.replaced).toEqual([]);
    const again = await exportModel({ spec, origin: '/p/a.layerlab' }, { format: 'pytorch', outDir: out });
    expect(again.replaced).toEqual(['model.py', 'train.py', 'README.md']);
    await expect(exportModel({ spec, origin: '/p/b.layerlab' }, { format: 'pytorch', outDir: out })).rejects.toThrow(/holds an export of '\/p\/a.layerlab', not of '\/p\/b.layerlab'.*--force/);

    const foreign = join(root, 'mine');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'README.md'), 'my notes');
    await expect(exportModel({ spec, origin: '/p/a.layerlab' }, { format: 'keras', outDir: foreign })).rejects.toThrow(/holds files that no Layerlab export .* wrote \(README.md\); export into a new or empty folder, or pass --force/);
    expect(readFileSync(join(foreign, 'README.md'), 'utf8')).toBe('my notes');
    const forced = await exportModel({ spec, origin: '/p/a.layerlab' }, { format: 'pytorch', outDir: foreign, force: true });
    expect(forced.replaced).toEqual(['README.md']);

    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect((await exportModel({ spec }, { format: 'pytorch', outDir: empty })).files).toContain('train.py');
  });
});
