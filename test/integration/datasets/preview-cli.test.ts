import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, renderPreview } from '../../../main/datasets/index';
import { classColour } from '../../../main/datasets/preview';
import { datasetsCommand } from '../../../main/commands/datasets';
import { sharedDatasets, tempDir } from './paths';

/**
 * Runs the `datasets` command in this process, collecting what it writes (a child process per call costs seconds
 * of tsx start-up on a loaded machine). A thrown error becomes exit code 1 and one stderr line, as main/cli.ts does.
 */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = await datasetsCommand.run(args.slice(1)).catch((e: Error) => {
      err.push(`layerlab datasets: ${e.message}\n`);
      return 1;
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    for (const k of Object.keys(env)) if (k in saved) process.env[k] = saved[k];
    else delete process.env[k];
  }
}

describe('preview grid and the datasets CLI', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('cli');
  });
  afterAll(() => tmp.cleanup());

  it('renderPreview draws each sample pixel-exact with a class colour bar and label ink', async () => {
    const d = await loadDataset('mnist', { mirror: sharedDatasets, offline: true, cacheDir: join(tmp.dir, 'c0'), limitTest: 16 });
    const png = PNG.sync.read(renderPreview(d.test!, { count: 16, cols: 4, scale: 3, classNames: d.classNames }));
    const cellW = 28 * 3 + 4;
    expect(png.width).toBe(4 * cellW);
    expect(png.height).toBe(4 * (28 * 3 + 5 * 2 + 6 + 4));
    const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    // Sample 1 (a "2") sits in column 1 of row 0; compare a bright pixel of the source at 3x.
    const img = d.test!.x.subarray(784, 2 * 784);
    for (const [x, y] of [[14, 10], [5, 5], [20, 20]]) expect(px(cellW + 2 + x * 3 + 1, 2 + y * 3 + 1)).toEqual([img[y * 28 + x], img[y * 28 + x], img[y * 28 + x]]);
    // The label strip under it starts with the colour of class 2.
    expect(px(cellW + 2, 2 + 84 + 3)).toEqual(classColour(2));
  });

  it('list shows the catalog and cache state; fetch fills the cache from --mirror; info prints per-class counts', async () => {
    const env = { LAYERLAB_CACHE_DIR: join(tmp.dir, 'cache'), LAYERLAB_DATASET_MIRROR: '' };
    const before = await cli(['datasets', 'list'], env);
    expect(before.stdout).toMatch(/^mnist .*train 60000 \/ test 10000.*missing$/m);
    expect(before.stdout).toMatch(/^cifar-10 .*\[32x32x3\].*10 classes/m);
    const fetched = await cli(['datasets', 'fetch', 'mnist', '--mirror', sharedDatasets], env);
    expect(fetched.stdout.match(/verified/g)).toHaveLength(4);
    // Copies from a mirror report progress like downloads (one line per finished file when not on a terminal).
    expect(fetched.stderr).toMatch(/^mnist\/train-images-idx3-ubyte\.gz: 9\.9 MB at [\d.]+ MB\/s from .*mnist\/train-images-idx3-ubyte\.gz$/m);
    const after = await cli(['datasets', 'list'], env);
    expect(after.stdout).toMatch(/^mnist .*cached$/m);
    const info = await cli(['datasets', 'info', 'mnist', '--offline'], env);
    expect(info.stdout).toMatch(/train: 60000 samples of \[28, 28, 1\].*values 0\.\.255/);
    expect(info.stdout).toMatch(/^\s+1 1\s+6742$/m);
    expect(info.stdout).toMatch(/^\s+5 5\s+892$/m);
  });

  it('preview --augment writes a PNG grid; an unknown dataset is one clear error line', async () => {
    const out = join(tmp.dir, 'grid.png');
    const env = { LAYERLAB_DATASET_MIRROR: sharedDatasets, LAYERLAB_CACHE_DIR: join(tmp.dir, 'cache2'), LAYERLAB_OFFLINE: '1' };
    const r = await cli(['datasets', 'preview', 'fashion-mnist', '--out', out, '--augment', '--count', '12', '--seed', '1'], env);
    expect(r.stdout).toContain('12 train samples of fashion-mnist (augmented)');
    const png = PNG.sync.read(await readFile(out));
    expect(png.width).toBeGreaterThan(8 * 84);
    const bad = await cli(['datasets', 'info', 'mnst'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/'mnst' is neither a catalog dataset .* nor an existing file or folder/);
  });
});
