/**
 * The word index of the catalog's imdb and reuters, on the generated files in Keras' layout: obtained from a mirror
 * and verified like the .npz (a corrupt copy is refused), and a training example loaded by the
 * catalog decodes to the words Python's Keras convention gives (make_fixtures.py).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogEntry, type CatalogEntry } from '../../../main/datasets/index';
import { loadWordIndex } from '../../../main/datasets/keras-word-index';
import { decodeKerasIds, KERAS_TEXT_DEFAULTS, wordsById } from '../../../shared/text/keras-word-index';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';
import { repoRoot, tempDir } from './paths';

const fixtures = join(repoRoot, 'test/fixtures/keras-text');

describe('the word index of imdb and reuters', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let imdb: CatalogEntry;
  let reuters: CatalogEntry;
  let expected: Record<string, unknown>;
  beforeAll(async () => {
    tmp = await tempDir('keras-word-index');
    [imdb, reuters] = miniTextCatalog(join(tmp.dir, 'mirror')) as [CatalogEntry, CatalogEntry];
    expected = JSON.parse(await readFile(join(fixtures, 'word-index-expected.json'), 'utf8')) as Record<string, unknown>;
  });
  afterAll(() => tmp.cleanup());

  const source = () => ({ mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true });

  it("decodes imdb's training examples, loaded and padded by the catalog, to Keras' words", async () => {
    const index = await loadWordIndex(imdb, source());
    expect(index['the']).toBe(1);
    const d = await loadCatalogEntry(imdb, { ...source(), text: { num_words: null, sequenceLength: 30 } });
    const coding = { numWords: null, ...KERAS_TEXT_DEFAULTS };
    const words = wordsById(index, coding);
    const decoded = [0, 1, 2].map((i) => decodeKerasIds(d.train.x.subarray(i * 30, (i + 1) * 30), words, coding));
    expect(decoded).toEqual(expected['imdb default x_train[:3] decoded']);
  });

  it('decodes reuters too, and refuses a corrupt word index naming the checksum', async () => {
    const index = await loadWordIndex(reuters, source());
    const d = await loadCatalogEntry(reuters, { ...source(), text: { num_words: null, sequenceLength: 40 } });
    const coding = { numWords: null, ...KERAS_TEXT_DEFAULTS };
    expect(decodeKerasIds(d.train.x.subarray(0, 40), wordsById(index, coding), coding)).toBe(expected['reuters default x_train[0] decoded']);
    const mirror = join(tmp.dir, 'mirror2');
    const [bad] = miniTextCatalog(mirror);
    await writeFile(join(mirror, 'imdb', 'imdb_word_index.json'), '{"the": 1, "and": 3}');
    await expect(loadWordIndex(bad!, { mirror, cacheDir: join(tmp.dir, 'cache2'), offline: true })).rejects.toThrow(/md5|checksum/i);
  });
});
