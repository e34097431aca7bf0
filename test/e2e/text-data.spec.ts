/**
 * Text as a user meets it in the window: a folder of .txt files per class (the aclImdb layout, built from real
 * debian-package-sections descriptions: games vs science) picked as own data, the imdb-embedding-pool template
 * trained on it, then the text view: a typed sentence classified live, wrong samples as text, nearest words, the
 * PCA map of the frequent words. Then
 * the run's Export… as TF.js: the vocabulary, encoder and predict.js land beside model.json, and `node predict.js`
 * on the typed sentence reads the same words and gives the prediction the text view shows.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { openTemplate } from './helpers';

const SHOTS = 'test-results/screenshots';
const FOLDER = 'test-results/text-e2e/games-vs-science';
// Inside the checkout, so predict.js's `import '@tensorflow/tfjs'` finds the repository's node_modules, as a user's
// `npm install @tensorflow/tfjs` beside the export would.
const EXPORT = resolve('test-results/text-e2e/tfjs-export');

test.beforeAll(() => {
  rmSync(FOLDER, { recursive: true, force: true });
  rmSync(EXPORT, { recursive: true, force: true });
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
  const GAME = 'a multiplayer arcade game with levels and monsters';
  await page.getByTestId('text-sentence').fill(GAME);
  await expect(page.getByTestId('text-prediction').locator('li').first()).toContainText('games');
  const shown = {
    seen: (await page.getByTestId('text-seen').innerText()).replace(/^the model reads: /, ''),
    name: await page.getByTestId('text-prediction').locator('li .name').first().innerText(),
    percent: await page.getByTestId('text-prediction').locator('li .p').first().innerText(),
  };
  await page.getByTestId('text-sentence').fill('numerical library for statistics and molecular biology');
  await expect(page.getByTestId('text-prediction').locator('li').first()).toContainText('science');
  await expect(page.getByTestId('text-wrong-example').first()).toBeVisible();
  await page.getByTestId('text-word').fill('game');
  await page.getByTestId('text-word-go').click();
  await expect(page.getByTestId('text-nearest').locator('li')).toHaveCount(10);
  // The map: the 40 most frequent words on the Embedding's principal axes; a games word and a science word lie on
  // opposite sides of the first axis (the one this games-vs-science model learnt).
  await page.getByTestId('text-map-go').click();
  await expect(page.getByTestId('text-map').locator('text')).toHaveCount(40);
  await expect(page.getByTestId('text-map-explained')).toContainText('PC1');
  const x = async (word: string) => Number(await page.getByTestId('text-map').locator(`text[data-word="${word}"]`).getAttribute('data-x'));
  expect(Math.sign(await x('game'))).toBe(-Math.sign(await x('library')));
  await view.screenshot({ path: `${SHOTS}/text-view.png` });

  // The run's Export… as TF.js: model.json with the run's vocabulary, the encoder and the Node example beside it.
  await page.getByTestId('run-row').first().getByTestId('run-export').click();
  await expect(page.getByTestId('project-dialog')).toHaveAttribute('data-mode', 'export');
  await page.getByTestId('project-path').fill(EXPORT);
  await page.getByTestId('export-format').selectOption('tfjs');
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText(`to ${EXPORT}`);
  for (const f of ['model.json', 'vocabulary.json', 'text-encoder.js', 'predict.js', 'README.md']) expect(existsSync(join(EXPORT, f)), f).toBe(true);
  const vocabulary = JSON.parse(readFileSync(join(EXPORT, 'vocabulary.json'), 'utf8')) as { words: string[]; class_names: string[] };
  expect(vocabulary.class_names).toEqual(['games', 'science']);

  // A user runs the example on the sentence typed above: the same words read, the same class at the same percentage.
  const r = spawnSync(process.execPath, ['predict.js', GAME], { cwd: EXPORT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ids: number[]; probabilities: number[]; predicted: string };
  expect(out.ids.filter((id) => id !== 0).map((id) => vocabulary.words[id]).join(' ')).toBe(shown.seen);
  expect(out.predicted).toBe(shown.name);
  const p = out.probabilities[0]!;
  expect(out.probabilities).toHaveLength(1);
  expect(`${(Math.max(p, 1 - p) * 100).toFixed(0)}%`).toBe(shown.percent);
});
