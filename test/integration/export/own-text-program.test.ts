/**
 * Exported programs on the user's own text (issue 16): runs trained by `layerlab train --dataset PATH` on the real
 * debian-package-sections CSVs (word ids, an LSTM with dropout inside) and on class folders of .txt files (multi-hot,
 * with text that tells JavaScript's tokenizing from Python's: new Unicode letters, final sigma, U+FEFF, U+001C, U+0085,
 * invalid UTF-8, a byte order mark, CRLF, file and class names whose code-unit order is not the locale's). The PyTorch
 * train.py must prepare exactly Layerlab's samples (ids or 0/1 words, labels, split) and train 2 epochs on them; the
 * Keras train.py holds the very same text code and compiles (no TensorFlow here).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { sequentialGraph } from '../../../shared/templates/builder';
import { readNpz } from '../../../main/datasets/npy';
import { openOwnData } from '../../../main/datasets/own-data';
import { readTextCsv } from '../../../main/datasets/text-source';
import { DATASETS, torchMissing } from './helpers';
import { expectSamePrepared, ownDataHarness, trainTwoEpochs } from './own-data-harness';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED own-text export test: ${missing}`);

const h = ownDataHarness('layerlab-own-text-');
const debian = join(DATASETS, 'debian-package-sections');

/** The text code of a train.py (the tokenizer up to the loader), which both programs must share verbatim. */
function textCode(file: string): string {
  const source = readFileSync(file, 'utf8');
  const start = source.indexOf('STRIP_PUNCTUATION = ');
  const end = source.indexOf('\n\n\n', source.indexOf('def load_own_text('));
  expect(start).toBeGreaterThan(0);
  return source.slice(start, end);
}

