/**
 * Export from the window in browser mode (issue 14/17): a trained run's row has Export…, the top bar has Export…;
 * the dialog picks the folder with the backend's folder browser, the format (TF.js, Keras, PyTorch, TensorBoard)
 * and the run; the files land on the backend machine.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openTraining } from './helpers';

const SHOTS = 'test-results/screenshots';
const stamp = Date.now().toString(36);
const folder = (format: string) => resolve('test-results', `e2e-export-${stamp}-${format}`);

test.afterAll(() => {
  for (const f of ['tfjs', 'keras', 'pytorch', 'tensorboard']) rmSync(folder(f), { recursive: true, force: true });
});

test('a run exports from the window to TF.js, Keras, PyTorch and TensorBoard, into a folder picked in the browser; a run fine-tunes from its weights', async ({ page }) => {
  test.setTimeout(240_000);
  await openTraining(page, 'mlp-64', 256, 1);
  await page.getByTestId('train-batch-size').fill('64');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  const row = page.getByTestId('run-row').first();
  const runId = (await row.getAttribute('data-run-id'))!;

  const formats = ['tfjs', 'keras', 'pytorch', 'tensorboard'] as const;
  for (const [i, format] of formats.entries()) {
    // The run's own Export… for the first, the top bar's Export… (the run just finished is chosen) for the others.
    if (i === 0) await row.getByTestId('run-export').click();
    else await page.getByTestId('project-export').click();
    const dialog = page.getByTestId('project-dialog');
    await expect(dialog).toHaveAttribute('data-mode', 'export');
    await expect(page.getByTestId('export-run')).toHaveValue(runId);
    // The folder browser: type the new folder's name, then enter test-results/ — the name lands in that folder.
    await page.getByTestId('project-path').fill(`e2e-export-${stamp}-${format}`);
    await page.getByTestId('folder-entry').filter({ hasText: /^.test-results$/ }).click();
    await expect(page.getByTestId('project-path')).toHaveValue(folder(format));
    await page.getByTestId('export-format').selectOption(format);
    if (format === 'tensorboard') await page.screenshot({ path: `${SHOTS}/export-dialog-tensorboard.png` });
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText(`to ${folder(format)}`);
  }

  const files = (f: string) => readdirSync(folder(f));
  expect(files('tfjs')).toEqual(expect.arrayContaining(['model.json', 'group1-shard1of1.bin']));
  expect(files('keras')).toEqual(expect.arrayContaining(['model.py', 'train.py', 'weights.npz']));
  expect(files('pytorch')).toEqual(expect.arrayContaining(['model.py', 'train.py', 'weights.npz']));
  const logs = readdirSync(join(folder('tensorboard'), runId));
  expect(logs.some((n) => n.startsWith('events.out.tfevents.'))).toBe(true);
  expect(existsSync(join(folder('tensorboard'), '.layerlab-export.json'))).toBe(true);

  // TensorBoard needs a run: with fresh weights chosen the dialog says so and will not submit.
  await page.getByTestId('project-export').click();
  await page.getByTestId('export-format').selectOption('tensorboard');
  await page.getByTestId('export-run').selectOption('');
  await expect(page.getByTestId('export-needs-run')).toBeVisible();
  await expect(page.getByTestId('project-dialog-submit')).toBeDisabled();
  await page.keyboard.press('Escape');

  // Train from these weights: a second run starts where the first ended, so it validates better after its epoch.
  await row.getByTestId('run-init-from').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  const best = async (id: string) => Number((await page.locator(`[data-run-id="${id}"] [data-testid=run-best]`).innerText()).replace('%', ''));
  const tunedId = (await page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).find((id) => id !== runId)!;
  expect(await best(tunedId)).toBeGreaterThan(await best(runId));
});
