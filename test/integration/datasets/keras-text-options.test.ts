/**
 * Keras' load_data options from the command line to the loaded ids: `layerlab train --dataset reuters --skip-top 6
 * --maxlen 24 --shuffle-seed 11 --oov-char 3 --index-from 4 ...` keeps them in config.dataset.text, and what the run
 * loads from them (the catalog path on the generated files in Keras' layout) equals Keras' own algorithm's output
 * (test/support/keras-text/make_fixtures.py); the text view's codec reads ids and typed sentences with the same
 * options. Bad values are refused with Keras' words.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainingConfigSchema } from '../../../shared/training';
import { runDataset } from '../../../main/commands/info';
import { parseTrainArgs, prepareRun } from '../../../main/commands/train';
import { loadDataset } from '../../../main/datasets/index';
import { catalogTextOptions } from '../../../main/datasets/keras-text-catalog';
import { kerasTextCodec } from '../../../main/service/keras-text-codec';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';
import { repoRoot } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-text-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mirror = join(dir, 'mirror');
const source = { mirror, cacheDir: join(dir, 'cache'), offline: true, catalog: miniTextCatalog(mirror) };
const fixtures = join(repoRoot, 'test/fixtures/keras-text');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, unknown>;
const words = JSON.parse(readFileSync(join(fixtures, 'word-index-expected.json'), 'utf8')) as Record<string, unknown>;
type Splits = { x_train: number[][]; y_train: number[]; x_test: number[][]; y_test: number[] };

const model = join(dir, 'ids.json');
writeFileSync(model, JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'ids',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 16], dtype: 'float32', name: 'ids' } },
      { class_name: 'Embedding', config: { input_dim: 50, output_dim: 4, name: 'embedding' } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { units: 46, activation: 'softmax', name: 'out' } },
    ],
  },
}));

const rows = (x: ArrayLike<number>, width: number) => Array.from({ length: x.length / width }, (_, i) => Array.from({ length: width }, (_, j) => x[i * width + j]!));

describe("Keras' load_data options from the CLI to the loaded ids", () => {
  it('reuters: --num-words --skip-top --maxlen --shuffle-seed --oov-char --index-from load what Keras loads', async () => {
    const argv = [model, '--dataset', 'reuters', '--epochs', '1', '--num-words', '50', '--skip-top', '6', '--maxlen', '24', '--shuffle-seed', '11', '--oov-char', '3', '--index-from', '4', '--sequence-length', '16'];
    const run = await prepareRun(parseTrainArgs(argv));
    const dataset = run.request.config.dataset as Record<string, unknown>;
    expect(dataset).toEqual({ name: 'reuters', text: { num_words: 50, skip_top: 6, maxlen: 24, seed: 11, oov_char: 3, index_from: 4, sequence_length: 16 } });
    // The training seed is not load_data's: --seed stays the weights' and batches' seed.
    expect(run.request.config.seed).toBe(42);
    // `layerlab info` names the options with the dataset: loaded otherwise, it is another experiment.
    expect(runDataset(run.request.config)).toBe('reuters (num_words=50 sequence_length=16 skip_top=6 maxlen=24 seed=11 oov_char=3 index_from=4)');
    expect(runDataset({ dataset: { name: 'reuters', text: { multi_hot: true, start_char: null } } })).toBe('reuters (multi-hot start_char=None)');
    expect(runDataset({ dataset: { name: 'mnist' } })).toBe('mnist');

    const d = await loadDataset('reuters', { ...source, text: catalogTextOptions(dataset)! });
    const want = expected['reuters options'] as Splits;
    expect(rows(d.train.x, 16)).toEqual(expected['reuters options padded to 16']);
    expect(Array.from(d.train.y)).toEqual(want.y_train);
    expect(d.test!.count).toBe(want.x_test.length);
    // Real work for every option: sequences dropped by maxlen, ids cut to oov_char 3 by skip_top and num_words.
    expect(want.x_train.length + want.x_test.length).toBeLessThan(40);
    expect(want.x_train.flat().filter((id) => id === 3).length).toBeGreaterThan(10);
    expect(Math.max(...want.x_train.flat())).toBeLessThan(50);
  });

  it('imdb: --start-char none and --oov-char none drop the mark and the cut words, as Keras with None', async () => {
    const argv = [model, '--dataset', 'imdb', '--epochs', '1', '--num-words', '45', '--skip-top', '2', '--maxlen', '21', '--shuffle-seed', '5', '--start-char', 'none', '--oov-char', 'None', '--index-from', '0', '--sequence-length', '30'];
    const run = await prepareRun(parseTrainArgs(argv));
    const dataset = run.request.config.dataset as Record<string, unknown>;
    expect(dataset['text']).toMatchObject({ start_char: null, oov_char: null, index_from: 0 });
    const d = await loadDataset('imdb', { ...source, text: catalogTextOptions(dataset)! });
    const want = expected['imdb options'] as Splits;
    // No id is 0 here (ranks start at 1, skip_top 2), so the padding is exactly the leading zeros.
    const unpadded = (x: ArrayLike<number>) => rows(x, 30).map((r) => r.slice(r.findIndex((v) => v !== 0)));
    expect(unpadded(d.train.x)).toEqual(want.x_train);
    expect(unpadded(d.test!.x)).toEqual(want.x_test);
    expect(Array.from(d.test!.y)).toEqual(want.y_test);
  });

  it("refuses bad values with Keras' words, and the options on data they do not apply to", async () => {
    const base = [model, '--dataset', 'reuters', '--epochs', '1'];
    expect(() => parseTrainArgs([...base, '--skip-top', '-1'])).toThrow("--skip-top '-1': skip_top must be an integer >= 0. Received: skip_top=-1");
    expect(() => parseTrainArgs([...base, '--maxlen', '0'])).toThrow("--maxlen '0': maxlen must be a positive integer or empty. Received: maxlen=0");
    expect(() => parseTrainArgs([...base, '--shuffle-seed', '1.5'])).toThrow("--shuffle-seed '1.5': seed must be an integer in [0, 4294967295]. Received: seed=1.5");
    expect(() => parseTrainArgs([...base, '--index-from', 'none'])).toThrow(`--index-from 'none': index_from must be an integer >= 0. Received: index_from="none"`);
    expect(() => parseTrainArgs([...base, '--num-words', '10', '--oov-char', 'x'])).toThrow(`--oov-char 'x': oov_char must be an integer >= 0 or empty. Received: oov_char="x"`);
    await expect(prepareRun(parseTrainArgs([model, '--dataset', 'mnist', '--epochs', '1', '--skip-top', '3']))).rejects.toThrow('--skip-top apply to text datasets (imdb, reuters, or your own text); mnist is not text');
    const csv = join(repoRoot, '../shared/datasets/debian-package-sections/test.csv');
    await expect(prepareRun(parseTrainArgs([model, '--dataset', csv, '--epochs', '1', '--shuffle-seed', '3', '--oov-char', '1']))).rejects.toThrow(
      "--shuffle-seed, --oov-char apply to imdb and reuters; for your own text use --max-tokens (the vocabulary size)",
    );
    // A config written by hand gets the same words when the run loads it.
    expect(() => catalogTextOptions({ name: 'imdb', text: { num_words: 0 } })).toThrow('config.dataset.text.num_words: num_words must be a positive integer or empty. Received: num_words=0');
    await expect(loadDataset('imdb', { ...source, text: { maxlen: 2 } })).rejects.toThrow('After filtering for sequences shorter than maxlen=2, no sequence was kept. Increase maxlen.');
  });
});

describe("the text view reads a run's ids with the run's options", () => {
  it('decodes wrong examples and encodes typed sentences with index_from 4, oov_char 3, skip_top 6, num_words 50', async () => {
    const config = TrainingConfigSchema.parse({
      dataset: { name: 'reuters', text: { num_words: 50, skip_top: 6, maxlen: 24, seed: 11, oov_char: 3, index_from: 4, sequence_length: 16 } },
      epochs: 1,
    });
    const codec = (await kerasTextCodec(config, source))!;
    const validation = await codec.validation();
    const want = expected['reuters options'] as Splits;
    expect(validation.count).toBe(want.x_test.length);
    const train = await loadDataset('reuters', { ...source, text: catalogTextOptions(config.dataset)! });
    expect(rows(train.train.x, 16).slice(0, 2).map((r) => codec.decode(r))).toEqual(words['reuters options x_train[:2] decoded']);
    const encoded = words['reuters options sentences encoded'] as number[][];
    const sentences = words['sentences'] as string[];
    // start_char 1 is below skip_top 6, so Keras wrote oov_char 3 at each start: so does the typed sentence.
    expect(encoded.map((ids) => ids[0])).toEqual([3, 3]);
    sentences.forEach((sentence, i) => {
      expect(codec.sentence(sentence).input).toEqual([...new Array<number>(16 - encoded[i]!.length).fill(0), ...encoded[i]!]);
    });
    // 'the' (rank 1) is id 5 here, below skip_top 6: the model saw it as unknown. 'and' (rank 2) is id 6.
    expect(codec.idOf('the')).toMatch(/'the' is word 1 of reuters, among the run's skip_top=6 most frequent ids/);
    expect(codec.idOf('and')).toBe(6);
    expect(codec.frequent[0]).toBe('and');
    expect(codec.wordOf(6)).toBe('and');
  });
});