describe.skipIf(missing !== null)("exported train.py on the user's own text", () => {
  it('debian-package-sections CSVs (10 ids, post-padded and truncated): the same 6566/1637 id rows and labels; an LSTM with dropout trains 2 epochs', async () => {
    const graph = sequentialGraph([null, 10], [
      ['Embedding', { input_dim: 2000, output_dim: 16, mask_zero: true }],
      ['LSTM', { units: 16, dropout: 0.2, recurrent_dropout: 0.2 }],
      ['Dense', { units: 8, activation: 'softmax' }],
    ]);
    const flags = ['--test', join(debian, 'test.csv'), '--max-tokens', '2000', '--sequence-length', '10', '--limit-train', '400'];
    const { pt, keras, config } = await h.trainAndExport('debian', graph, join(debian, 'train.csv'), flags);
    const record = ownDatasetOf(config.dataset)!.preprocessing;
    expect(record.kind).toBe('text');
    expect(record.text!.vocabulary).toHaveLength(2000);

    const theirs = await expectSamePrepared(h, pt, config, { train: [6566, 10], val: [1637, 10] }, 0);
    // Real padding, real truncation and unknown words are in there (so the comparison covers all three).
    const ids = Array.from(theirs.get('x_val')!.data, Number);
    expect(ids.filter((v) => v === 0).length).toBeGreaterThan(1000);
    expect(ids.filter((v) => v === 1).length).toBeGreaterThan(100);
    const texts = (await readTextCsv(join(debian, 'test.csv'))).texts;
    expect(texts.some((t) => t.split(/\s+/).length > 10)).toBe(true);

    trainTwoEpochs(h, pt, /400 training and 1637 test samples of .*train\.csv/);
    expect(readFileSync(join(pt, 'README.md'), 'utf8')).toMatch(/## Your data[\s\S]*vocabulary of 2000 entries, 10 word ids/);
    h.python(['-m', 'py_compile', join(keras, 'train.py')], keras);
    expect(textCode(join(keras, 'train.py'))).toBe(textCode(join(pt, 'train.py')));
  }, 600_000);

  it('class folders of .txt files (multi-hot, last 20% validate): the same 0/1 words, labels and rows, through the hard cases of tokenizing', async () => {
    const root = join(h.dir, 'texts');
    const write = (cls: string, file: string, content: string | Buffer) => {
      mkdirSync(join(root, cls), { recursive: true });
      writeFileSync(join(root, cls, file), content);
    };
    // Code-unit order Beta < _misc < alpha (the locale's would be _misc, alpha, Beta): 'alpha' is validated on.
    const sections = { Beta: 'games', _misc: 'science', alpha: 'net' } as const;
    const rows = (await readTextCsv(join(debian, 'test.csv')));
    for (const [cls, section] of Object.entries(sections)) {
      rows.texts.filter((_, i) => rows.labels[i] === section).slice(0, 30).forEach((t, i) => write(cls, `${i}.txt`, t));
    }
    const many = (word: string) => Array(40).fill(word).join(' ');
    // U+1C89 became a capital in Unicode 16 (Python 3.11 does not lower it); ΟΔΟΣ ends in a final sigma; U+212A is
    // the Kelvin sign; U+001C and U+0085 split words in Python's str.split, not in JavaScript; U+FEFF does the reverse.
    write('Beta', 'B.txt', `${many('\u1c89ab')} ${many('ΟΔΟΣ')} ${many('\u212aelvin')}`);
    write('Beta', 'a.txt', `${many('foo\u001cbar')} ${many('baz\u0085qux')} ${many('left\ufeffright')}`);
    write('Beta', 'é.txt', Buffer.concat([Buffer.from('\ufeffCAF'), Buffer.from([0xe9]), Buffer.from(' Don\'t e-mail\r\nİSTANBUL «quoted» ＡＢＣ ΑΣ. ᲉAB')]));
    write('Beta', 'Z.txt', `${many('caf\ufffd')} ${many('i\u0307stanbul')}`);
    write('unsup', 'x.txt', 'not a class');
    writeFileSync(join(root, 'Beta', 'notes.md'), 'not a text file');
    const graph = sequentialGraph([null, 60], [['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 3, activation: 'softmax' }]]);
    const { pt, keras, config } = await h.trainAndExport('folders', graph, root, ['--multi-hot', '--max-tokens', '60']);
    const record = ownDatasetOf(config.dataset)!.preprocessing;
    expect(record.class_names).toEqual(['Beta', '_misc', 'alpha']);
    // The hard words made it into the vocabulary, so a tokenizer that got them wrong would see unknown words instead.
    expect(record.text!.vocabulary).toEqual(expect.arrayContaining(['\u1c8aab', 'οδος', 'kelvin', 'foo\u001cbar', 'baz\u0085qux', 'left', 'caf\ufffd', 'i\u0307stanbul']));
    expect(readFileSync(join(pt, 'train.py'), 'utf8')).toMatch(/JS_LOWERCASE = \{[^\n]*0x1c89: '\u1c8a'/);

    await expectSamePrepared(h, pt, config, { train: [75, 60], val: [19, 60] }, 0);

    trainTwoEpochs(h, pt, /75 training and 19 validation samples of .*texts/);

    // --test with a CSV beside a folder: its columns are found as Layerlab finds them (the label column by name,
    // the text the longest non-numeric one: not 'id', not the shorter 'note'), quoted commas and newlines included.
    const testCsv = join(h.dir, 'extra-test.csv');
    writeFileSync(testCsv, [
      'id,label,note,description',
      '1,alpha,x,"ΟΔΟΣ, \u1c89AB and «more»\nover two lines"',
      '2,Beta,y,plain words from the debian sections',
      '0x1F,_misc,z,"foo\u001cbar \u212aELVIN, Don\'t e-mail"',
    ].join('\r\n'));
    const own = ownDatasetOf(config.dataset)!;
    const { dataset } = await openOwnData({ ...own.source, test_path: testCsv }, { baseDir: h.dir, stored: own.preprocessing });
    h.python(['-c', [
      'import sys; sys.argv = ["train.py"]',
      'import numpy as np, train',
      `_, (x, y) = train.load_own_text(train.DATA_PATH, ${JSON.stringify(testCsv)}, train.own_record())`,
      'np.savez("extra.npz", x=x, y=y)',
    ].join('\n')], pt);
    const extra = await readNpz(join(pt, 'extra.npz'));
    expect(extra.get('x')!.shape).toEqual([3, 60]);
    expect(Array.from(extra.get('x')!.data, Number)).toEqual(Array.from(dataset.test!.x));
    expect(Array.from(extra.get('y')!.data, Number)).toEqual(Array.from(dataset.test!.y));
    expect(Array.from(dataset.test!.y)).toEqual([2, 0, 1]);
    h.python(['-m', 'py_compile', join(keras, 'train.py')], keras);
  }, 600_000);
});
