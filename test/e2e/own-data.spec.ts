import { expect, test } from '@playwright/test';
import { openTemplate } from './helpers';

const SHOTS = 'test-results/screenshots';

test("your own data: pick housing.csv, read its card, train boston-mlp, see the regression dashboard", async ({ page }) => {
  test.setTimeout(300_000);
  await openTemplate(page, 'boston-mlp');
  await expect(page.getByTestId('total-params')).toHaveText('5,121');
  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('engine-info')).toContainText('Backend');
  await page.getByTestId('dataset-select').selectOption('__own__');
  await expect(page.getByTestId('train-start')).toBeDisabled();

  // The browser lists the server's folder (the repo root here): data files are pickable, folders open.
  await page.getByTestId('own-browse').click();
  await expect(page.getByTestId('own-browser')).toContainText('package.json');

  // A CSV without a label column named label/target/class/y: the error lists the columns.
  await page.getByTestId('own-path').fill('../shared/datasets/boston-housing/housing.csv');
  await page.getByTestId('own-inspect').click();
  await expect(page.getByTestId('own-error')).toContainText('pass --label-column NAME. The columns are: CRIM, ZN');
  await page.getByTestId('own-label-column').fill('MEDV');
  await page.getByTestId('own-inspect').click();
  await expect(page.getByTestId('dataset-card')).toBeVisible();
  await expect(page.getByTestId('card-splits')).toHaveText('405 training / 101 validation');
  await expect(page.getByTestId('card-summary')).toContainText('csv, regression');
  await expect(page.getByTestId('card-target')).toHaveText('target from 5 to 50');
  await expect(page.getByTestId('card-histogram').locator('span')).toHaveCount(20);
  await expect(page.getByTestId('card-features')).toContainText('LSTAT numeric, standardised');
  await expect(page.getByTestId('card-table').locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('card-table').locator('tbody tr').first()).toContainText('0.00632');
  await page.screenshot({ path: `${SHOTS}/own-data-card.png` });

  // The card switched the loss to mse; train a few epochs.
  await expect(page.getByTestId('train-loss')).toHaveValue('mse');
  await page.getByTestId('train-optimizer').selectOption('rmsprop');
  await page.getByTestId('train-learning-rate').fill('0.01');
  await page.getByTestId('train-epochs').fill('5');
  await page.getByTestId('train-batch-size').fill('16');
  await page.getByTestId('train-limit').fill('');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /completed|failed/, { timeout: 240_000 });
  await expect(page.getByTestId('train-message')).toHaveCount(0);
  await expect(page.getByTestId('chart-mae')).toHaveAttribute('data-points', '5');
  await expect(page.getByTestId('confusion-matrix')).toHaveCount(0);
  const view = page.getByTestId('regression-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('regression-stats')).toContainText('101 validation samples');
  await expect(page.getByTestId('regression-scatter').locator('circle')).toHaveCount(101);
  await expect(page.getByTestId('identity-line')).toHaveCount(1);
  await expect(page.getByTestId('residual-histogram').locator('span')).toHaveCount(20);
  await expect(page.getByTestId('worst-rows').locator('tbody tr')).toHaveCount(10);
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/own-data-regression.png` });
});
