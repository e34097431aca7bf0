/**
 * The catalog path of the text datasets (mirror, checksum, Keras' load_data, pad_sequences), on an entry shaped like
 * the catalog's imdb but holding a small file in the imdb.npz layout (the official file cannot be downloaded here).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog, ChecksumError, getCatalogEntry, loadCatalogEntry, type CatalogEntry } from '../../../main/datasets/index';
import { repoRoot, tempDir } from './paths';

const fixtures = join(repoRoot, 'test/fixtures/keras-text');

describe('imdb and reuters in the catalog', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let entry: CatalogEntry;
  let expected: Record<string, unknown>;
  beforeAll(async () => {
    tmp = await tempDir('keras-text');
    const npz = await readFile(join(fixtures, 'imdb-mini.npz'));
    const imdb = getCatalogEntry('imdb');
    entry = {
      ...imdb,
      name: 'imdb-test',
      files: [{ ...imdb.files[0]!, bytes: npz.length, sha256: createHash('sha256').update(npz).digest('hex') }],
    };
    await mkdir(join(tmp.dir, 'mirror', 'imdb-test'), { recursive: true });
    await copyFile(join(fixtures, 'imdb-mini.npz'), join(tmp.dir, 'mirror', 'imdb-test', 'imdb.npz'));
    expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as Record<string, unknown>;
  });
  afterAll(() => tmp.cleanup());

  it("lists Keras' files with their published hashes (sha256 for the data, md5 for the word index)", () => {
    const imdb = catalog.find((e) => e.name === 'imdb')!;
    expect(imdb.files.map((f) => [f.name, f.sha256 ?? f.md5])).toEqual([
      ['imdb.npz', '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f'],
      ['imdb_word_index.json', 'bfafd718b763782e994055a2d397834f'],
    ]);
    const reuters = catalog.find((e) => e.name === 'reuters')!;
    expect(reuters.files[0]!.sha256).toBe('d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916');
    expect(reuters.classNames).toHaveLength(46);
  });

  it('loads through the catalog: verified, load_data as Keras, padded at the start to --sequence-length', async () => {
    const d = await loadCatalogEntry(entry, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true, text: { num_words: null, sequenceLength: 12 } });
    const want = expected['imdb default'] as { y_train: number[]; x_test: number[][] };
    expect(d.train.sampleShape).toEqual([12]);
    expect(d.train.count).toBe(30);
    expect(d.test!.count).toBe(20);
    const rows = Array.from({ length: 30 }, (_, i) => Array.from(d.train.x.subarray(i * 12, i * 12 + 12)));
    expect(rows).toEqual(expected['imdb default padded to 12']);
    expect(Array.from(d.train.y)).toEqual(want.y_train);
    expect(d.classNames).toEqual(['negative', 'positive']);
    expect(d.raw).toBe(true);
  });

  it('gives multi-hot vectors of num_words (reuters-mlp input) on request', async () => {
    const d = await loadCatalogEntry(entry, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true, text: { multiHot: true, num_words: 50 } });
    const want = expected['imdb default'] as { x_train: number[][] };
    expect(d.train.sampleShape).toEqual([50]);
    const row0 = Array.from(d.train.x.subarray(0, 50));
    expect(row0.flatMap((v, id) => (v === 1 ? [id] : []))).toEqual([...new Set(want.x_train[0]!.map((w) => (w < 50 ? w : 2)))].sort((a, b) => a - b));
  });

  it("uses the catalog's defaults (10,000 words, length 200) and refuses a bad length or a corrupt copy", async () => {
    const d = await loadCatalogEntry(entry, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true });
    expect(d.train.sampleShape).toEqual([200]);
    await expect(loadCatalogEntry(entry, { mirror: join(tmp.dir, 'mirror'), offline: true, cacheDir: join(tmp.dir, 'cache'), text: { sequenceLength: 0 } })).rejects.toThrow(
      /--sequence-length must be a positive integer. Received: 0/,
    );
    const corrupt = { ...entry, files: [{ ...entry.files[0]!, sha256: '0'.repeat(64) }] };
    // The mirror's copy is there but not the file the entry publishes: the error is the checksum's, not "missing".
    const actual = createHash('sha256').update(await readFile(join(fixtures, 'imdb-mini.npz'))).digest('hex');
    const refusal = loadCatalogEntry(corrupt, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache2'), offline: true });
    await expect(refusal).rejects.toBeInstanceOf(ChecksumError);
    await expect(refusal).rejects.toThrow(`imdb.npz: sha256 mismatch (expected ${'0'.repeat(64)}, got ${actual}) for the copy from ${join(tmp.dir, 'mirror', 'imdb-test', 'imdb.npz')}.`);
    await expect(refusal).rejects.toThrow(/it was not used and not kept\. Fetch it again \(layerlab datasets fetch\), or replace the copy in your mirror with the official file\./);
  });
});
