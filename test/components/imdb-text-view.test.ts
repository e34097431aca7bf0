// The text view of a run on the catalog's imdb, against the real backend service in-process: Keras' word index
// (the generated files in Keras' layout stand in for the official ones, which cannot be downloaded here; see
// test/support/keras-text/mini-catalog.ts) decodes the wrong validation reviews to words, and a typed sentence is
// encoded as Keras' load_data encodes a review (start_char, rank + index_from, oov_char, padded at the start).
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../main/service/handle';
import { createBackendService } from '../../main/service/service';
import { createElectronHost } from '../../renderer/src/host/electron';
import { chooseOptimizer } from '../../renderer/src/training/form';
import TextView from '../../renderer/src/training/TextView.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { sequentialGraph } from '../../shared/templates/builder';
import { miniTextCatalog } from '../support/keras-text/mini-catalog';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-imdb-view-'));
const mirror = join(dir, 'mirror');
const catalog = miniTextCatalog(mirror);
const service = createBackendService({ checkpointDir: join(dir, 'ck'), baseDir: dir, roots: [dir], datasets: { mirror, cacheDir: join(dir, 'cache'), offline: true, catalog } });
const words = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/keras-text/imdb-mini_word_index.json'), 'utf8')) as Record<string, number>;
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the text view of an imdb run', () => {
  it('decodes wrong reviews and typed sentences with Keras word index', { timeout: 180_000 }, async () => {
    const training = new TrainingStore();
    training.attach(createElectronHost({ version: 1, request: (m) => handleApiMessage(service, JSON.stringify(m)), onEvent: (l) => service.subscribe(l) }));
    // The dataset list marks imdb as text: the dashboard shows the text view for its runs.
    await waitFor(() => expect(training.datasets.find((d) => d.name === 'imdb')?.text).toEqual({ num_words: 10000, sequence_length: 200 }), { timeout: 10_000 });
    training.datasetChosen('imdb');
    chooseOptimizer(training.form, 'adam');
    training.form.config.optimizer.learning_rate = 0.05;
    Object.assign(training.form.config, { epochs: 2, batch_size: 10 });
    // The catalog's defaults: 10,000 words, reviews padded to 200 ids.
    const graph = sequentialGraph([null, 200], [['Embedding', { input_dim: 10000, output_dim: 8 }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 2, activation: 'softmax' }]]);
    await training.start(graph, 'imdb run');
    expect(training.message).toBeNull();
    await waitFor(() => expect(service.runs.list().find((r) => r.runId === training.runId)?.status).toBe('completed'), { timeout: 150_000 });
    await waitFor(() => expect(training.confusion).not.toBeNull());
    expect(training.confusion!.confidentlyWrong.length).toBeGreaterThan(0);

    render(TextView, { training });
    // Every wrong review (of the 20 test reviews) decoded to the index's words: no ids, no padding, no start mark.
    const wrong = await screen.findAllByTestId('text-wrong-example', {}, { timeout: 20_000 });
    expect(wrong.length).toBeGreaterThan(0);
    for (const example of wrong) {
      const tokens = example.querySelector('q')!.textContent!.split(' ');
      expect(tokens.length).toBeGreaterThan(1);
      expect(tokens.every((t) => t in words || t === '[UNK]')).toBe(true);
    }
    expect(wrong[0]!.textContent).toMatch(/(negative|positive) \d+% true (negative|positive)/);

    // "the" is rank 1 (id 4), "movie" rank 17 (id 20); "zyxxy" is unknown; the review starts with start_char.
    await fireEvent.input(screen.getByTestId('text-sentence'), { target: { value: 'The MOVIE, zyxxy!' } });
    const seen = await screen.findByTestId('text-seen', {}, { timeout: 10_000 });
    expect(seen.textContent).toBe('the model reads: the movie [UNK]');
    const guesses = screen.getByTestId('text-prediction').querySelectorAll('li');
    expect([...guesses].map((g) => g.textContent!.replace(/\s*\d+%$/, '').trim()).sort()).toEqual(['negative', 'positive']);

    // The Embedding's nearest words are words of the index (ids below index_from + 1 are markers, never listed).
    await fireEvent.input(screen.getByTestId('text-word'), { target: { value: 'movie' } });
    await fireEvent.click(screen.getByTestId('text-word-go'));
    const nearest = await screen.findByTestId('text-nearest', {}, { timeout: 10_000 });
    const items = [...nearest.querySelectorAll('li')].map((li) => li.textContent!.trim().split(' ')[0]!);
    expect(items).toHaveLength(10);
    expect(items.every((w) => w in words)).toBe(true);

    // The map: the run's most frequent words (Keras' ranks) that have an Embedding row, all words of the index.
    await fireEvent.click(screen.getByTestId('text-map-go'));
    const map = await screen.findByTestId('text-map', {}, { timeout: 10_000 });
    const mapped = [...map.querySelectorAll('text')].map((t) => t.getAttribute('data-word')!);
    expect(mapped.length).toBeGreaterThan(10);
    expect(mapped.every((w) => w in words)).toBe(true);
    expect(mapped[0]).toBe('the');
  });
});
