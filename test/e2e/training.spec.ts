import { expect, test } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

test('train the workshop CNN one epoch on a real MNIST subset and watch the dashboard', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?token=e2e-token-0123456789');
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');

  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('engine-info')).toContainText('Backend');
  await page.getByTestId('dataset-select').selectOption('mnist');
  // Augmentation preview: the same samples as training will see them, redrawn on "Reshuffle"; then back off.
  await page.getByText(/Augmentation \(off\)/).click();
  await page.getByTestId('train-aug-rotation').fill('25');
  await expect(page.getByTestId('augment-preview').locator('img')).toHaveCount(16);
  const before = await page.getByTestId('augment-preview').locator('img').first().getAttribute('src');
  await page.getByTestId('train-aug-reshuffle').click();
  await expect.poll(() => page.getByTestId('augment-preview').locator('img').first().getAttribute('src')).not.toBe(before);
  await page.screenshot({ path: `${SHOTS}/training-augmentation.png` });
  await page.getByTestId('train-aug-rotation').fill('0');
  await expect(page.getByTestId('augment-preview')).toHaveCount(0);
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

  // The most confidently wrong validation images, loaded through datasets.preview.
  await expect(page.getByTestId('wrong-example').first()).toBeVisible();
  await expect(page.getByTestId('wrong-example').first().locator('img')).toBeVisible();
  await expect(page.getByTestId('data-preview').locator('img').first()).toBeVisible();

  // Run history: the finished run with its best validation accuracy.
  const first = page.locator('[data-testid=run-row][data-status=completed]');
  await expect(first).toHaveCount(1);
  await expect(first.getByTestId('run-best')).toHaveText(/^\d+\.\d%$/);

  // A second, quicker run with another learning rate, then both overlaid and labelled with what changed.
  await page.getByTestId('train-learning-rate').fill('0.1');
  await page.getByTestId('train-limit').fill('256');
  await page.getByTestId('train-start').click();
  await expect(page.locator('[data-testid=run-row][data-status=completed]')).toHaveCount(2, { timeout: 240_000 });
  const rows = page.getByTestId('run-row');
  // Newest first by default; pick the older run first so that it is the baseline.
  await rows.nth(1).getByTestId('run-compare').check();
  await rows.nth(0).getByTestId('run-compare').check();
  await expect(page.getByTestId('compare-label')).toHaveCount(2);
  await expect(page.getByTestId('compare-label').nth(1)).toContainText('lr 0.05→0.1');
  await expect(page.getByTestId('compare-label').nth(1)).toContainText('subset 512→256');
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-lines', '4');
  await page.getByTestId('runs-sort-best').click();
  await page.getByTestId('chart-loss').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/training-compare.png` });
  await page.getByTestId('wrong-gallery').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/run-history.png` });

  // A past run's graph opens in the editor.
  await rows.nth(0).getByTestId('run-open-graph').click();
  await expect(page.getByTestId('view-editor')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
});
