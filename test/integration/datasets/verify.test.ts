import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError, FormatError, fetchDataset, getCatalogEntry, loadDataset, readIdxFile } from '../../../main/datasets/index';
import { sharedDatasets, tempDir } from './paths';

const LABELS = 't10k-labels-idx1-ubyte.gz';
const LABELS_SHA = 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6';

/** A mirror holding copies of the real MNIST files, one of which the test then damages (never ../shared itself). */
async function mirrorWith(root: string, damage: (bytes: Buffer) => Buffer): Promise<string> {
  const mirror = join(root, 'mirror');
  await mkdir(join(mirror, 'mnist'), { recursive: true });
  for (const f of getCatalogEntry('mnist').files) await copyFile(join(sharedDatasets, 'mnist', f.name), join(mirror, 'mnist', f.name));
  const target = join(mirror, 'mnist', LABELS);
  await writeFile(target, damage(await readFile(target)));
  return mirror;
}

async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch {
    return [];
  }
}

describe('checksum verification of mirror and cache copies', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let cacheDir: string;
  beforeEach(async () => {
    tmp = await tempDir('verify');
    cacheDir = join(tmp.dir, 'cache');
  });
  afterEach(() => tmp.cleanup());

  const cases: [string, (b: Buffer) => Buffer][] = [
    ['a flipped byte', (b) => {
      const c = Buffer.from(b);
      c[c.length >> 1] ^= 0xff;
      return c;
    }],
    ['a truncated file', (b) => b.subarray(0, b.length - 100)],
    ['a wrong magic number', (b) => {
      const raw = Buffer.from(gunzipSync(b));
      raw[3] = 3; // claims 3 dimensions
      return gzipSync(raw);
    }],
  ];

  for (const [what, damage] of cases) {
    it(`${what}: clear error naming file, expected and actual sha256, the fix; cache stays clean`, async () => {
      const mirror = await mirrorWith(tmp.dir, damage);
      const err = await fetchDataset(getCatalogEntry('mnist'), { mirror, cacheDir, offline: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChecksumError);
      const msg = (err as Error).message;
      expect(msg).toContain(LABELS);
      expect(msg).toContain(`expected ${LABELS_SHA}`);
      expect(msg).toMatch(/got [0-9a-f]{64}/);
      expect(msg).toContain(join(mirror, 'mnist', LABELS));
      expect(msg).toMatch(/Fetch it again|replace the copy/);
      // The three good files were cached; the bad one left neither a file nor a .part behind.
      const files = await listTree(join(cacheDir, 'datasets', 'mnist'));
      expect(files).not.toContain(LABELS);
      expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
      // Loading refuses it as well.
      await expect(loadDataset('mnist', { mirror, cacheDir, offline: true })).rejects.toThrow(ChecksumError);
    });
  }

  it('the IDX parser itself names a wrong magic number (files outside the catalog have no checksum)', async () => {
    const bad = join(tmp.dir, 'bad-idx1-ubyte');
    const raw = Buffer.from(gunzipSync(await readFile(join(sharedDatasets, 'mnist', LABELS))));
    raw[2] = 0x07;
    await writeFile(bad, raw);
    await expect(readIdxFile(bad)).rejects.toThrowError(new RegExp(`${bad}: wrong magic number 0x00000701`));
    await expect(readIdxFile(bad)).rejects.toBeInstanceOf(FormatError);
  });

  it('a damaged copy in the cache is deleted and replaced from the mirror', async () => {
    const entry = getCatalogEntry('mnist');
    await fetchDataset(entry, { mirror: sharedDatasets, cacheDir, offline: true });
    const cached = join(cacheDir, 'datasets', 'mnist', LABELS);
    const good = await readFile(cached);
    const bad = Buffer.from(good);
    bad[100] ^= 1;
    await writeFile(cached, bad);
    const d = await loadDataset('mnist', { mirror: sharedDatasets, cacheDir, offline: true, limitTest: 5 });
    expect(Array.from(d.test!.y)).toEqual([7, 2, 1, 0, 4]);
    // Without a mirror, the damaged cache file is reported and removed rather than used.
    await writeFile(cached, bad);
    const err = await loadDataset('mnist', { cacheDir, offline: true, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toContain(cached);
    expect(await listTree(join(cacheDir, 'datasets', 'mnist'))).not.toContain(LABELS);
  });

  it('a wrong file under a CIFAR archive name is refused by its published md5 (CIFAR-100) or sha256 (CIFAR-10)', async () => {
    const mirror = join(tmp.dir, 'mirror');
    for (const [name, archive] of [['cifar-100', 'cifar-100-binary.tar.gz'], ['cifar-10', 'cifar-10-binary.tar.gz']]) {
      await mkdir(join(mirror, name), { recursive: true });
      await copyFile(join(sharedDatasets, 'cifar-10-subset/cifar10_labels.json'), join(mirror, name, archive));
    }
    const e100 = await loadDataset('cifar-100', { mirror, cacheDir, offline: true }).catch((e: unknown) => e);
    expect(e100).toBeInstanceOf(ChecksumError);
    expect((e100 as Error).message).toMatch(/cifar-100-binary\.tar\.gz: md5 mismatch \(expected 03b5dce01913d631647c71ecec9e9cb8, got [0-9a-f]{32}\)/);
    const e10 = await fetchDataset(getCatalogEntry('cifar-10'), { mirror, cacheDir, offline: true }).catch((e: unknown) => e);
    expect((e10 as Error).message).toMatch(/cifar-10-binary\.tar\.gz: sha256 mismatch/);
    expect(await listTree(join(cacheDir, 'datasets', 'cifar-10'))).toEqual([]);
    expect(await listTree(join(cacheDir, 'datasets', 'cifar-100'))).toEqual([]);
  });

  it('with no source at all the error lists what was tried and how to fix it', async () => {
    const err = await loadDataset('fashion-mnist', { cacheDir, offline: true, mirror: join(tmp.dir, 'nowhere'), env: {} }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/fashion-mnist\/.*is not available/);
    expect((err as Error).message).toContain('--mirror');
  });
});
