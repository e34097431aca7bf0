// Own data and regression in the window, against the real backend service in-process (the Electron host over
// handleApiMessage) and the real Boston Housing CSV: the "data changed" warning on the dataset card when a
// project's data differs from the fingerprint its config stored, and the loss following the dataset's task.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../main/service/handle';
import { createBackendService } from '../../main/service/service';
import { createElectronHost } from '../../renderer/src/host/electron';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { defaultDraft, OWN_DATASET, runConfig } from '../../renderer/src/training/form';
import { draftFromConfig } from '../../renderer/src/training/read-draft';
import OwnDataPicker from '../../renderer/src/training/OwnDataPicker.svelte';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { NO_OWN_TEXT } from '../../renderer/src/training/own-text';
import { chain } from './fixtures';

const housing = resolve(__dirname, '../../../shared/datasets/boston-housing/housing.csv');
const dir = mkdtempSync(join(tmpdir(), 'layerlab-own-window-'));
mkdirSync(join(dir, 'data'));
mkdirSync(join(dir, 'boston'));
const csv = join(dir, 'data', 'housing.csv');
copyFileSync(housing, csv);
const service = createBackendService({ checkpointDir: join(dir, 'ck'), baseDir: dir, roots: [dir] });
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function attached(): TrainingStore {
  const training = new TrainingStore();
  training.attach(createElectronHost({ version: 1, request: (m) => handleApiMessage(service, JSON.stringify(m)), onEvent: (l) => service.subscribe(l) }));
  training.projectPath = join(dir, 'boston', 'boston.layerlab');
  return training;
}

describe('own data in a project', () => {
  it('a reopened project reads its data again: no warning while unchanged, a visible one once the file changed', { timeout: 90_000 }, async () => {
    const made = attached();
    made.datasetChosen(OWN_DATASET);
    made.own = { ...NO_OWN_TEXT, path: csv, labelColumn: 'MEDV', testPath: '', validationSplit: 0.2 };
    await made.inspectOwn();
    expect(made.cardError).toBeNull();
    // The project stores the reference relative to the project file; a save and reopen keeps it.
    const saved = runConfig(made.form);
    expect(saved.dataset.source).toMatchObject({ path: '../data/housing.csv' });

    const reopen = () => {
      const training = attached();
      training.form = draftFromConfig(JSON.parse(JSON.stringify(saved)), null, defaultDraft());
      return training;
    };
    const same = reopen();
    const first = render(OwnDataPicker, { training: same });
    await waitFor(() => expect(screen.getByTestId('card-splits').textContent).toBe('405 training / 101 validation'), { timeout: 30_000 });
    expect(screen.queryByTestId('data-changed')).toBeNull();
    first.unmount();

    appendFileSync(csv, '0.1,0,1,0,0.5,6,50,4,1,300,15,390,5,22\n');
    render(OwnDataPicker, { training: reopen() });
    const warning = await screen.findByTestId('data-changed', {}, { timeout: 30_000 });
    expect(warning.textContent).toBe(
      'The data changed since this configuration was made (1 files, 34723 bytes then; 1 files, 34762 bytes now): ' +
        'training on it now fits the preprocessing (standardisation, classes) again, so results are not comparable with that run.',
    );
    expect(screen.getByTestId('card-splits').textContent).toBe('406 training / 101 validation');
  });
});

/** Picks a dataset the way a user does: the option becomes selected, then the select fires change. */
async function choose(value: string): Promise<void> {
  const select = screen.getByTestId('dataset-select') as HTMLSelectElement;
  const option = [...select.options].find((o) => o.value === value);
  if (!option) throw new Error(`no dataset option '${value}'`);
  option.selected = true;
  await fireEvent.change(select);
  flushSync();
}

describe('the loss follows the dataset task', () => {
  it('boston-housing switches to mse + mae with a note, and mnist back to a cross-entropy loss', { timeout: 90_000 }, async () => {
    const training = attached();
    await waitFor(() => expect(training.datasets.some((d) => d.name === 'boston-housing' && d.task === 'regression')).toBe(true), { timeout: 60_000 });
    render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore(chain([['Dense', { units: 1 }]]))) });
    expect(training.form.config.loss).toBe('sparse_categorical_crossentropy');

    await choose('boston-housing');
    expect(training.form.config).toMatchObject({ dataset: { name: 'boston-housing' }, loss: 'mse', metrics: ['mae'] });
    expect(runConfig(training.form).metrics).toEqual(['mae']);
    expect(screen.getByTestId('task-note').textContent).toBe(
      'boston-housing is a regression dataset (real-valued targets): the loss is now mse and the metric mae (was sparse_categorical_crossentropy).',
    );

    await choose('mnist');
    expect(training.form.config.loss).toBe('sparse_categorical_crossentropy');
    expect(screen.getByTestId('task-note').textContent).toMatch(/^mnist is a classification dataset: the loss is now sparse_categorical_crossentropy/);
  });

  it('own data read as regression switches the loss too, with the note', async () => {
    const training = attached();
    training.datasetChosen(OWN_DATASET);
    training.own = { ...NO_OWN_TEXT, path: csv, labelColumn: 'MEDV', testPath: '', validationSplit: 0.2 };
    await training.inspectOwn();
    expect(training.form.config.loss).toBe('mse');
    expect(training.taskNote).toBe('housing is a regression dataset (real-valued targets): the loss is now mse and the metric mae (was sparse_categorical_crossentropy).');
  });
});
