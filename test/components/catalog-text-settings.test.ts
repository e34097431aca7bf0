// The training panel's text settings for imdb/reuters (config.dataset.text): shown for catalog text datasets only,
// edited with the schema the CLI and engine use (a refused value shows Keras' message, stays out of the config and
// holds Start back), kept through a save and reload; and the loss check on a 1-unit sigmoid output.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/api';
import { getTemplate } from '../../shared/templates/registry';
import { TrainingConfigSchema } from '../../shared/training';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { defaultDraft, runConfig } from '../../renderer/src/training/form';
import { draftFromConfig } from '../../renderer/src/training/read-draft';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';

const summary = (name: string, text?: DatasetSummary['text']): DatasetSummary => ({
  name, title: name, description: '', sampleShape: [200], classNames: [], splits: { train: 10, test: 5 }, available: true, ...(text ? { text } : {}),
});
const DATASETS = [summary('mnist'), summary('reuters', { num_words: 10000, sequence_length: 200 }), summary('imdb', { num_words: 10000, sequence_length: 200 })];

function mount(template: string) {
  const t = getTemplate(template)!;
  const training = new TrainingStore();
  training.datasets = DATASETS;
  training.form = draftFromConfig(t.training!, { kind: 'builtin', id: t.dataset }, defaultDraft());
  render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore(t.graph)) });
  return training;
}

async function type(testId: string, value: string): Promise<void> {
  await fireEvent.input(screen.getByTestId(testId), { target: { value } });
  flushSync();
}

const text = (training: TrainingStore) => training.form.config.dataset['text'];
const startTitle = () => screen.getByTestId('train-start').getAttribute('title');

describe('text settings of a catalog text dataset', () => {
  it('reuters-mlp opens with multi-hot on and no mismatch; num words edits config.dataset.text and warns when the input no longer fits', async () => {
    const training = mount('reuters-mlp');
    expect((screen.getByTestId('text-multi-hot') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('text-sequence-length') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('text-sample-shape').textContent).toMatch(/Each sample: 10000 0\/1 values \(one per word id below 10000\)/);
    expect(screen.queryByTestId('text-input-mismatch')).toBeNull();

    await type('text-num-words', '5000');
    expect(text(training)).toEqual({ num_words: 5000, multi_hot: true });
    expect(screen.getByTestId('text-input-mismatch').textContent).toBe("The model's input takes 10000 values: set its InputLayer to [5000], or change these settings.");

    // Off multi-hot: 200 padded ids (the catalog's default length), which this MLP's input does not take either.
    await fireEvent.click(screen.getByTestId('text-multi-hot'));
    flushSync();
    expect(text(training)).toEqual({ num_words: 5000 });
    expect(screen.getByTestId('text-sample-shape').textContent).toMatch(/Each sample: 200 word ids below 5000/);
  });

  it("refuses values as Keras does, keeps them out of the config and holds Start back until corrected", async () => {
    const training = mount('reuters-conv1d');
    expect(text(training)).toBeUndefined();
    await type('text-skip-top', '-1');
    expect(screen.getByTestId('text-settings-error').textContent).toBe('skip_top must be an integer >= 0. Received: skip_top=-1');
    expect(text(training)).toBeUndefined();
    expect(startTitle()).toBe('Fix the text settings: skip_top must be an integer >= 0. Received: skip_top=-1');
    await type('text-seed', 'abc');
    expect(screen.getAllByTestId('text-settings-error').map((p) => p.textContent)).toEqual([
      'skip_top must be an integer >= 0. Received: skip_top=-1',
      'seed must be an integer in [0, 4294967295]. Received: seed="abc"',
    ]);
    // Correcting one field leaves the other's refusal standing.
    await type('text-skip-top', '4');
    expect(screen.getAllByTestId('text-settings-error').map((p) => p.textContent)).toEqual(['seed must be an integer in [0, 4294967295]. Received: seed="abc"']);
    await type('text-seed', '1');
    expect(screen.queryByTestId('text-settings-error')).toBeNull();
    expect(startTitle()).not.toMatch(/text settings/);
    await type('text-maxlen', 'none');
    await type('text-oov-char', 'None');
    await type('text-seed', '7');
    await type('text-index-from', '2');
    await type('text-sequence-length', '120');
    expect(text(training)).toEqual({ skip_top: 4, maxlen: null, oov_char: null, seed: 7, index_from: 2, sequence_length: 120 });
    // The run gets them, and a saved project reads them back into the panel.
    const config = TrainingConfigSchema.parse(runConfig(training.form));
    expect(config.dataset).toEqual({ name: 'reuters', text: { skip_top: 4, maxlen: null, oov_char: null, seed: 7, index_from: 2, sequence_length: 120 } });
    const reread = draftFromConfig(JSON.parse(JSON.stringify(config)), { kind: 'builtin', id: 'reuters' }, defaultDraft());
    expect(reread.config.dataset).toEqual(config.dataset);
    // Emptied: the default again (the key leaves the config).
    await type('text-seed', '');
    expect(text(training)).not.toHaveProperty('seed');
  });

  it('is not shown for other datasets: picking mnist drops the text settings', async () => {
    const training = mount('reuters-mlp');
    const select = screen.getByTestId('dataset-select') as HTMLSelectElement;
    [...select.options].find((o) => o.value === 'mnist')!.selected = true;
    await fireEvent.change(select);
    flushSync();
    expect(screen.queryByTestId('text-settings')).toBeNull();
    expect(training.form.config.dataset).toEqual({ name: 'mnist' });
  });
});

describe('loss and output', () => {
  it('a 1-unit sigmoid output with sparse_categorical_crossentropy is refused in the form, naming binary_crossentropy', async () => {
    const training = mount('imdb-embedding-pool');
    expect(screen.queryByTestId('loss-problem')).toBeNull();
    const select = screen.getByTestId('train-loss') as HTMLSelectElement;
    [...select.options].find((o) => o.value === 'sparse_categorical_crossentropy')!.selected = true;
    await fireEvent.change(select);
    flushSync();
    expect(training.form.config.loss).toBe('sparse_categorical_crossentropy');
    expect(screen.getByTestId('loss-problem').textContent).toMatch(/^Cannot train: a 1-unit sigmoid output needs binary_crossentropy, not sparse_categorical_crossentropy/);
    expect(startTitle()).toMatch(/^Cannot train: a 1-unit sigmoid output needs binary_crossentropy/);
  });
});
