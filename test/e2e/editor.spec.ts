import { expect, test, type Locator, type Page } from '@playwright/test';
import { openTemplate, settled, START, zoomOf } from './helpers';

const SHOTS = 'test-results/screenshots';

/** Drops a palette item onto the canvas at (x, y) in canvas pixels and returns the new node. */
async function drop(page: Page, kind: string, x: number, y: number): Promise<Locator> {
  const before = await page.getByTestId('node').count();
  await page.dragAndDrop(`[data-testid=palette-${kind}]`, '.svelte-flow__pane', { targetPosition: { x, y } });
  await expect(page.getByTestId('node')).toHaveCount(before + 1);
  return page.getByTestId('node').nth(before);
}

async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const edges = await page.locator('.svelte-flow__edge').count();
  const a = await from.locator('.svelte-flow__handle.source').boundingBox();
  const b = await to.locator('.svelte-flow__handle.target').boundingBox();
  if (!a || !b) throw new Error('a handle is not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(edges + 1);
}

async function set(page: Page, field: string, value: string): Promise<void> {
  const input = page.getByTestId(`param-${field}`);
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
  else await input.fill(value);
}

test('build the Keras mnist_cnn with dropout from an empty canvas, break it, undo and redo', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(START);
  await expect(page.getByTestId('total-params')).toHaveText('0');

  // Three columns of three, zoomed out a step so that two more layers fit on the right.
  await page.locator('.svelte-flow__controls-zoomout').click();
  const spots = [0, 1, 2].flatMap((col) => [0, 1, 2].map((row) => ({ x: 120 + col * 210, y: 70 + row * 220 })));
  const plan: [string, Record<string, string>][] = [
    ['InputLayer', { batch_input_shape: '28, 28, 1' }],
    ['Conv2D', { filters: '32', kernel_size: '3', activation: 'relu' }],
    ['Conv2D', { filters: '64', kernel_size: '3, 3', activation: 'relu' }],
    ['MaxPooling2D', { pool_size: '2' }],
    ['Dropout', { rate: '0.25' }],
    ['Flatten', {}],
    ['Dense', { units: '128', activation: 'relu' }],
    ['Dropout', { rate: '0.5' }],
    ['Dense', { units: '10', activation: 'softmax' }],
  ];
  const nodes: Locator[] = [];
  for (const [i, [kind, params]] of plan.entries()) {
    const node = await drop(page, kind, spots[i].x, spots[i].y);
    await expect(node).toHaveAttribute('data-kind', kind);
    // A dropped layer is selected, so the inspector edits it.
    for (const [field, value] of Object.entries(params)) await set(page, field, value);
    if (i > 0) await connect(page, nodes[i - 1], node);
    nodes.push(node);
  }

  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
  const shapes = [
    '(None, 28, 28, 1)',
    '(None, 26, 26, 32)',
    '(None, 24, 24, 64)',
    '(None, 12, 12, 64)',
    '(None, 12, 12, 64)',
    '(None, 9216)',
    '(None, 128)',
    '(None, 128)',
    '(None, 10)',
  ];
  for (const [i, shape] of shapes.entries()) await expect(nodes[i].getByTestId('node-shape')).toHaveText(shape);
  await expect(nodes[1].getByTestId('node-params')).toHaveText('320');
  await expect(nodes[6].getByTestId('node-params')).toHaveText('1,179,776');
  await expect(page.getByTestId('node-error')).toHaveCount(0);

  // A residual branch: conv2d_1 -> Conv2D(64, 3x3) is (None, 24, 24, 64), like conv2d_2, so Add accepts both.
  const branch = await drop(page, 'Conv2D', 760, 70);
  await set(page, 'filters', '64');
  await connect(page, nodes[1], branch);
  const add = await drop(page, 'Add', 760, 360);
  await connect(page, nodes[2], add);
  await connect(page, branch, add);
  await expect(add.getByTestId('node-shape')).toHaveText('(None, 24, 24, 64)');
  await expect(page.getByTestId('node-error')).toHaveCount(0);

  // An edge of another shape is refused as you drag, and the reason is shown.
  const a = await nodes[0].locator('.svelte-flow__handle.source').boundingBox();
  const b = await add.locator('.svelte-flow__handle.target').boundingBox();
  await page.mouse.move(a!.x + a!.width / 2, a!.y + a!.height / 2);
  await page.mouse.down();
  await page.mouse.move(b!.x + b!.width / 2, b!.y + b!.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.getByTestId('toast')).toContainText('same shape');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(11);

  // Break it from the inspector: a 5x5 kernel makes the branch (None, 22, 22, 64), and Add reports it.
  await branch.click();
  await set(page, 'kernel_size', '5');
  await expect(add.getByTestId('node-error')).toBeVisible();
  await expect(add.getByTestId('node-error')).toContainText('same shape');
  await expect(page.getByTestId('error-count')).toContainText('1 error');
  await page.screenshot({ path: `${SHOTS}/editor-error.png` });

  // Undo/redo with the keyboard (focus off the inspector field) and the toolbar buttons.
  await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-error')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(add.getByTestId('node-error')).toContainText('same shape');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('node-error')).toHaveCount(0);
  await page.getByTestId('redo').click();
  await expect(add.getByTestId('node-error')).toBeVisible();
  // kernel, 2 edges into Add, Add, edge into the branch, its filters, the branch itself.
  for (let i = 0; i < 7; i++) await page.getByTestId('undo').click();
  await expect(page.locator('[data-kind=Add]')).toHaveCount(0);
  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
  // Laid out top-down before the picture, as a user would tidy the hand-placed grid (and the old notice closed).
  if (await page.getByTestId('toast').isVisible()) await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('auto-layout').click();
  await page.waitForTimeout(600);
  const top = await nodes[0].boundingBox();
  const bottom = await nodes[8].boundingBox();
  expect(bottom!.y).toBeGreaterThan(top!.y);
  await page.screenshot({ path: `${SHOTS}/editor.png` });

  await page.getByTestId('view-summary').click();
  await expect(page.getByTestId('summary-total')).toHaveText('1,199,882');
  await page.screenshot({ path: `${SHOTS}/summary.png` });
  await page.getByTestId('view-training').click();
  await page.screenshot({ path: `${SHOTS}/training.png` });
  await page.getByTestId('view-editor').click();
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-sheet')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/help.png` });
  expect(errors).toEqual([]);
});

