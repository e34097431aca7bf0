import { expect, test } from '@playwright/test';
import { openTemplate, settled } from './helpers';

const SHOTS = 'test-results/screenshots';

// The inspector says what the selected layer does with a sequence mask (shared/graph/mask-flow.ts): turning on the
// Embedding's mask_zero in the imdb-embedding-pool template makes the average pool leave the padding out; in
// reuters-conv1d the first Conv1D ends the mask, so the GlobalMaxPooling1D at the end receives none.
test('with mask_zero on, the average pool says it leaves the padding out', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openTemplate(page, 'imdb-embedding-pool');
  await settled(page);
  const pool = page.locator('[data-kind=GlobalAveragePooling1D]');
  await pool.locator('.name').click();
  await expect(page.getByTestId('inspector-mask')).toHaveCount(0);
  await page.locator('[data-kind=Embedding]').locator('.name').click();
  await page.getByTestId('param-mask_zero').check();
  await pool.locator('.name').click();
  await expect(page.getByTestId('inspector-mask')).toHaveText(
    "Averages only the steps the mask of 'embedding' keeps (padding left out), as Keras does; the mask ends here.",
  );
  await page.locator('[data-kind=Dense]').first().locator('.name').click();
  await expect(page.getByTestId('inspector-mask')).toHaveCount(0);
  await pool.locator('.name').click();
  await page.screenshot({ path: `${SHOTS}/mask-average-pool.png` });
  expect(errors).toEqual([]);
});

test('a Conv1D ends the mask: the GlobalMaxPooling1D after it gets none', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openTemplate(page, 'reuters-conv1d');
  await settled(page);
  await page.locator('[data-kind=Embedding]').locator('.name').click();
  await page.getByTestId('param-mask_zero').check();
  await page.locator('[data-kind=Conv1D]').first().locator('.name').click();
  await expect(page.getByTestId('inspector-mask')).toContainText("Does not support masking (as in Keras): the mask of 'embedding' ends here");
  await page.screenshot({ path: `${SHOTS}/mask-conv1d-ends.png` });
  await page.locator('[data-kind=GlobalMaxPooling1D]').locator('.name').click();
  await expect(page.getByTestId('inspector-mask')).toHaveCount(0);
  expect(errors).toEqual([]);
});
