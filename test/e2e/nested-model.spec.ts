import { expect, test } from '@playwright/test';
import { settled, START } from './helpers';

const SHOTS = 'test-results/screenshots';

test.use({ viewport: { width: 1280, height: 720 } });

// Issue 17: a transfer-learning model (a functional backbone inside a Sequential, as tfjs writes it) opens with
// the backbone as one collapsed block that counts its weights, expands to its layers, and freezes with one switch.
test('an imported backbone is one block: collapsed, expandable, counted, and frozen by its trainable switch', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(START);
  await page.getByTestId('project-open').click();
  await page.getByTestId('dialog-tab-import').click();
  await page.getByTestId('project-path').fill('test/fixtures/nested/tfjs-sequential-backbone.json');
  await page.getByTestId('project-dialog-submit').click();
  const block = page.getByTestId('group-node');
  await expect(block).toHaveAttribute('data-expanded', 'false');
  await expect(block).toContainText('backbone');
  await expect(block.getByTestId('group-params')).toHaveText('5 layers · 664 params');
  // Input, the block and the two Dense layers of the head: the backbone's layers are inside the block.
  await expect(page.getByTestId('node')).toHaveCount(3);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(3);
  await expect(page.getByTestId('total-params')).toHaveText('978');
  await page.getByTestId('fit-view').click();
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/nested-collapsed.png` });

  // Frozen: its 664 weights become non-trainable, as Keras counts them.
  await block.getByTestId('group-trainable').uncheck();
  await expect(page.getByTestId('trainable-params')).toHaveText('314');
  await expect(page.getByTestId('non-trainable-params')).toHaveText('664');
  await expect(block.getByTestId('group-params')).toHaveText('5 layers · 664 params (frozen)');

  await block.getByTestId('group-expand').click();
  await expect(block).toHaveAttribute('data-expanded', 'true');
  await expect(page.getByTestId('node')).toHaveCount(8);
  await expect(page.locator('[data-testid=node][data-name=conv2]')).toBeVisible();
  await page.getByTestId('fit-view').click();
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/nested-expanded.png` });
  await block.getByTestId('group-expand').click();
  await expect(page.getByTestId('node')).toHaveCount(3);
  // Undo brings the switch back on.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('trainable-params')).toHaveText('978');
  expect(errors).toEqual([]);
});
