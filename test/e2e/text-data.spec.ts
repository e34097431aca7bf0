/**
 * Text as a user meets it in the window: a folder of .txt files per class (the aclImdb layout, built from real
 * debian-package-sections descriptions: games vs science) picked as own data, the imdb-embedding-pool template
 * trained on it, then the text view: a typed sentence classified live, wrong samples as text, nearest words.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { openTemplate } from './helpers';

const SHOTS = 'test-results/screenshots';
const FOLDER = 'test-results/text-e2e/games-vs-science';

test.beforeAll(() => {
  rmSync(FOLDER, { recursive: true, force: true });
  for (const split of ['train', 'test']) {
    const rows = Papa.parse<{ text: string; label: string }>(readFileSync(`../shared/datasets/debian-package-sections/${split}.csv`, 'utf8'), { header: true, skipEmptyLines: true }).data;
    for (const label of ['games', 'science']) {
      mkdirSync(join(FOLDER, split, label), { recursive: true });
      rows.filter((r) => r.label === label).forEach((r, i) => writeFileSync(join(FOLDER, split, label, `${i}.txt`), r.text));
    }
  }
});

test('a folder of .txt files per class trains imdb-embedding-pool; the text view answers a typed sentence', async ({ page }) => {
  test.setTimeout(300_000);
  await openTemplate(page, 'imdb-embedding-pool');
  await page.getByTestId('view-training').click();
  await page.getByTestId('dataset-select').selectOption('__own__');
  await page.getByTestId('own-path').fill(FOLDER);
  await page.getByTestId('own-inspect').click();
  await expect(page.getByTestId('card-summary')).toContainText('text, classification');
  await expect(page.getByTestId('card-summary')).toContainText('samples of [200]');
  await expect(page.getByTestId('card-vocabulary')).toContainText('vocabulary of');
  await expect(page.getByTestId('card-texts').locator('tr')).toHaveCount(10);
  await page.screenshot({ path: `${SHOTS}/text-card.png` });

  await page.getByTestId('train-loss').selectOption('binary_crossentropy');
  await page.getByTestId('train-optimizer').selectOption('adam');
  await page.getByTestId('train-learning-rate').fill('0.01');
  await page.getByTestId('train-epochs').fill('8');
  await page.getByTestId('train-batch-size').fill('32');
  await page.getByTestId('train-limit').fill('');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /completed|failed/, { timeout: 240_000 });
  await expect(page.getByTestId('train-message')).toHaveCount(0);

  const view = page.getByTestId('text-view');
  await view.scrollIntoViewIfNeeded();
  await page.getByTestId('text-sentence').fill('a multiplayer arcade game with levels and monsters');
  await expect(page.getByTestId('text-prediction').locator('li').first()).toContainText('games');
  await page.getByTestId('text-sentence').fill('numerical library for statistics and molecular biology');
  await expect(page.getByTestId('text-prediction').locator('li').first()).toContainText('science');
  await expect(page.getByTestId('text-wrong-example').first()).toBeVisible();
  await page.getByTestId('text-word').fill('game');
  await page.getByTestId('text-word-go').click();
  await expect(page.getByTestId('text-nearest').locator('li')).toHaveCount(10);
  await view.screenshot({ path: `${SHOTS}/text-view.png` });
});
