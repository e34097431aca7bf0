import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';

const SHOTS = 'test-results/screenshots';
const hasServe = existsSync('main/commands/serve.ts');

test('train the workshop CNN one epoch on a real MNIST subset and watch the dashboard', async ({ page }) => {
  test.skip(!hasServe, 'needs `layerlab serve` for a backend');
  test.setTimeout(300_000);
  await page.goto('/?token=e2e-token');
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');

  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('engine-info')).toContainText('Backend');
  await page.getByTestId('dataset-select').selectOption('mnist');
  await page.getByTestId('train-limit').fill('512');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-batch-size').fill('64');
  await page.getByTestId('train-optimizer').selectOption('sgd');
  await page.getByTestId('train-learning-rate').fill('0.05');
  await page.getByTestId('train-start').click();

  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /running|completed|failed/);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /completed|failed/, { timeout: 240_000 });
  await expect(page.getByTestId('train-message')).toHaveCount(0);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-points', '1');
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-points', '1');
  await expect(page.getByTestId('histograms-view')).toBeVisible();
  await expect(page.getByTestId('filters-view')).toBeVisible();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  await expect(page.getByTestId('activations-view')).toBeVisible();

  // Draw a "1": a vertical stroke down the middle.
  const pad = await page.getByTestId('draw-canvas').boundingBox();
  if (!pad) throw new Error('draw canvas not visible');
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.8, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('prediction')).not.toHaveAttribute('data-predicted', '');
  await page.screenshot({ path: `${SHOTS}/training-dashboard.png` });
  await page.getByTestId('filters-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/training-filters.png` });
  await page.getByTestId('activations-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/training-activations.png` });
});
