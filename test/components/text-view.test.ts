// The dashboard's text view against the real backend service in-process (the Electron host over handleApiMessage):
// a run trained on real debian-package-sections descriptions, then a typed sentence classified live through the
// run's vocabulary, the confidently wrong validation samples as words, and the Embedding's nearest words.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../main/service/handle';
import { createBackendService } from '../../main/service/service';
import { createElectronHost } from '../../renderer/src/host/electron';
import { chooseOptimizer, OWN_DATASET } from '../../renderer/src/training/form';
import { NO_OWN_TEXT } from '../../renderer/src/training/own-text';
import TextView from '../../renderer/src/training/TextView.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { sequentialGraph } from '../../shared/templates/builder';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-text-view-'));
const csv = join(dir, 'sections.csv');
copyFileSync(resolve(__dirname, '../../../shared/datasets/debian-package-sections/train.csv'), csv);
const service = createBackendService({ checkpointDir: join(dir, 'ck'), baseDir: dir, roots: [dir] });
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the text view', () => {
  it('classifies a typed sentence, lists wrong samples as text and the nearest words of a chosen one', { timeout: 180_000 }, async () => {
    const training = new TrainingStore();
    training.attach(createElectronHost({ version: 1, request: (m) => handleApiMessage(service, JSON.stringify(m)), onEvent: (l) => service.subscribe(l) }));
    training.datasetChosen(OWN_DATASET);
    chooseOptimizer(training.form, 'adam');
    training.form.config.optimizer.learning_rate = 0.02;
    Object.assign(training.form.config, { epochs: 3, batch_size: 32, limit_train: 2500 });
    training.own = { ...NO_OWN_TEXT, path: csv, labelColumn: '', testPath: '', validationSplit: 0.2, maxTokens: 1500, sequenceLength: 12 };
    await training.inspectOwn();
    expect(training.cardError).toBeNull();
    const graph = sequentialGraph([null, 12], [['Embedding', { input_dim: 1500, output_dim: 16 }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 8, activation: 'softmax' }]]);
    await training.start(graph, 'text run');
    expect(training.message).toBeNull();
    await waitFor(() => expect(service.runs.list().find((r) => r.runId === training.runId)?.status).toBe('completed'), { timeout: 150_000 });
    await waitFor(() => expect(training.confusion).not.toBeNull());
    const accuracy = training.confusion!.accuracy;
    expect(accuracy).toBeGreaterThan(0.4);

    render(TextView, { training });
    // The wrong samples, decoded from the validation split (the last 500 of the 2,500 rows the run kept).
    const wrong = await screen.findAllByTestId('text-wrong-example', {}, { timeout: 20_000 });
    expect(wrong.length).toBe(Math.min(12, training.confusion!.confidentlyWrong.length));
    expect(wrong[0]!.textContent).toMatch(/^“?.+ (admin|games|graphics|mail|net|science|sound|text) \d+% true (admin|games|graphics|mail|net|science|sound|text)/);

    await fireEvent.input(screen.getByTestId('text-sentence'), { target: { value: 'Multiplayer strategy game with 3D graphics, xyzzyplugh!' } });
    const seen = await screen.findByTestId('text-seen', {}, { timeout: 10_000 });
    expect(seen.textContent).toBe('the model reads: multiplayer strategy game with 3d graphics [UNK]');
    const guesses = screen.getByTestId('text-prediction').querySelectorAll('li');
    expect(guesses.length).toBe(3);
    expect(guesses[0]!.textContent).toMatch(/^games\s*\d+%$/);

    await fireEvent.input(screen.getByTestId('text-word'), { target: { value: 'game' } });
    await fireEvent.click(screen.getByTestId('text-word-go'));
    const nearest = await screen.findByTestId('text-nearest', {}, { timeout: 10_000 });
    const items = [...nearest.querySelectorAll('li')].map((li) => li.textContent!.trim());
    expect(items).toHaveLength(10);
    expect(items.map((t) => Number(t.split(' ').pop()))).toEqual([...items.map((t) => Number(t.split(' ').pop()))].sort((a, b) => b - a));
    expect(items.some((t) => t.startsWith('game '))).toBe(false);

    await fireEvent.input(screen.getByTestId('text-word'), { target: { value: 'qqqnotaword' } });
    await fireEvent.click(screen.getByTestId('text-word-go'));
    expect((await screen.findByTestId('text-error')).textContent).toBe("training.text: 'qqqnotaword' is not in the run's vocabulary of 1500 words: pick one of the frequent words");
  });
});
