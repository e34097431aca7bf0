import { expect, test, type Locator, type Page } from '@playwright/test';
import { openTemplate, settled, zoomOf } from './helpers';

/**
 * Shapes, parameter counts and edge labels are drawn on one canvas over the graph (renderer/src/editor/textLayer.ts),
 * not laid out as DOM text. These tests read that canvas's pixels in Chromium: the text is where its node or edge
 * is, follows edits, pans and zoom, and a node on top of another hides the text beneath it as its box would.
 */

const SHOTS = 'test-results/screenshots';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The text canvas's pixels inside `box` (page CSS pixels): how many are drawn, and a digest of them. */
async function ink(page: Page, box: Box): Promise<{ drawn: number; digest: number }> {
  return page.locator('canvas.text-layer').evaluate((canvas: HTMLCanvasElement, b: Box) => {
    const r = canvas.getBoundingClientRect();
    const sx = canvas.width / r.width;
    const sy = canvas.height / r.height;
    const x = Math.max(0, Math.round((b.x - r.x) * sx));
    const y = Math.max(0, Math.round((b.y - r.y) * sy));
    const w = Math.min(canvas.width - x, Math.round(b.width * sx));
    const h = Math.min(canvas.height - y, Math.round(b.height * sy));
    if (w <= 0 || h <= 0) return { drawn: 0, digest: 0 };
    const data = canvas.getContext('2d')!.getImageData(x, y, w, h).data;
    let drawn = 0;
    let digest = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) drawn++;
      digest = (digest * 31 + data[i] + data[i + 3] * 7 + i) % 1_000_000_007;
    }
    return { drawn, digest };
  }, box);
}

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not visible');
  return b;
}

/** A box around the middle of the i-th edge's line on screen, where its label is drawn. */
async function labelBox(page: Page, i: number): Promise<Box> {
  return page.locator('.svelte-flow__edge-path').nth(i).evaluate((p: SVGPathElement) => {
    const mid = p.getPointAtLength(p.getTotalLength() / 2);
    const m = p.getScreenCTM()!;
    const x = mid.x * m.a + mid.y * m.c + m.e;
    const y = mid.x * m.b + mid.y * m.d + m.f;
    return { x: x - 25, y: y - 4, width: 50, height: 8 };
  });
}

test.beforeEach(async ({ page }) => {
  await openTemplate(page, 'cnn-dropout', 'Conv2D');
  // Boxes and pixels are read at different moments: the fit's animation must be over.
  await settled(page);
  // And the text is drawn where the first node's row is.
  const row = page.locator('[data-kind=InputLayer] .row');
  await expect.poll(async () => (await ink(page, await box(row))).drawn).toBeGreaterThan(40);
});

test('each node row and edge label is drawn where it is, and only there', async ({ page }) => {
  const input = page.locator('[data-kind=InputLayer]');
  await expect(input.getByTestId('node-shape')).toHaveText('(None, 28, 28, 1)');
  const row = await box(input.locator('.row'));
  expect((await ink(page, row)).drawn).toBeGreaterThan(40);
  // The node's title lines are DOM text, not the canvas's: nothing is drawn over them.
  const node = await box(input);
  expect((await ink(page, { x: node.x + 2, y: node.y + 2, width: node.width - 4, height: row.y - node.y - 3 })).drawn).toBe(0);
  // Every edge's label is drawn at its place, and its text is the edge's description.
  const labels = page.getByTestId('edge-shape');
  expect(await labels.count()).toBeGreaterThan(4);
  await expect(page.locator('.svelte-flow__edge').first().getByTestId('edge-shape')).toHaveText('(None, 28, 28, 1)');
  const edges = await page.locator('.svelte-flow__edge-path').count();
  for (let i = 0; i < edges; i++) expect((await ink(page, await labelBox(page, i))).drawn).toBeGreaterThan(20);
  // Between the label and the node below it there is only the edge's line: nothing drawn.
  const gap = await labelBox(page, 0);
  expect((await ink(page, { ...gap, x: gap.x - 150, width: 40 })).drawn).toBe(0);
  await page.screenshot({ path: `${SHOTS}/text-layer.png` });
});

test('an edit redraws the changed rows; a pan moves the text with the nodes; zoomed out past reading there is none', async ({ page }) => {
  const conv = page.locator('[data-kind=Conv2D]').first();
  const before = await ink(page, await box(conv.locator('.row')));
  await conv.locator('.name').click();
  await page.getByTestId('param-filters').fill('64');
  await expect(conv.getByTestId('node-params')).toHaveText('640');
  await expect.poll(async () => (await ink(page, await box(conv.locator('.row')))).digest).not.toBe(before.digest);
  expect((await ink(page, await box(conv.locator('.row')))).drawn).toBeGreaterThan(40);

  // Pan by dragging empty canvas: the row's text is drawn at the node's new place.
  const pane = await box(page.locator('.svelte-flow__pane'));
  const from = { x: pane.x + pane.width - 30, y: pane.y + pane.height / 2 };
  const old = await box(conv.locator('.row'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x - 120, from.y + 70, { steps: 8 });
  await page.mouse.up();
  const moved = await box(conv.locator('.row'));
  expect(Math.abs(moved.x - old.x - -120)).toBeLessThan(2);
  expect((await ink(page, moved)).drawn).toBeGreaterThan(40);

  for (let i = 0; i < 8 && (await zoomOf(page)) >= 0.4; i++) await page.locator('.svelte-flow__controls-zoomout').click();
  await expect.poll(() => zoomOf(page)).toBeLessThan(0.4);
  await expect.poll(async () => (await ink(page, pane)).drawn).toBe(0);
});

test('a node dragged over another hides the text beneath it', async ({ page }) => {
  const nodes = page.getByTestId('node');
  const lower = nodes.nth(1);
  const upper = nodes.nth(3);
  const row = await box(lower.locator('.row'));
  expect((await ink(page, row)).drawn).toBeGreaterThan(40);
  // Drag the upper node by its title so that its title lines (no canvas text) cover the lower node's row: its top
  // 10 px above the row (the title lines are ~30 px tall). A second drag corrects what the drag threshold ate.
  for (let i = 0; i < 3; i++) {
    const now = await box(upper);
    const dx = row.x - now.x;
    const dy = row.y - 10 - now.y;
    if (Math.abs(dx) < 2 && Math.abs(dy) < 2) break;
    const title = await box(upper.locator('.name'));
    const start = { x: title.x + 20, y: title.y + title.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + dx / 2, start.y + dy / 2, { steps: 5 });
    await page.mouse.move(start.x + dx, start.y + dy, { steps: 5 });
    await page.mouse.up();
  }
  const cover = await box(upper);
  const upperRow = await box(upper.locator('.row'));
  expect(cover.y).toBeLessThan(row.y);
  expect(upperRow.y).toBeGreaterThan(row.y + row.height);
  // The lower row's place is under the upper node's title lines: the canvas has nothing there now.
  await expect.poll(async () => (await ink(page, row)).drawn).toBe(0);
  // The upper node's own row is drawn.
  expect((await ink(page, upperRow)).drawn).toBeGreaterThan(40);
  await page.screenshot({ path: `${SHOTS}/text-layer-overlap.png` });
});

test('after another view and back, the text is drawn again', async ({ page }) => {
  await page.keyboard.press('3');
  await expect(page.getByTestId('train-start')).toBeVisible();
  await page.keyboard.press('1');
  const row = page.locator('[data-kind=InputLayer] .row');
  await expect(row).toBeVisible();
  await expect.poll(async () => (await ink(page, await box(row))).drawn).toBeGreaterThan(40);
});
