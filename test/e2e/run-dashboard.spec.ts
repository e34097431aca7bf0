/**
 * Every past run reopens its dashboard (issue 14), as a user meets it: train the workshop CNN in an Untitled project,
 * Save As, stop the server; `layerlab info` lists the run; start the server again, open the file, click the run:
 * its curves (per batch), confusion matrix, histograms of each epoch, filters, activations and wrong examples are
 * shown, rebuilt from the file, and draw-a-digit asks that run's weights; a second project shows none of its runs.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectInfoListsRun, openProjectFile, serveOwn } from './own-server';

const SHOTS = 'test-results/screenshots';
const dir = mkdtempSync(join(tmpdir(), 'layerlab-e2e-dashboard-'));
const cache = join(dir, 'cache');
const FILE = join(dir, 'dashboard.layerlab');
const serve = () => serveOwn(dir, cache, 'dashboard-token-0123456789');

async function template(page: Page, id: string): Promise<void> {
  await page.getByTestId('templates-menu').click();
  await page.getByTestId(`template-${id}`).click();
  await expect(page.getByTestId('view-editor')).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('view-training').click();
}

/** What a run's dashboard shows: every view with content, the inspection views at each of its 2 epochs. */
async function expectFullDashboard(page: Page, shot: string): Promise<void> {
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  await expect(page.getByTestId('histograms-view').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('filters-view')).toBeVisible();
  await expect(page.getByTestId('activations-view')).toBeVisible();
  await expect(page.getByTestId('wrong-example').first()).toBeVisible();
  // The loss and the accuracy per batch: more points than the 2 epochs, the same ones on both charts.
  const batchPoints = await page.getByTestId('chart-loss').getAttribute('data-batch-points');
  expect(Number(batchPoints)).toBeGreaterThan(4);
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-batch-points', batchPoints!);
  await expect(page.getByTestId('epoch-shown')).toHaveText('2 of 2 (latest)');
  await expect(page.getByText('Weight histograms (epoch 2)')).toBeVisible();
  await page.getByTestId('epoch-slider').fill('0');
  await expect(page.getByTestId('epoch-shown')).toHaveText('1 of 2');
  await expect(page.getByText('Weight histograms (epoch 1)')).toBeVisible();
  await expect(page.getByText('Conv filters (epoch 1)')).toBeVisible();
  await expect(page.getByText('Activations (epoch 1)')).toBeVisible();
  await expect(page.getByText('Confusion matrix (epoch 1)')).toBeVisible();
  await page.getByTestId('chart-loss').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/${shot}-epoch1.png` });
  await page.getByTestId('histograms-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/${shot}-epoch1-inspection.png` });
  await page.getByTestId('epoch-slider').fill('1');
  await expect(page.getByText('Weight histograms (epoch 2)')).toBeVisible();
}

test('a stored run opens its whole dashboard after a restart, rebuilt from the project file', async ({ page }) => {
  test.setTimeout(420_000);
  let server = await serve();
  try {
    await page.goto(server.url);
    await template(page, 'cnn-first');
    await page.getByTestId('dataset-select').selectOption('mnist');
    await page.getByTestId('train-limit').fill('512');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-batch-size').fill('32');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
    const row = page.getByTestId('run-row');
    await expect(row).toHaveCount(1);
    const runId = (await row.getAttribute('data-run-id'))!;
    await expectFullDashboard(page, 'dashboard-live');

    await page.getByTestId('project-save').click();
    await page.getByTestId('project-path').fill(FILE);
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText('Saved');
    await server.stop();

    expectInfoListsRun(FILE, cache, runId);

    server = await serve();
    await openProjectFile(page, server.url, FILE);
    await expect(page.getByTestId('run-row')).toHaveAttribute('data-run-id', runId);
    await expect(page.getByTestId('run-row')).toContainText('#1');
    // Nothing shown until a run is picked.
    await expect(page.getByTestId('confusion-matrix')).toHaveCount(0);
    await page.getByTestId('run-row').locator('td.mono').first().click();
    await expect(page.getByTestId('run-row')).toHaveClass(/current/);
    await expectFullDashboard(page, 'dashboard-reopened');

    // The activation probe the user picks: a wrong example (a click), then any test image by its index.
    const wrong = page.getByTestId('wrong-example').first();
    const wrongIndex = (await wrong.getAttribute('data-index'))!;
    await wrong.getByTestId('wrong-probe').click();
    await expect(page.getByTestId('activations-view')).toContainText(`Probe image #${wrongIndex} `);
    await page.getByTestId('probe-index').fill('3');
    await page.getByTestId('probe-show').click();
    await expect(page.getByTestId('activations-view')).toContainText('Probe image #3 (label 0)');
    await page.getByTestId('activations-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/dashboard-probe.png` });

    // Draw-a-digit asks the shown run's stored weights.
    await page.getByTestId('draw-canvas').scrollIntoViewIfNeeded();
    const pad = (await page.getByTestId('draw-canvas').boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.85, { steps: 12 });
    await page.mouse.up();
    await expect(page.getByTestId('prediction')).not.toHaveAttribute('data-predicted', '', { timeout: 60_000 });

    // Another project shows none of this project's runs, and no dashboard of them.
    await template(page, 'mlp-64');
    await expect(page.getByTestId('run-row')).toHaveCount(0);
    await expect(page.getByTestId('confusion-matrix')).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
