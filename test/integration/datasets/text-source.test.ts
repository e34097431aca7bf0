/** Labelled text from files: the real Debian package descriptions (CSV) and a folder in the aclImdb layout. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTextDataset, readTextCsv, readTextFolder } from '../../../main/datasets/text-source';
import { decode, textVectorizationSchema } from '../../../shared/text/vectorization';
import { sharedDatasets, tempDir } from './paths';

const debian = join(sharedDatasets, 'debian-package-sections');

describe('text from a CSV: debian-package-sections (real one-line descriptions, 8 sections)', () => {
  it('finds the text column, adapts on train only, vectorises both splits', async () => {
    const train = await readTextCsv(join(debian, 'train.csv'));
    const test = await readTextCsv(join(debian, 'test.csv'));
    expect(train.texts[0]).toBe('short read mapping with gaps');
    const d = buildTextDataset('debian', train, test, { maxTokens: 2000, sequenceLength: 16 });
    expect([d.train.count, d.test!.count]).toEqual([6566, 1637]);
    expect(d.classNames).toEqual(['admin', 'games', 'graphics', 'mail', 'net', 'science', 'sound', 'text']);
    expect(d.train.sampleShape).toEqual([16]);
    expect(d.raw).toBe(true);
    expect(d.vectorization.vocabulary).toHaveLength(2000);
    // The most frequent words of package descriptions, and the first sample back as words.
    expect(d.vectorization.vocabulary.slice(2, 5)).toEqual(expect.arrayContaining(['for']));
    expect(decode(d.vectorization, d.train.x.subarray(0, 16))).toBe('short read mapping with gaps');
    // Words only in the test split are OOV (1): some must exist with a train-only vocabulary.
    expect(Array.from(d.test!.x).filter((id) => id === 1).length).toBeGreaterThan(0);
    // The vocabulary is kept with the run as JSON.
    expect(textVectorizationSchema.parse(JSON.parse(JSON.stringify(d.vectorization))).vocabulary).toEqual(d.vectorization.vocabulary);
  });

  it('multi_hot vectors have the vocabulary width', async () => {
    const d = buildTextDataset('debian', await readTextCsv(join(debian, 'test.csv')), undefined, { maxTokens: 500, outputMode: 'multi_hot' });
    expect(d.train.sampleShape).toEqual([500]);
    expect(d.train.x.length).toBe(1637 * 500);
  });

  it('names a missing column and the fix', async () => {
    await expect(readTextCsv(join(debian, 'train.csv'), { labelColumn: 'section' })).rejects.toThrow(/has no column 'section' for the labels; its columns are text, label. Pass --label-column/);
    await expect(readTextCsv(join(debian, 'train.csv'), { textColumn: 'body' })).rejects.toThrow(/has no text column 'body'.*Pass --text-column/);
  });
});

describe('text from a folder of .txt files per class (aclImdb layout)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('aclimdb');
    const files: Record<string, string> = {
      'train/pos/0_9.txt': 'A wonderful, moving film.',
      'train/pos/1_8.txt': 'Wonderful acting!',
      'train/neg/0_2.txt': 'Boring and far too long.',
      'train/unsup/0_0.txt': 'unlabelled review',
      'test/pos/0_10.txt': 'Wonderful.',
      'test/neg/0_1.txt': 'Terrible, boring.',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(tmp.dir, 'aclImdb', name, '..'), { recursive: true });
      await writeFile(join(tmp.dir, 'aclImdb', name), text);
    }
  });
  afterAll(() => tmp.cleanup());

  it('reads train/ and test/ with one class per sub-folder (unsup skipped)', async () => {
    const { train, test } = await readTextFolder(join(tmp.dir, 'aclImdb'));
    expect(train.labels).toEqual(['neg', 'pos', 'pos']);
    const d = buildTextDataset('acl', train, test, { sequenceLength: 5 });
    expect(d.classNames).toEqual(['neg', 'pos']);
    expect(Array.from(d.test!.y)).toEqual([0, 1]);
    expect(decode(d.vectorization, d.test!.x.subarray(0, 5))).toBe('[UNK] boring');
  });

  it('says what layout it expects when there are no .txt files', async () => {
    await mkdir(join(tmp.dir, 'empty', 'a'), { recursive: true });
    await expect(readTextFolder(join(tmp.dir, 'empty'))).rejects.toThrow(/holds no \.txt files in class folders/);
  });
});
