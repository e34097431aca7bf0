/**
 * `layerlab train MODEL --dataset PATH` on text, spawned as a user runs it, on the real debian-package-sections
 * CSVs; and the text flags' parsing and refusals (own text vs the catalog's imdb/reuters).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnDatasetConfigSchema } from '../../../shared/data-preprocessing';
import { vectorize } from '../../../shared/text/vectorization';
import { openProject } from '../../../main/projects/service';
import { parseTrainArgs, prepareRun } from '../../../main/commands/train';
import { catalogTextOptions } from '../../../main/datasets/keras-text-catalog';
import { repoRoot } from './paths';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'layerlab-text-cli-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const debian = path.resolve(repoRoot, '../shared/datasets/debian-package-sections');

function cli(...args: string[]) {
  const env = { ...process.env, LAYERLAB_CACHE_DIR: cacheDir };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const model = path.join(cacheDir, 'text.json');
writeFileSync(model, JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'sections',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 24], dtype: 'float32', name: 'ids' } },
      { class_name: 'Embedding', config: { input_dim: 3000, output_dim: 16, name: 'embedding' } },
      { class_name: 'GlobalAveragePooling1D', config: { name: 'pool' } },
      { class_name: 'Dense', config: { units: 16, activation: 'relu', name: 'hidden' } },
      { class_name: 'Dense', config: { units: 8, activation: 'softmax', name: 'out' } },
    ],
  },
}));

describe('layerlab train --dataset a text CSV', () => {
  it('debian-package-sections trains well above the largest class (22%) and the project run keeps the tokenizer', { timeout: 300_000 }, async () => {
    const project = path.join(cacheDir, 'sections.layerlab');
    expect(cli('new', project, '--from', model).code).toBe(0);
    const r = cli(
      'train', project, '--dataset', path.join(debian, 'train.csv'), '--test', path.join(debian, 'test.csv'),
      '--max-tokens', '3000', '--sequence-length', '24', '--epochs', '3', '--optimizer', 'adam', '--learning-rate', '0.01', '--batch-size', '64',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/data: 6566 training and 1637 test samples, input \[24\]/);
    const acc = Number(/accuracy (\d+\.\d+)%/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(60);
    const { doc } = await openProject(project);
    const own = OwnDatasetConfigSchema.parse((doc.runs[0]!.meta.config as { dataset: unknown }).dataset);
    expect(own.source).toMatchObject({ kind: 'text', max_tokens: 3000, sequence_length: 24 });
    const v = own.preprocessing.text!;
    expect(v.vocabulary.slice(0, 2)).toEqual(['', '[UNK]']);
    // What a prediction feeds the model for a typed sentence: the stored vocabulary's ids.
    const { data } = vectorize(v, ['Multiplayer strategy game']);
    expect(Array.from(data.subarray(0, 3)).every((id) => id > 1)).toBe(true);
    expect(data.length).toBe(24);
  });
});

describe('text flags', () => {
  it('parse and check their values', () => {
    const a = parseTrainArgs(['m.json', '--dataset', 'x.csv', '--epochs', '1', '--text-column', 'body', '--max-tokens', '500', '--sequence-length', '40', '--multi-hot']);
    expect(a.text).toEqual({ text_column: 'body', max_tokens: 500, sequence_length: 40, multi_hot: true });
    expect(() => parseTrainArgs(['m.json', '--dataset', 'x.csv', '--epochs', '1', '--max-tokens', '2'])).toThrow("--max-tokens must be a whole number >= 3, e.g. 10000; got '2'");
    expect(() => parseTrainArgs(['m.json', '--dataset', 'imdb', '--epochs', '1', '--num-words', 'x'])).toThrow("--num-words must be a whole number >= 1, e.g. 10000; got 'x'");
  });

  it('imdb keeps --num-words/--sequence-length in config.dataset.text, which the worker turns into load options', async () => {
    const run = await prepareRun(parseTrainArgs([model, '--dataset', 'imdb', '--epochs', '1', '--num-words', '5000', '--sequence-length', '24']));
    const dataset = run.request.config.dataset as Record<string, unknown>;
    expect(dataset).toEqual({ name: 'imdb', text: { num_words: 5000, sequence_length: 24 } });
    expect(catalogTextOptions(dataset)).toEqual({ num_words: 5000, sequenceLength: 24 });
  });

  it('refuses flags that do not fit the data, naming the fix', async () => {
    await expect(prepareRun(parseTrainArgs([model, '--dataset', 'mnist', '--epochs', '1', '--sequence-length', '24']))).rejects.toThrow('--sequence-length apply to text datasets (imdb, reuters, or your own text); mnist is not text');
    await expect(prepareRun(parseTrainArgs([model, '--dataset', 'imdb', '--epochs', '1', '--max-tokens', '500']))).rejects.toThrow(/--max-tokens apply to your own text .* use --num-words/);
    await expect(prepareRun(parseTrainArgs([model, '--dataset', path.join(debian, 'test.csv'), '--epochs', '1', '--num-words', '500']))).rejects.toThrow('--num-words applies to imdb and reuters; for your own text use --max-tokens');
  });
});
