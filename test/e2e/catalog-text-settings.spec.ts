/**
 * The text settings of a catalog text dataset in the window (issue 16): the reuters-mlp template opens with its
 * training setup (reuters, multi-hot over 10,000 words, sparse categorical cross-entropy, RMSprop), trains to
 * completion from the window, and a num words typed in the text settings is in the saved project's config and back
 * in the panel after reopening. The catalog's reuters is the small generated file in Keras' layout (imdb-server.ts).
 */
import { expect, test } from '@playwright/test';
import { readFileSync, rmSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { openTemplate, settled } from './helpers';
import { openProjectFile, type OwnServer } from './own-server';
import { serveTextCatalog } from './text-catalog-server';

const SHOTS = 'test-results/screenshots';
const DIR = 'test-results/text-settings-e2e';
const TOKEN = 'e2e-text-settings-0123456789';
let server: OwnServer | undefined;

test.beforeAll(() => rmSync(DIR, { recursive: true, force: true }));
test.afterAll(async () => server?.stop());

/** The training config a saved .layerlab file holds (project.json inside the zip). */
function savedTraining(file: string): { dataset: { name: string; text?: Record<string, unknown> } } {
  const project = JSON.parse(strFromU8(unzipSync(readFileSync(file))['project.json']!)) as { training: { dataset: { name: string; text?: Record<string, unknown> } } };
  return project.training;
}

test('reuters-mlp from the window: multi-hot set by the template, 2 epochs trained; num words saved and reopened', async ({ page }) => {
  test.setTimeout(240_000);
  server = await serveTextCatalog(DIR, TOKEN);
  await page.goto(server.url);
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-reuters-mlp').click();
  await expect(page.locator('[data-kind=Dense]').first()).toBeVisible();
  await settled(page);
  await page.getByTestId('view-training').click();

  // The template's training setup, as the panel shows it.
  await expect(page.getByTestId('dataset-select')).toHaveValue('reuters');
  await expect(page.getByTestId('train-loss')).toHaveValue('sparse_categorical_crossentropy');
  await expect(page.getByTestId('train-optimizer')).toHaveValue('rmsprop');
  const settings = page.getByTestId('text-settings');
  await expect(page.getByTestId('text-multi-hot')).toBeChecked();
  await expect(page.getByTestId('text-num-words')).toHaveValue('10000');
  await expect(page.getByTestId('text-sample-shape')).toHaveText('Each sample: 10000 0/1 values (one per word id below 10000)');
  await expect(page.getByTestId('text-input-mismatch')).toHaveCount(0);
  await settings.locator('summary').click();
  await expect(page.getByTestId('text-skip-top')).toBeVisible();
  await settings.screenshot({ path: `${SHOTS}/catalog-text-settings.png` });

  await page.getByTestId('train-epochs').fill('2');
  await page.getByTestId('train-batch-size').fill('8');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /completed|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('train-message')).toHaveCount(0);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('train-done')).toHaveText('2 epochs trained');

  // A refused value says why, in Keras' words, and holds Start back.
  await page.getByTestId('text-skip-top').fill('-2');
  await expect(page.getByTestId('text-settings-error')).toHaveText('skip_top must be an integer >= 0. Received: skip_top=-2');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await page.getByTestId('text-skip-top').fill('');
  await expect(page.getByTestId('text-settings-error')).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toBeEnabled();

  // Fewer words: the model's 10,000-value input no longer fits, and the panel says so (Advanced stays open).
  await page.getByTestId('text-num-words').fill('5000');
  await expect(page.getByTestId('text-skip-top')).toBeVisible();
  await expect(page.getByTestId('text-input-mismatch')).toHaveText("The model's input takes 10000 values: set its InputLayer to [5000], or change these settings.");
  await settings.screenshot({ path: `${SHOTS}/catalog-text-settings-5000.png` });
  const file = `${process.cwd()}/${DIR}/reuters.layerlab`;
  await page.getByTestId('project-save').click();
  await page.getByTestId('project-path').fill(file);
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText('Saved');
  expect(savedTraining(file).dataset).toEqual({ name: 'reuters', text: { num_words: 5000, multi_hot: true } });

  await openProjectFile(page, server.url, file);
  await expect(page.getByTestId('text-num-words')).toHaveValue('5000');
  await expect(page.getByTestId('text-multi-hot')).toBeChecked();
});

test('imdb-lstm with sparse_categorical_crossentropy: the form and the Train command say a 1-unit sigmoid needs binary_crossentropy', async ({ page }) => {
  await openTemplate(page, 'imdb-lstm', 'LSTM');
  await settled(page);
  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('train-loss')).toHaveValue('binary_crossentropy');
  await expect(page.getByTestId('loss-problem')).toHaveCount(0);
  await page.getByTestId('train-loss').selectOption('sparse_categorical_crossentropy');
  const says = /a 1-unit sigmoid output needs binary_crossentropy, not sparse_categorical_crossentropy/;
  await expect(page.getByTestId('loss-problem')).toHaveText(says);
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('toast')).toContainText(says);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'idle');
});
