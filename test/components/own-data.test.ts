// "Your data..." in the window: the form trains on the card's config.dataset (validated by the engine's schema,
// kept by a project save and reload), and the picker shows the card the backend made of the real housing.csv.
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { datasetCard } from '../../main/datasets/card';
import { openOwnData } from '../../main/datasets/own-data';
import { chooseLoss, defaultDraft, OWN_DATASET, runConfig } from '../../renderer/src/training/form';
import { draftFromConfig } from '../../renderer/src/training/read-draft';
import OwnDataPicker from '../../renderer/src/training/OwnDataPicker.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { ownDatasetOf } from '../../shared/data-preprocessing';
import { TrainingConfigSchema } from '../../shared/training';

const housing = resolve(__dirname, '../../../shared/datasets/boston-housing/housing.csv');

describe('own data in the window', () => {
  it('the form trains on the card config: last-fraction validation, no test limit; a project round trip keeps it', async () => {
    const card = await datasetCard(await openOwnData({ path: housing, label_column: 'MEDV', validation_split: 0.25 }));
    const form = { ...defaultDraft(), ownData: card.config };
    form.config.dataset = { name: OWN_DATASET };
    chooseLoss(form, 'mse');
    const config = TrainingConfigSchema.parse(runConfig(form));
    expect(config.validation).toEqual({ kind: 'split', fraction: 0.25 });
    expect(config.limit_test).toBeNull();
    expect(ownDatasetOf(config.dataset)!.source.path).toBe(housing);
    const back = draftFromConfig(JSON.parse(JSON.stringify(config)), { kind: 'file', path: housing }, defaultDraft());
    expect(back.config.dataset).toEqual({ name: OWN_DATASET });
    expect(back.ownData).toEqual(card.config);
    // Picking a catalog dataset afterwards validates on its test split again.
    back.config.dataset = { name: 'mnist' };
    expect(runConfig(back).validation).toEqual({ kind: 'test' });
  });

  it('the picker shows the card: splits, target range and histogram, columns, first rows', async () => {
    const training = new TrainingStore();
    training.card = await datasetCard(await openOwnData({ path: housing, label_column: 'MEDV' }));
    render(OwnDataPicker, { training });
    expect(screen.getByTestId('card-splits').textContent).toBe('405 training / 101 validation');
    expect(screen.getByTestId('card-target').textContent).toBe('target from 5 to 50');
    expect(screen.getByTestId('card-histogram').querySelectorAll('span')).toHaveLength(20);
    expect(screen.getByTestId('card-features').textContent).toContain('CRIM numeric, standardised');
    expect(screen.getByTestId('card-table').querySelectorAll('tbody tr')).toHaveLength(10);
    expect(screen.queryByTestId('card-classes')).toBeNull();
  });
});
