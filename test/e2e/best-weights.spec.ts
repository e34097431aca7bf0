/**
 * A run's best weights in the window (follow-up of #14): the dashboard names the best epoch and stars it on the
 * loss curve, the run's row says "best N", and the export dialog exports the final or the best epoch's weights.
 * Early stopping (patience 1, no restore) ends the run one epoch after its best, so the best epoch is never the last
 * and the two exports must differ; the best export must be the run's stored best-weights.bin.
 */
import { expect, test } from '@playwright/test';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ZipReader } from '../../main/projects/zip-reader';
import { openTraining } from './helpers';

const SHOTS = 'test-results/screenshots';
const stamp = Date.now().toString(36);
const folder = (which: string) => resolve('test-results', `e2e-best-${stamp}-${which}`);
// The e2e server's cache (playwright.config.ts): an Untitled project's runs are stored in its recovery stores.
const RECOVERY = resolve('test-results/e2e-cache/recovery');

test.afterAll(() => {
  for (const w of ['best', 'final']) rmSync(folder(w), { recursive: true, force: true });
});

/** Every best-weights.bin in the server's recovery stores. */
async function storedBestWeights(): Promise<Buffer[]> {
  const found: Buffer[] = [];
  for (const name of readdirSync(RECOVERY).filter((n) => n.endsWith('.layerlab'))) {
    const zip = await ZipReader.open(join(RECOVERY, name));
    for (const entry of zip.entries.keys()) if (entry.endsWith('/best-weights.bin')) found.push(Buffer.from(await zip.read(entry)));
    await zip.close();
  }
  return found;
}

test('the best epoch shows in the dashboard and the runs table, and the export dialog exports final or best weights', async ({ page }) => {
  test.setTimeout(300_000);
  await openTraining(page, 'mlp-64', 500, 15);
  await page.getByTestId('train-batch-size').fill('50');
  await page.getByTestId('train-validation').fill('300');
  // A high learning rate makes the validation loss jump about, so early stopping (patience 1) ends the run soon.
  await page.getByTestId('train-optimizer').selectOption('adam');
  await page.getByTestId('train-learning-rate').fill('0.05');
  await page.getByText('Schedule & early stopping').click();
  await page.getByTestId('train-early-stopping').check();
  await page.getByTestId('train-es-patience').fill('1');
  await expect(page.getByTestId('train-es-restore')).not.toBeChecked();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });

  const row = page.getByTestId('run-row').first();
  const epochs = Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
  // The dashboard line, the star on the loss chart and the row's badge name the same epoch, one before the last.
  await expect(page.getByTestId('best-epoch')).toContainText(/★ Best: epoch \d+, val_loss \d\.\d{4}/);
  const best = Number(/epoch (\d+)/.exec(await page.getByTestId('best-epoch').innerText())![1]);
  expect(best).toBe(epochs - 1);
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-best-epoch', String(best));
  await expect(row.getByTestId('run-best-epoch')).toHaveAttribute('data-epoch', String(best));
  await expect(row.getByTestId('run-best-epoch')).toHaveText(`best ${best}`);
  await page.getByTestId('chart-loss').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/best-weights-dashboard.png` });

  for (const which of ['best', 'final'] as const) {
    await row.getByTestId('run-export').click();
    await page.getByTestId('project-path').fill(folder(which));
    await page.getByTestId('export-format').selectOption('tfjs');
    // Final is the default; best names its epoch.
    await expect(page.getByTestId('export-weights')).toHaveValue('final');
    await expect(page.getByTestId('export-weights').locator('option[value=best]')).toHaveText(new RegExp(`^Best: epoch ${best}, val_loss`));
    await page.getByTestId('export-weights').selectOption(which);
    if (which === 'best') await page.screenshot({ path: `${SHOTS}/best-weights-export-dialog.png` });
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText(`to ${folder(which)}`);
    if (which === 'best') await expect(page.getByTestId('toast')).toContainText("the best epoch's weights");
  }
  // TensorBoard logs are the whole run's: no weights choice there.
  await row.getByTestId('run-export').click();
  await page.getByTestId('export-format').selectOption('tensorboard');
  await expect(page.getByTestId('export-weights')).toHaveCount(0);
  await page.keyboard.press('Escape');

  const bin = (which: string) => readFileSync(join(folder(which), 'group1-shard1of1.bin'));
  expect(bin('best').equals(bin('final'))).toBe(false);
  // The best export is exactly the run's stored best weights.
  expect((await storedBestWeights()).some((b) => b.equals(bin('best')))).toBe(true);
});
