/**
 * The text view of a run on the catalog's imdb, in the window: the reviews it got wrong decoded to words through
 * Keras' word index, and a typed review read as Keras' load_data reads one. The server's catalog imdb is the small
 * generated file pair in Keras' layout (imdb-server.ts); the official files cannot be downloaded here.
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { settled } from './helpers';
import { openProjectFile } from './own-server';

const SHOTS = 'test-results/screenshots';
const DIR = 'test-results/imdb-e2e';
const words = JSON.parse(readFileSync('test/fixtures/keras-text/imdb-mini_word_index.json', 'utf8')) as Record<string, number>;

let server: ChildProcess;

/** The server with the generated imdb (a second one over the same folder finds the first one's cache). */
async function serveImdb(): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx/esm', 'test/e2e/imdb-server.ts', DIR, 'e2e-imdb-token-0123456789'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Recent projects and recovery stores go to the test's folder, not the user's cache (kept across the restart).
    env: { ...process.env, LAYERLAB_CACHE_DIR: `${DIR}/layerlab-cache` },
  });
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /Layerlab at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', () => reject(new Error(`imdb-server exited: ${out}`)));
  });
}

async function stop(): Promise<void> {
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  server.kill('SIGTERM');
  await exited;
}

test.beforeAll(() => rmSync(DIR, { recursive: true, force: true }));
test.afterAll(() => {
  if (server.exitCode === null) server.kill('SIGTERM');
});

const SENTENCE = "This movie was GREAT -- it's the best film, zyxxy!";
const READ = "the model reads: this movie was [UNK] it's the [UNK] film [UNK]";

test('an imdb run: wrong reviews as words, a typed review through the word index', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(await serveImdb());
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-imdb-embedding-pool').click();
  await expect(page.locator('[data-kind=Embedding]')).toBeVisible();
  await settled(page);
  await page.getByTestId('view-training').click();
  await page.getByTestId('dataset-select').selectOption('imdb');
  await page.getByTestId('train-loss').selectOption('binary_crossentropy');
  await page.getByTestId('train-optimizer').selectOption('adam');
  await page.getByTestId('train-learning-rate').fill('0.05');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-batch-size').fill('10');
  await page.getByTestId('train-limit').fill('');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /completed|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('train-message')).toHaveCount(0);

  const view = page.getByTestId('text-view');
  await view.scrollIntoViewIfNeeded();
  // Each wrong review is the index's words (and [UNK]), never ids.
  const first = page.getByTestId('text-wrong-example').first().locator('q');
  await expect(first).toBeVisible();
  const tokens = (await first.textContent())!.split(' ');
  expect(tokens.length).toBeGreaterThan(1);
  expect(tokens.filter((t) => !(t in words) && t !== '[UNK]')).toEqual([]);
  await page.getByTestId('text-sentence').fill(SENTENCE);
  await expect(page.getByTestId('text-seen')).toHaveText(READ);
  await expect(page.getByTestId('text-prediction').locator('li')).toHaveCount(2);
  const answer = await page.getByTestId('text-prediction').textContent();
  await view.screenshot({ path: `${SHOTS}/imdb-text-view.png` });

  // Saved, the server restarted, the project reopened: the run's text view reads and answers the same.
  const file = `${process.cwd()}/${DIR}/imdb.layerlab`;
  await page.getByTestId('project-save').click();
  await page.getByTestId('project-path').fill(file);
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText('Saved');
  await stop();
  await openProjectFile(page, await serveImdb(), file);
  await page.getByTestId('run-row').locator('td.mono').first().click();
  await expect(page.getByTestId('run-row')).toHaveClass(/current/);
  await page.getByTestId('text-view').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('text-wrong-example').first().locator('q')).toBeVisible();
  await page.getByTestId('text-sentence').fill(SENTENCE);
  await expect(page.getByTestId('text-seen')).toHaveText(READ);
  await expect(page.getByTestId('text-prediction')).toHaveText(answer!);
  await page.screenshot({ path: `${SHOTS}/imdb-text-view-reopened.png` });
});
