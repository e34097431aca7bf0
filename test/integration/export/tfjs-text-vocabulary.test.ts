/**
 * The TF.js export of a run on text carries its vocabulary (vocabulary.json), an encoder (text-encoder.js) and a
 * predict example (predict.js), and a user who runs `node predict.js "a sentence"` with stock @tensorflow/tfjs gets
 * what Layerlab's text view predicts for that sentence (within 1e-5). Runs trained through the API as the window
 * trains them, on real text: the debian-package-sections CSVs as own text (ids, and multi-hot), and the catalog's
 * imdb and reuters (Keras' word index and load_data's coding) on the same sentences in Keras' layout
 * (keras-text-debian).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiEventMessage, DatasetCard, ExportResult } from '../../../shared/api';
import type { TextViewResult } from '../../../shared/api-text';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import type { Graph } from '../../../shared/graph/types';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema } from '../../../shared/training';
import { exportModel } from '../../../main/export/index';
import type { VocabularyFile } from '../../../main/export/text-vocabulary';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';
import { apiHarness } from '../service/api-harness';
import { DATASETS, REPO } from './helpers';

const { dir, service, call: api } = apiHarness('layerlab-tfjs-vocabulary-', true, (root) => {
  const mirror = join(root, 'mirror');
  return { catalog: miniTextCatalog(mirror, 'debian'), mirror, offline: true, cacheDir: join(root, 'cache') };
});
// What a user's `npm install @tensorflow/tfjs` beside the export gives: the package resolvable from the export folder.
symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
for (const f of ['train.csv', 'test.csv']) copyFileSync(join(DATASETS, 'debian-package-sections', f), join(dir, f));
const events: ApiEventMessage[] = [];
service.subscribe((m) => events.push(m));

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = (await api(method, params)) as T | { error: { message: string } };
  if (r && typeof r === 'object' && 'error' in r) throw new Error(`${method}: ${r.error.message}`);
  return r as T;
}

async function trainToEnd(graph: Graph, config: Record<string, unknown>): Promise<string> {
  const telemetry = { histograms: false, filters: false, activations: false };
  const { runId } = await call<{ runId: string }>('training.start', { graph, config: { epochs: 2, batch_size: 32, seed: 2, optimizer: { name: 'adam', learning_rate: 0.02 }, telemetry, ...config }, name: 'text' });
  for (;;) {
    const ended = events.find((m) => m.event === 'training.status' && (m.payload as { runId: string }).runId === runId && ['completed', 'failed'].includes((m.payload as { status: string }).status));
    if (ended) {
      expect(ended.payload).toMatchObject({ status: 'completed' });
      return runId;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The id models read through Flatten, so where the padding goes changes the output (average pooling would not tell).
const SENTENCES = ['Multiplayer strategy game with 3D graphics!', 'A library for molecular dynamics simulations, written in C++', 'xyzzy plugh network daemon'];

interface Predicted {
  sentence: string;
  ids: number[];
  probabilities: number[];
  predicted: string | number;
}

/** Exports the run as TF.js from the API (the window's Export…), then runs the export's predict.js as a user would. */
async function exportAndPredict(runId: string, graph: Graph, name: string): Promise<{ out: string; vocabulary: VocabularyFile; predicted: Predicted[] }> {
  const out = join(dir, name);
  const result = await call<ExportResult>('export.run', { format: 'tfjs', path: out, graph, runId });
  expect(result.files).toEqual(expect.arrayContaining(['model.json', 'vocabulary.json', 'text-encoder.js', 'predict.js', 'README.md']));
  const r = spawnSync(process.execPath, ['predict.js', ...SENTENCES], { cwd: out, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const predicted = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Predicted);
  expect(predicted.map((p) => p.sentence)).toEqual(SENTENCES);
  return { out, vocabulary: JSON.parse(readFileSync(join(out, 'vocabulary.json'), 'utf8')) as VocabularyFile, predicted };
}

/** Each sentence: the exported program reads the same words and predicts the same outputs as the text view. */
async function expectSameAsTextView(runId: string, vocabulary: VocabularyFile, predicted: Predicted[]): Promise<void> {
  for (const p of predicted) {
    const view = await call<TextViewResult>('training.text', { runId, sentence: p.sentence });
    const seen = p.ids.filter((id) => id !== vocabulary.padding_id && id !== vocabulary.start_id).map((id) => vocabulary.words[id] ?? '[UNK]');
    expect(view.sentence!.seen).toBe(seen.slice(vocabulary.truncating === 'pre' ? -(vocabulary.sequence_length ?? Infinity) : 0, vocabulary.sequence_length ?? undefined).join(' '));
    expect(p.probabilities).toHaveLength(view.sentence!.probabilities.length);
    p.probabilities.forEach((v, i) => expect(Math.abs(v - view.sentence!.probabilities[i]!)).toBeLessThan(1e-5));
  }
}

describe('TF.js export of a run on text: vocabulary.json, text-encoder.js and predict.js', () => {
  it('own text, word ids: the stored vocabulary in id order, and predict.js predicts as the text view', { timeout: 240_000 }, async () => {
    const card = await call<DatasetCard>('datasets.inspect', { path: 'train.csv', test_path: 'test.csv', max_tokens: 1500, sequence_length: 12 });
    const graph = sequentialGraph([null, 12], [['Embedding', { input_dim: 1500, output_dim: 16 }], ['Flatten', {}], ['Dense', { units: 8, activation: 'softmax' }]]);
    const runId = await trainToEnd(graph, { dataset: card.config, limit_train: 2500 });
    const { vocabulary, predicted, out } = await exportAndPredict(runId, graph, 'own-ids');
    const stored = ownDatasetOf(card.config)!.preprocessing;
    expect(vocabulary).toMatchObject({ source: 'own-text', output_mode: 'int', sequence_length: 12, max_tokens: 1500, padding: 'post', truncating: 'post', oov_id: 1, start_id: null, width: 1500 });
    expect(vocabulary.words).toEqual(stored.text!.vocabulary);
    expect(vocabulary.words.slice(0, 2)).toEqual(['', '[UNK]']);
    expect(vocabulary.class_names).toEqual(stored.class_names);
    // 'xyzzy' and 'plugh' are no words of the vocabulary: the OOV id.
    expect(predicted[2]!.ids.slice(0, 2)).toEqual([1, 1]);
    expect(predicted[0]!.predicted).toBe('games');
    await expectSameAsTextView(runId, vocabulary, predicted);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/the run's own vocabulary \(1500 entries: 0 padding, 1 unknown words\)[\s\S]*12 word ids \(padded with 0 after the words, cut at the end\)/);
  });

  it('own text, multi-hot: the flag and the width in vocabulary.json, and the same predictions', { timeout: 240_000 }, async () => {
    const card = await call<DatasetCard>('datasets.inspect', { path: 'train.csv', test_path: 'test.csv', max_tokens: 800, multi_hot: true });
    const graph = sequentialGraph([null, 800], [['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 8, activation: 'softmax' }]]);
    const runId = await trainToEnd(graph, { dataset: card.config, limit_train: 2500 });
    const { vocabulary, predicted } = await exportAndPredict(runId, graph, 'own-multi-hot');
    expect(vocabulary).toMatchObject({ source: 'own-text', output_mode: 'multi_hot', sequence_length: null, max_tokens: 800, width: 800 });
    expect(vocabulary.words).toHaveLength(800);
    await expectSameAsTextView(runId, vocabulary, predicted);
  });

  it("the catalog's imdb: Keras' word index with load_data's coding, pre-padded; the same predictions", { timeout: 240_000 }, async () => {
    const graph = sequentialGraph([null, 20], [['Embedding', { input_dim: 2000, output_dim: 8 }], ['Flatten', {}], ['Dense', { units: 1, activation: 'sigmoid' }]]);
    const runId = await trainToEnd(graph, { dataset: { name: 'imdb', text: { num_words: 2000, sequence_length: 20 } }, loss: 'binary_crossentropy', epochs: 4 });
    const { vocabulary, predicted } = await exportAndPredict(runId, graph, 'imdb');
    expect(vocabulary).toMatchObject({
      source: 'keras-word-index', dataset: 'imdb', output_mode: 'int', sequence_length: 20, padding: 'pre', truncating: 'pre',
      num_words: 2000, start_id: 1, oov_id: 2, index_from: 3, skip_top: 0, width: 2000, class_names: ['negative', 'positive'],
    });
    // words[rank + index_from] is the word of that rank in the dataset's word index; ids 0-3 have none.
    const index = JSON.parse(readFileSync(join(REPO, 'test/fixtures/keras-text-debian/debian-imdb_word_index.json'), 'utf8')) as Record<string, number>;
    expect(vocabulary.words.slice(0, 4)).toEqual([null, null, null, null]);
    for (const [word, rank] of Object.entries(index)) expect(vocabulary.words[rank + 3]).toBe(rank + 3 < 2000 ? word : undefined);
    expect(predicted[1]!.ids[0]).toBe(1);
    // 'net' (1) vs 'science' (0): a library for molecular dynamics is science.
    expect(predicted[1]!.predicted).toBe('negative');
    await expectSameAsTextView(runId, vocabulary, predicted);
  });

  it("the catalog's reuters, multi-hot, with load_data options of its own: num_words as the row width, skip_top, no start mark", { timeout: 240_000 }, async () => {
    const graph = sequentialGraph([null, 1000], [['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 46, activation: 'softmax' }]]);
    const text = { num_words: 1000, multi_hot: true, skip_top: 10, start_char: null, index_from: 2 };
    const runId = await trainToEnd(graph, { dataset: { name: 'reuters', text } });
    const { vocabulary, predicted } = await exportAndPredict(runId, graph, 'reuters');
    expect(vocabulary).toMatchObject({ source: 'keras-word-index', dataset: 'reuters', output_mode: 'multi_hot', sequence_length: null, num_words: 1000, width: 1000, start_id: null, oov_id: 2, skip_top: 10, index_from: 2 });
    expect(vocabulary.words).toHaveLength(1000);
    expect(vocabulary.class_names).toHaveLength(46);
    // Ranks 1-7 (ids 3-9, below skip_top) read as oov_char like unknown words; rank 8 is the first word kept.
    const index = JSON.parse(readFileSync(join(REPO, 'test/fixtures/keras-text-debian/debian-reuters_word_index.json'), 'utf8')) as Record<string, number>;
    const byRank = Object.fromEntries(Object.entries(index).map(([w, r]) => [r, w]));
    expect(vocabulary.words.slice(0, 10)).toEqual(new Array(10).fill(null));
    expect(vocabulary.words[10]).toBe(byRank[8]);
    expect(predicted[2]!.ids.slice(0, 2)).toEqual([2, 2]);
    await expectSameAsTextView(runId, vocabulary, predicted);
    const common = await call<TextViewResult>('training.text', { runId, sentence: `${byRank[1]} ${byRank[8]}` });
    expect(common.sentence!.seen).toBe(`[UNK] ${byRank[8]}`);
  });

  it('without the word index (not cached, offline) the model is still exported, with a note saying how to get it', async () => {
    const graph = sequentialGraph([null, 20], [['Embedding', { input_dim: 100, output_dim: 4 }], ['Flatten', {}], ['Dense', { units: 1, activation: 'sigmoid' }]]);
    const training = TrainingConfigSchema.parse({ dataset: { name: 'imdb', text: { num_words: 100, sequence_length: 20 } }, loss: 'binary_crossentropy' });
    const out = join(dir, 'no-index');
    const result = await exportModel({ spec: compileGraph(graph), training, datasets: { offline: true, cacheDir: join(dir, 'empty-cache'), mirror: join(dir, 'empty-mirror') } }, { format: 'tfjs', outDir: out });
    expect(result.files).toEqual(['model.json', 'group1-shard1of1.bin', 'README.md']);
    expect(result.notes.join('\n')).toMatch(/no vocabulary\.json: the run's word index could not be read \(imdb\/imdb_word_index\.json is not available[\s\S]*\); fetch the dataset \(layerlab datasets fetch imdb\) and export again\./);
  });
});
