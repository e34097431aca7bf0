import { expect, test, type Page } from '@playwright/test';
import { openTemplate } from './helpers';

const SHOTS = 'test-results/screenshots';

/** Draws one stroke through the given points, as fractions of the pad. */
async function stroke(page: Page, points: [number, number][]): Promise<void> {
  const pad = (await page.getByTestId('draw-canvas').boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [pad.x + fx * pad.width, pad.y + fy * pad.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
  await page.mouse.up();
}

test('a large 7 drawn across the whole pad is read as 7 by an MLP trained here on real MNIST, and stays across a new run', async ({ page }) => {
  test.setTimeout(300_000);
  await openTemplate(page, 'mlp-64');
  await page.getByTestId('view-training').click();
  await page.getByTestId('dataset-select').selectOption('mnist');
  await page.getByTestId('train-limit').fill('6000');
  await expect(page.getByTestId('validation-size')).toHaveText('1,200 of the 10,000-sample test split');
  await page.getByTestId('train-validation').fill('500');
  await expect(page.getByTestId('validation-size')).toHaveText('500 of the 10,000-sample test split');
  await page.getByTestId('train-epochs').fill('4');
  await page.getByTestId('train-batch-size').fill('32');
  await page.getByTestId('train-optimizer').selectOption('adam');
  await page.getByTestId('train-learning-rate').fill('0.002');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  // Ended: what it did, not "batch 188/188".
  await expect(page.getByTestId('train-progress')).not.toContainText('batch');
  await expect(page.getByTestId('train-done')).toHaveText('4 epochs trained');

  // A 7 as big as the pad: a bar along the top edge, then the long diagonal to the bottom.
  await stroke(page, [
    [0.08, 0.1],
    [0.92, 0.1],
    [0.45, 0.94],
  ]);
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-predicted', '7');
  // The model is shown the digit as MNIST made them: the preview is non-empty.
  const inked = await page.getByTestId('draw-preview').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(20);
  await page.screenshot({ path: `${SHOTS}/draw-seven.png` });

  // A new run keeps the drawing and its prediction (marked as the previous run's), then asks the new run.
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-predicted', /\d/);
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-stale', 'false');
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-predicted', /\d/);
});
