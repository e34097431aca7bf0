// Text as own data in the window, against the real backend service in-process (the Electron host over
// handleApiMessage) and the real debian-package-sections CSV: the picker's text options reach the backend, the card
// shows the vocabulary and the first descriptions as the model sees them, and the form trains on the record.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../main/service/handle';
import { createBackendService } from '../../main/service/service';
import { createElectronHost } from '../../renderer/src/host/electron';
import { OWN_DATASET } from '../../renderer/src/training/form';
import OwnDataPicker from '../../renderer/src/training/OwnDataPicker.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-own-text-'));
const csv = join(dir, 'sections.csv');
copyFileSync(resolve(__dirname, '../../../shared/datasets/debian-package-sections/test.csv'), csv);
const service = createBackendService({ checkpointDir: join(dir, 'ck'), baseDir: dir, roots: [dir] });
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the own-data picker on text', () => {
  it('max tokens and length typed in the text options shape the card and the config the run gets', { timeout: 60_000 }, async () => {
    const training = new TrainingStore();
    training.attach(createElectronHost({ version: 1, request: (m) => handleApiMessage(service, JSON.stringify(m)), onEvent: (l) => service.subscribe(l) }));
    training.datasetChosen(OWN_DATASET);
    render(OwnDataPicker, { training });
    await fireEvent.input(screen.getByTestId('own-path'), { target: { value: csv } });
    await fireEvent.input(screen.getByTestId('own-max-tokens'), { target: { value: '300' } });
    await fireEvent.input(screen.getByTestId('own-sequence-length'), { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('own-inspect'));
    await waitFor(() => expect(screen.getByTestId('card-summary').textContent).toMatch(/sections: text, classification; 1310 training \/ 327 validation\s+samples of \[12\]/), { timeout: 30_000 });
    expect(screen.getByTestId('card-vocabulary').textContent).toMatch(/^vocabulary of 300 tokens: for, and, /);
    const rows = screen.getByTestId('card-texts').querySelectorAll('tr');
    expect(rows.length).toBe(10);
    expect(rows[0]!.querySelectorAll('td')[0]!.textContent).toMatch(/^(admin|games|graphics|mail|net|science|sound|text)$/);
    const own = training.form.ownData!;
    expect(own.source).toMatchObject({ kind: 'text', max_tokens: 300, sequence_length: 12 });
    expect(own.preprocessing.text!.vocabulary).toHaveLength(300);

    // Multi-hot: one input per vocabulary word.
    await fireEvent.click(screen.getByTestId('own-multi-hot'));
    await fireEvent.click(screen.getByTestId('own-inspect'));
    await waitFor(() => expect(screen.getByTestId('card-summary').textContent).toMatch(/samples of \[300\]/), { timeout: 30_000 });
    expect(training.form.ownData!.source.multi_hot).toBe(true);
  });
});
