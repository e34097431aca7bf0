/**
 * The text view's codec for a run on the catalog's reuters, on the generated files in Keras' layout: a multi-hot
 * run's typed sentence is the bag of its ids below num_words, a word cut by num_words is refused with the reason,
 * and a validation fraction gives the rows the feeder held out (its seeded shuffle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/index';
import { createFeeder } from '../../../main/datasets/feed';
import { kerasTextCodec } from '../../../main/service/keras-text-codec';
import { TrainingConfigSchema } from '../../../shared/training';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-keras-codec-'));
const mirror = join(dir, 'mirror');
const source = { mirror, cacheDir: join(dir, 'cache'), offline: true, catalog: miniTextCatalog(mirror) };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the text codec of a reuters run', () => {
  it('multi-hot sentences, num_words refusals and the validation fraction as the feeder held it out', async () => {
    const config = TrainingConfigSchema.parse({
      dataset: { name: 'reuters', text: { num_words: 30, multi_hot: true } },
      epochs: 1,
      seed: 5,
      validation: { kind: 'split', fraction: 0.25 },
    });
    const codec = (await kerasTextCodec(config, source))!;
    expect(codec.size).toBe(30);
    expect(codec.classNames).toHaveLength(46);
    // start_char 1, 'the' rank 1 -> 4, 'and' rank 2 -> 5, an unknown word -> oov_char 2.
    const { input } = codec.sentence('The and zyxxy');
    expect(input).toHaveLength(30);
    expect(input.flatMap((v, id) => (v ? [id] : []))).toEqual([1, 2, 4, 5]);
    expect(codec.idOf('it')).toBe(12);
    expect(codec.idOf('her')).toBe("'her' is word 38 of reuters, beyond the run's num_words=30: the model saw it as unknown; pick a more frequent word");
    expect(codec.idOf('qqq')).toBe("'qqq' is not in the reuters word index: pick one of the frequent words");
    expect(codec.frequent.slice(0, 3)).toEqual(['the', 'and', 'a']);

    const held = await codec.validation();
    const data = await loadDataset('reuters', { ...source, text: { num_words: 30, multiHot: true } });
    const feeder = createFeeder(data, { batchSize: 100, normalisation: 'none', labels: 'sparse', validation: 0.25, seed: 5, shuffle: false, inputShape: [30] });
    const rows = [...feeder.validationBatches()].flatMap((b) => Array.from({ length: b.size }, (_, i) => Array.from(b.xs.subarray(i * 30, (i + 1) * 30))));
    expect(held.count).toBe(rows.length);
    expect(Array.from({ length: held.count }, (_, i) => Array.from(held.x.subarray(i * 30, (i + 1) * 30)))).toEqual(rows);
  });
});
