import { expect, test, type Locator, type Page } from '@playwright/test';
import { connect, drop, openTemplate, openTraining, set, settled, START } from './helpers';

const SHOTS = 'test-results/screenshots';

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Pairs of the given elements whose boxes overlap on screen. */
async function overlaps(items: Locator): Promise<string[]> {
  const boxes = await items.evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { name: el.getAttribute('data-name') ?? el.textContent?.trim() ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) if (intersects(a, b)) found.push(`${a.name} / ${b.name}`);
  return found;
}

/** Starts a connection at `from`'s bottom port and releases it at a point of the page. */
async function dragWire(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  const a = (await from.locator('.svelte-flow__handle.source').boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

test.describe('at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('the workshop MLP by drag and drop, with one refused connection that explains itself while it stands', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(START);
    // The empty window: a start panel, not red problems.
    await expect(page.getByTestId('start-panel')).toBeVisible();
    await expect(page.getByText(/problem/)).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/start-1280.png` });
    await page.getByTestId('start-walkthrough').click();
    await expect(page.getByTestId('walkthrough')).toBeVisible();
    // Beside the canvas, above the palette: it hides no layer being built.
    const walk = (await page.getByTestId('walkthrough').boundingBox())!;
    const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
    expect(walk.x + walk.width).toBeLessThanOrEqual(pane.x + 1);

    const input = await drop(page, 'InputLayer', 200, 60);
    await expect(input.getByTestId('node-setting')).toHaveText('28x28x1');
    const flatten = await drop(page, 'Flatten', 200, 200);
    await connect(page, input, flatten);
    await expect(page.getByTestId('walk-flatten')).toHaveAttribute('data-done', 'true');

    // Conv2D after Flatten is refused; the reason stays on the Conv2D card, right for a 28x28x1 Input.
    const conv = await drop(page, 'Conv2D', 520, 200);
    const box = (await conv.boundingBox())!;
    await dragWire(page, flatten, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    await expect(page.locator('.svelte-flow__edge')).toHaveCount(1);
    const reason = conv.getByTestId('node-error');
    await expect(reason).toContainText('Cannot connect flatten here: Conv2D expects a 4-D input');
    await expect(reason.locator('.msg')).toHaveAttribute('title', /got 2-D \(None, 784\)\. It needs images .* before any Flatten or Dense/);
    await expect(reason).not.toContainText('[null');
    // Still there after the notice has gone and after other edits.
    await page.waitForTimeout(6000);
    await expect(page.getByTestId('toast')).toHaveCount(0);
    await expect(reason).toContainText('Cannot connect flatten here');
    await page.screenshot({ path: `${SHOTS}/refused-1280.png` });

    // Dense layers, connected by dropping the wire on the card's body (not its 10-px port).
    const hidden = await drop(page, 'Dense', 200, 340);
    await set(page, 'units', '128');
    await set(page, 'activation', 'relu');
    const hb = (await hidden.boundingBox())!;
    await dragWire(page, flatten, { x: hb.x + hb.width / 2, y: hb.y + hb.height / 2 });
    await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
    await expect(hidden.getByTestId('node-setting')).toHaveText('128 units · relu');
    await expect(reason).toContainText('Cannot connect flatten here');
    const out = await drop(page, 'Dense', 200, 480);
    await set(page, 'units', '10');
    await set(page, 'activation', 'softmax');
    await connect(page, hidden, out);
    await expect(out.getByTestId('node-shape')).toHaveText('(None, 10)');
    // 784*128+128 + 128*10+10; the unconnected Conv2D has no input shape, so no weights yet.
    await expect(page.getByTestId('total-params')).toHaveText('101,770');
    // The Conv2D is an unconnected layer: the model cannot train until it goes, and the status says why.
    await expect(page.getByTestId('error-count')).toContainText('cannot train: 1 error');

    // Deleting the Conv2D ends the problem, and with it the message; now the status is honest "ready".
    await conv.click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId('node-error')).toHaveCount(0);
    await expect(page.getByTestId('error-count')).toHaveText('● ready to train');
    await expect(page.getByTestId('walk-output')).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId('walk-output')).toBeVisible();
    expect(await overlaps(page.getByTestId('node'))).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/mlp-1280.png` });
    expect(errors).toEqual([]);
  });

  test('the toolbar is one line, and the minimap covers no layer after zoom to fit', async ({ page }) => {
    await openTemplate(page, 'cnn-dropout');
    await settled(page);
    const bar = page.locator('header.bar');
    const barBox = (await bar.boundingBox())!;
    expect(barBox.height).toBeLessThanOrEqual(47);
    for (const b of await bar.locator('button').all()) {
      const r = (await b.boundingBox())!;
      // One line of text: 28 px buttons (30 px icon buttons), inside the bar.
      expect(r.height, await b.innerText()).toBeLessThanOrEqual(30);
      expect(r.y + r.height).toBeLessThanOrEqual(barBox.y + barBox.height);
      expect(r.x + r.width).toBeLessThanOrEqual(1280);
    }
    const minimap = (await page.locator('.svelte-flow__minimap').boundingBox())!;
    for (const n of await page.getByTestId('node').all()) {
      const r = await n.boundingBox();
      if (r) expect(intersects(r, minimap), await n.getAttribute('data-name') ?? '').toBe(false);
    }
    await page.screenshot({ path: `${SHOTS}/editor-1280.png` });
  });

  test('pasted layers land beside the others: nothing overlaps', async ({ page }) => {
    await openTemplate(page, 'mlp-64');
    await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.keyboard.press('Control+v');
    await expect(page.getByTestId('node')).toHaveCount(12);
    await page.getByTestId('fit-view').click();
    await settled(page);
    // No layer on another, nor under the minimap or the zoom controls.
    expect(await overlaps(page.locator('[data-testid=node], .svelte-flow__minimap, .svelte-flow__controls'))).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/paste-1280.png` });
  });

  test('the learning-rate chart: a constant rate on an axis from 0, compared runs in a legend that fits', async ({ page }) => {
    test.setTimeout(240_000);
    await openTraining(page, 'mlp-64', 256, 3);
    const run = async () => {
      const before = await page.getByTestId('run-row').count();
      await page.getByTestId('train-start').click();
      await expect(page.getByTestId('run-row')).toHaveCount(before + 1);
      await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
    };
    await run();
    const chart = page.getByTestId('chart-lr');
    await expect(chart).toHaveAttribute('data-points', '3');
    // 0.001 throughout: drawn from 0, so it reads as the flat line it is (not noise on a 0.00094-0.00106 axis).
    await expect(chart).toHaveAttribute('data-y-min', '0');
    expect(Number(await chart.getAttribute('data-y-max'))).toBeGreaterThanOrEqual(0.001);

    // A second run with a schedule, both compared: the long "what changed" labels wrap inside the card.
    await page.getByTestId('train-learning-rate').fill('0.01');
    await page.getByText(/Schedule & early stopping/).click();
    await page.getByTestId('train-schedule').selectOption('exponential');
    await run();
    for (const box of await page.getByTestId('run-compare').all()) await box.check();
    const legend = page.getByTestId('lr-legend');
    await legend.scrollIntoViewIfNeeded();
    await expect(legend.locator('.entry')).toHaveCount(2);
    const card = (await page.getByTestId('lr-card').boundingBox())!;
    for (const entry of await legend.locator('.entry').all()) {
      const r = (await entry.boundingBox())!;
      expect(r.x).toBeGreaterThanOrEqual(card.x);
      expect(r.x + r.width).toBeLessThanOrEqual(card.x + card.width);
      // Cut with an ellipsis at most, and then the whole label on hover.
      expect(await entry.getAttribute('title')).toMatch(/^#\d+ /);
    }
    await expect(legend.locator('.entry').filter({ hasText: '(baseline)' })).toHaveCount(1);
    await expect(legend.locator('.entry').filter({ hasText: 'lr_schedule.kind' })).toHaveCount(1);
    await page.getByTestId('lr-card').screenshot({ path: `${SHOTS}/lr-compared-1280.png` });
  });

  test('the Sweeps tab shows the open project\'s sweeps only; an Untitled one keeps its own', async ({ page }) => {
    test.setTimeout(240_000);
    await openTraining(page, 'mlp-64', 200, 1);
    await page.getByTestId('view-sweeps').click();
    await page.getByRole('button', { name: '+ training setting' }).click();
    await page.getByLabel('values', { exact: true }).fill('0.05');
    await page.getByTestId('sweep-start').click();
    await expect(page.getByTestId('sweep-status')).toHaveText(/completed · 1\/1 trials/, { timeout: 120_000 });
    await page.getByTestId('sweep-refresh').click();
    await expect(page.getByTestId('sweep-select').locator('option')).toHaveCount(2);
    await page.screenshot({ path: `${SHOTS}/sweeps-untitled-1280.png` });

    // A new window (a new Untitled project) over the same backend and cache: none of those sweeps are its own.
    await page.reload();
    await page.getByTestId('view-sweeps').click();
    await expect(page.getByTestId('sweeps-panel')).toBeVisible();
    await page.getByTestId('sweep-refresh').click();
    await expect(page.getByTestId('sweep-select')).toHaveCount(0);
    await expect(page.getByTestId('sweep-status')).toHaveCount(0);
  });

  test('Open and Save as dialogs take the focus: Escape closes them at once', async ({ page }) => {
    await page.goto(START);
    for (const id of ['project-open', 'project-save-as', 'project-new']) {
      await page.getByTestId(id).click();
      await expect(page.getByTestId('project-dialog')).toBeVisible();
      await expect(page.locator('[data-testid=project-dialog] :focus')).toHaveCount(1);
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('project-dialog')).toHaveCount(0);
    }
  });
});

test.describe('at 1600x1000', () => {
  test.use({ viewport: { width: 1600, height: 1000 } });
  test('editor and training views, for a look', async ({ page }) => {
    await page.goto(START);
    await page.screenshot({ path: `${SHOTS}/start-1600.png` });
    await openTemplate(page, 'cnn-first');
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/editor-1600.png` });
    await page.getByTestId('view-training').click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${SHOTS}/training-1600.png` });
    // Augmentation previews large enough to judge.
    await page.getByText(/Augmentation \(off\)/).click();
    await page.getByTestId('train-aug-rotation').fill('25');
    await expect(page.getByTestId('augment-preview').locator('img')).toHaveCount(16);
    const thumb = (await page.getByTestId('augment-preview').locator('img').first().boundingBox())!;
    expect(thumb.width).toBeGreaterThanOrEqual(50);
    await page.screenshot({ path: `${SHOTS}/augmentation-1600.png` });
    await page.getByTestId('view-sweeps').click();
    await expect(page.getByTestId('sweeps-panel')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/sweeps-1600.png` });
  });
});