test('a refused connection says why', async ({ page }) => {
  await page.goto(START);
  const input = await drop(page, 'InputLayer', 100, 80);
  const second = await drop(page, 'InputLayer', 100, 300);
  const a = await input.locator('.svelte-flow__handle.source').boundingBox();
  const b = await second.boundingBox();
  if (!a || !b) throw new Error('not visible');
  await page.mouse.move(a.x + 5, a.y + 5);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + 4, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(0);
});

test('templates open with their parameter counts', async ({ page }) => {
  await page.goto(START);
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect(page.getByTestId('total-params')).toHaveText('1,199,882');
  await expect(page.getByTestId('node')).toHaveCount(9);
});

/** The zoom once the fit's 200 ms animation is over. */
async function settledZoom(page: Page): Promise<number> {
  await settled(page);
  return zoomOf(page);
}

test('zoom to fit keeps a tall graph readable and shows a small one whole', async ({ page }) => {
  await openTemplate(page, 'resnet-cifar');
  // Fitting all 38 layers would take a zoom of about 0.2; the fit stops at 0.5 (FIT_MIN_ZOOM), input at the top.
  expect(await settledZoom(page)).toBeGreaterThanOrEqual(0.5 - 1e-6);
  const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
  const input = (await page.locator('[data-kind=InputLayer]').boundingBox())!;
  expect(input.y).toBeGreaterThanOrEqual(pane.y);
  expect(input.y).toBeLessThan(pane.y + 80);
  expect(input.x).toBeGreaterThan(pane.x);
  expect(input.x + input.width).toBeLessThan(pane.x + pane.width);
  // Shapes are shown and readable there (the canvas hides them only when zoomed out past reading).
  await expect(page.locator('[data-kind=InputLayer]').getByTestId('node-shape')).toHaveText('(None, 32, 32, 3)');
  await expect(page.getByTestId('edge-shape').first()).toHaveText(/^\(None(, \d+)+\)$/);
  await page.screenshot({ path: `${SHOTS}/resnet-fit.png` });

  // The Fit button and the F key do the same, after the user has zoomed out.
  for (let i = 0; i < 4; i++) await page.locator('.svelte-flow__controls-zoomout').click();
  expect(await settledZoom(page)).toBeLessThan(0.45);
  await page.getByTestId('fit-view').click();
  expect(await settledZoom(page)).toBeGreaterThanOrEqual(0.5 - 1e-6);
  await page.locator('.svelte-flow__controls-zoomout').click();
  await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('f');
  expect(await settledZoom(page)).toBeGreaterThanOrEqual(0.5 - 1e-6);

  // A small template still fits whole: every node inside the pane.
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-cnn-dropout').click();
  await expect(page.getByTestId('node')).toHaveCount(9);
  const zoom = await settledZoom(page);
  expect(zoom).toBeGreaterThanOrEqual(0.5);
  expect(zoom).toBeLessThanOrEqual(1.1 + 1e-6);
  for (const box of await Promise.all((await page.getByTestId('node').all()).map((n) => n.boundingBox()))) {
    expect(box!.y).toBeGreaterThanOrEqual(pane.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(pane.y + pane.height);
  }
  await page.screenshot({ path: `${SHOTS}/cnn-fit.png` });
});

test('the residual network template lays out top-down with its merges', async ({ page }) => {
  await page.goto(START);
  await page.getByTestId('templates-menu').click();
  await page.screenshot({ path: `${SHOTS}/templates-menu.png` });
  // Each item holds its name and its description, one below the other: no item overlaps the next.
  const items = await page.locator('[data-testid^=template-]').all();
  for (let i = 0; i + 1 < items.length; i++) {
    const [a, b] = [(await items[i].boundingBox())!, (await items[i + 1].boundingBox())!];
    const desc = (await items[i].locator('.t-desc').boundingBox())!;
    expect(desc.y + desc.height).toBeLessThanOrEqual(a.y + a.height + 0.5);
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.height - 0.5);
  }
  await page.getByTestId('template-resnet-cifar').click();
  await expect(page.locator('[data-kind=Add]').first()).toBeVisible();
  await expect(page.getByTestId('node-error')).toHaveCount(0);
  await page.keyboard.press('l');
  await page.waitForTimeout(800);
  // The layout fits at a readable zoom, so the head is below the view; the controls' fit button shows the whole graph.
  const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
  const below = (await page.locator('[data-kind=Dense]').last().boundingBox())!;
  expect(below.y).toBeGreaterThan(pane.y + pane.height);
  await page.locator('.svelte-flow__controls-fitview').click();
  await expect(async () => {
    const fitted = (await page.locator('[data-kind=Dense]').last().boundingBox())!;
    expect(fitted.y + fitted.height).toBeLessThanOrEqual(pane.y + pane.height);
  }).toPass();
  const input = await page.locator('[data-kind=InputLayer]').boundingBox();
  const head = await page.locator('[data-kind=Dense]').last().boundingBox();
  expect(head!.y).toBeGreaterThan(input!.y);
  await page.screenshot({ path: `${SHOTS}/resnet-layout.png` });
});

test('multi-select, shortcuts in the tooltips, and a minimap of every layer', async ({ page }) => {
  await openTemplate(page, 'cnn-dropout');
  await settled(page);
  // Shift-click adds to the selection; the inspector says how many are selected, and Delete removes them all.
  await page.locator('[data-kind=Dropout] .name').first().click();
  await page.locator('[data-kind=Flatten] .name').click({ modifiers: ['Shift'] });
  await expect(page.getByText('2 layers selected')).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node')).toHaveCount(7);
  // Toolbar buttons name their shortcut.
  await expect(page.getByTestId('project-save')).toHaveAttribute('title', /Ctrl\+S/);
  // The minimap draws one mark per layer.
  await expect(page.locator('.svelte-flow__minimap .svelte-flow__minimap-node')).toHaveCount(7);
});
