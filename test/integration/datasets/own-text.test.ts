/**
 * Text as the user's own data through openOwnData (what `train --dataset PATH`, the window's picker and the worker
 * use): detection of a text CSV and of class folders of .txt files, the vocabulary adapted on the training rows
 * only and stored in the run's record, and a stored record applied as it is.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectKind, openOwnData } from '../../../main/datasets/own-data';
import { datasetCard } from '../../../main/datasets/card';
import { DataPreprocessingSchema } from '../../../shared/data-preprocessing';
import { decode, tokenize } from '../../../shared/text/vectorization';
import { sharedDatasets, tempDir } from './paths';

const debian = join(sharedDatasets, 'debian-package-sections');
let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await tempDir('own-text');
  const files: Record<string, string> = {
    'acl/train/pos/0_9.txt': 'A wonderful, moving film.',
    'acl/train/pos/1_8.txt': 'Wonderful acting!',
    'acl/train/neg/0_2.txt': 'Boring and far too long.',
    'acl/test/pos/0_10.txt': 'Wonderful.',
    'acl/test/neg/0_1.txt': 'Terrible, boring.',
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(tmp.dir, name, '..'), { recursive: true });
    await writeFile(join(tmp.dir, name), text);
  }
});
afterAll(() => tmp.cleanup());

describe('detecting text', () => {
  it('a CSV of sentences is text, a table of numbers is not; class folders of .txt are text', async () => {
    expect(await detectKind(join(debian, 'train.csv'))).toBe('text');
    expect(await detectKind(join(sharedDatasets, 'boston-housing/housing.csv'))).toBe('csv');
    expect(await detectKind(join(tmp.dir, 'acl'))).toBe('text');
    expect(await detectKind(join(tmp.dir, 'acl/train'))).toBe('text');
  });
});

describe('openOwnData on text', () => {
  it('debian-package-sections with its test file: ids of the training vocabulary, the tokenizer in the record', async () => {
    const { dataset: d, config } = await openOwnData({ path: join(debian, 'train.csv'), test_path: join(debian, 'test.csv'), max_tokens: 3000, sequence_length: 24 });
    expect(config.source).toMatchObject({ kind: 'text', max_tokens: 3000, sequence_length: 24 });
    const p = DataPreprocessingSchema.parse(config.preprocessing);
    expect(p).toMatchObject({ kind: 'text', task: 'classification', sample_shape: [24], validation: { kind: 'test-split' }, label_column: 'label', text_column: 'text' });
    expect(p.class_names).toEqual(['admin', 'games', 'graphics', 'mail', 'net', 'science', 'sound', 'text']);
    expect(p.text!.vocabulary).toHaveLength(3000);
    expect(d).toMatchObject({ raw: true, train: { count: 6566, sampleShape: [24] }, test: { count: 1637 } });
    // The first training row decodes back to its own words (all frequent enough to be in the vocabulary or [UNK]).
    const first = (await readFile(join(debian, 'train.csv'), 'utf8')).split('\n')[1]!.split(',')[0]!;
    const decoded = decode(p.text!, d.train.x.subarray(0, 24)).split(' ');
    expect(decoded.length).toBe(Math.min(24, tokenize(first).length));
    decoded.forEach((w, i) => expect([tokenize(first)[i], '[UNK]']).toContain(w));
  });

  it('without a test split the vocabulary is adapted on the training rows only: words only in the held-out rows are [UNK]', async () => {
    const path = join(tmp.dir, 'leak.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 8; i++) rows.push(`common words for row ${i},${i % 2 ? 'b' : 'a'}`);
    rows.push('zebraword appears only here,a', 'zebraword again held out,b');
    await writeFile(path, rows.join('\n'));
    const { config } = await openOwnData({ path, validation_split: 0.2, sequence_length: 6 });
    const vocab = config.preprocessing.text!.vocabulary;
    expect(vocab).toContain('common');
    expect(vocab).not.toContain('zebraword');
    expect(config.preprocessing.validation).toEqual({ kind: 'last-fraction', fraction: 0.2 });
  });

  it('a stored record is applied as it is (same ids), not adapted again', async () => {
    const fitted = await openOwnData({ path: join(debian, 'test.csv'), max_tokens: 50, sequence_length: 8 });
    const again = await openOwnData(fitted.config.source, { stored: fitted.config.preprocessing });
    expect(again.config.preprocessing.text).toEqual(fitted.config.preprocessing.text);
    expect(Array.from(again.dataset.train.x.subarray(0, 80))).toEqual(Array.from(fitted.dataset.train.x.subarray(0, 80)));
    // A different vocabulary in the record changes the ids: the record, not the file, decides.
    const tiny = { ...fitted.config.preprocessing, text: { ...fitted.config.preprocessing.text!, vocabulary: ['', '[UNK]', 'for'] } };
    const mapped = await openOwnData(fitted.config.source, { stored: tiny });
    expect(new Set(mapped.dataset.train.x)).toEqual(new Set([0, 1, 2]));
  });

  it('aclImdb folders: train/ and test/, folder names are the classes; multi-hot is one input per word', async () => {
    const { dataset: d, config } = await openOwnData({ path: join(tmp.dir, 'acl'), multi_hot: true });
    expect(config.preprocessing).toMatchObject({ kind: 'text', class_names: ['neg', 'pos'], validation: { kind: 'test-split' } });
    expect(config.preprocessing.text_column).toBeUndefined();
    const width = config.preprocessing.text!.vocabulary.length;
    expect(d.train.sampleShape).toEqual([width]);
    expect(Array.from(d.test!.y)).toEqual([0, 1]);
    const card = await datasetCard(await openOwnData({ path: join(tmp.dir, 'acl'), sequence_length: 4 }));
    expect(card.kind).toBe('text');
    expect(card.texts![0]).toEqual({ text: 'boring and far too', label: 'neg' });
    expect(card.vocabulary!.top[0]).toBe('wonderful');
  });

  it('text flags on data that is not text, and --text-column on a folder, name the problem', async () => {
    await expect(openOwnData({ path: join(tmp.dir, 'acl'), text_column: 'review' })).rejects.toThrow(/--text-column applies to a CSV; .*acl is a folder of \.txt files/);
    await expect(openOwnData({ path: join(sharedDatasets, 'fixtures'), max_tokens: 100 })).rejects.toThrow(/--max-tokens apply to text .* reads as image-folder data/);
    // A CSV the detector reads as a table becomes text when a text flag says so.
    const { config } = await openOwnData({ path: join(sharedDatasets, 'boston-housing/housing.csv'), text_column: 'CHAS', label_column: 'MEDV', sequence_length: 2 });
    expect(config.preprocessing.kind).toBe('text');
  });
});