test('browser-mode Save as browses the server\'s folders and saves into the one picked', async ({ page }) => {
  await openTemplate(page, 'mlp-64');
  await page.getByTestId('project-save-as').click();
  const browser = page.getByTestId('folder-browser');
  // The e2e server runs in the checkout: its folders are listed, hidden ones not.
  await expect(browser.getByTestId('folder-entry').filter({ hasText: 'test-results' })).toBeVisible();
  await expect(browser.getByTestId('folder-entry').filter({ hasText: '.git' })).toHaveCount(0);
  await page.getByTestId('project-path').fill('browsed.layerlab');
  await browser.getByTestId('folder-entry').filter({ hasText: 'test-results' }).click();
  await expect(page.getByTestId('folder-path')).toHaveText(/test-results$/);
  await expect(page.getByTestId('project-path')).toHaveValue(/test-results\/browsed\.layerlab$/);
  await page.getByTestId('project-dialog-submit').click();
  await expect(page.getByTestId('toast')).toContainText('browsed.layerlab');
  // Open lists the project just saved in that folder.
  await page.getByTestId('project-open').click();
  await browser.getByTestId('folder-entry').filter({ hasText: 'test-results' }).click();
  await expect(browser.locator('[data-kind=project]').filter({ hasText: 'browsed.layerlab' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/open-browser.png` });
});
