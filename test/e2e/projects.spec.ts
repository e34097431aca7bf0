import { expect, test } from '@playwright/test';
import { existsSync, rmSync } from 'node:fs';

const SHOTS = 'test-results/screenshots';
/** Relative paths resolve against the backend's working folder, the repository root here. */
const FILE = 'test-results/e2e-project.layerlab';

test('save a project through the window, reload, open it again: same graph, params and training settings', async ({ page }) => {
  rmSync(FILE, { force: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?token=e2e-token-0123456789');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');

  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');

  // Edit a layer and a training setting: the document becomes dirty.
  await page.locator('[data-kind=Dense]').first().click();
  await page.getByTestId('param-units').fill('64');
  await expect(page.getByTestId('total-params')).toHaveText('609,354');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'true');
  await page.getByTestId('project-name').fill('E2E saved model');
  await page.getByTestId('view-training').click();
  await page.getByTestId('train-learning-rate').fill('0.05');
  await page.getByTestId('train-batch-size').fill('32');
  await page.getByTestId('view-editor').click();

  // A new document has no file yet, so Save asks where (the window's own dialog in a browser).
  await page.getByTestId('project-save').click();
  await expect(page.getByTestId('project-dialog')).toHaveAttribute('data-mode', 'saveAs');
  await page.getByTestId('project-path').fill(FILE);
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText('Saved');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');
  expect(existsSync(FILE)).toBe(true);
  const positions = await page.getByTestId('node').evaluateAll((els) => els.map((el) => el.closest('.svelte-flow__node')?.getAttribute('style') ?? ''));

  // Undo back past the save makes it dirty; redo to the saved graph makes it clean again.
  await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'true');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');

  await page.reload();
  await expect(page.getByTestId('node')).toHaveCount(0);
  await page.getByTestId('project-open').click();
  await expect(page.getByTestId('project-dialog')).toHaveAttribute('data-mode', 'open');
  await expect(page.getByTestId('recent-project').first()).toContainText('E2E saved model');
  await page.screenshot({ path: `${SHOTS}/project-open.png` });
  await page.getByTestId('recent-project').first().click();

  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(page.getByTestId('total-params')).toHaveText('609,354');
  await expect(page.getByTestId('project-name')).toHaveValue('E2E saved model');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');
  const reopened = await page.getByTestId('node').evaluateAll((els) => els.map((el) => el.closest('.svelte-flow__node')?.getAttribute('style') ?? ''));
  const xy = (styles: string[]) => styles.map((s) => /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(s)?.slice(1).join(',')).sort();
  expect(xy(reopened)).toEqual(xy(positions));
  await page.locator('[data-kind=Dense]').first().click();
  await expect(page.getByTestId('param-units')).toHaveValue('64');
  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('train-learning-rate')).toHaveValue('0.05');
  await expect(page.getByTestId('train-batch-size')).toHaveValue('32');

  // Replacing a dirty document asks first; dismissing keeps it.
  await page.getByTestId('view-editor').click();
  await page.locator('[data-kind=Dense]').first().click();
  await page.getByTestId('param-units').fill('100');
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'true');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect.poll(() => asked).toContain('unsaved changes');
  await expect(page.getByTestId('project-name')).toHaveValue('E2E saved model');
  await page.screenshot({ path: `${SHOTS}/editor-dirty.png` });
  expect(errors).toEqual([]);
});

test('import a Keras model.json through the Open dialog', async ({ page }) => {
  await page.goto('/?token=e2e-token-0123456789');
  await page.getByTestId('project-open').click();
  await page.getByTestId('dialog-tab-import').click();
  await page.getByTestId('project-path').fill('test/support/keras-json/cnn-dropout.keras3.json');
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
  await expect(page.getByTestId('node-error')).toHaveCount(0);
  await expect(page.getByTestId('toast')).toContainText('Imported');
});

test('the Sweeps tab opens a sweep state file in the HParams view', async ({ page }) => {
  await page.goto('/?token=e2e-token-0123456789');
  await page.getByTestId('view-sweeps').click();
  await page.locator('[data-testid=sweeps-view] input[type=file]').setInputFiles('test/components/hparams/sweep-state.json');
  await expect(page.getByTestId('trial-row')).toHaveCount(12);
  await page.screenshot({ path: `${SHOTS}/sweeps.png` });
  await page.getByTestId('apply-12').click();
  await expect(page.getByTestId('view-editor')).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('[data-kind=Dropout]')).toHaveCount(0);
});
