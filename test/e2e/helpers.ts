import { expect, type Locator, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';

/** The page to open: browser mode (`layerlab serve`) needs the token the Playwright config starts it with. */
export const START = existsSync('main/commands/serve.ts') ? '/?token=e2e-token-0123456789' : '/';

/** Opens the window and the template `id` from the Templates menu; resolves once its first `kind` node shows. */
export async function openTemplate(page: Page, id: string, kind = 'InputLayer'): Promise<void> {
  await page.goto(START);
  await page.getByTestId('templates-menu').click();
  await page.getByTestId(`template-${id}`).click();
  await expect(page.locator(`[data-kind=${kind}]`).first()).toBeVisible();
}

/** Waits until the canvas stops moving (the fit's animation is over): its transform is the same 150 ms apart. */
export async function settled(page: Page): Promise<void> {
  const transform = () => page.locator('.svelte-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  let last = await transform();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(150);
    const now = await transform();
    if (now === last) return;
    last = now;
  }
  throw new Error(`the canvas kept moving: ${last}`);
}

/** The canvas viewport's zoom, from the transform Svelte Flow puts on it. */
export async function zoomOf(page: Page): Promise<number> {
  const t = await page.locator('.svelte-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  const m = /matrix\(([^,]+),/.exec(t);
  if (!m) throw new Error(`unexpected viewport transform ${t}`);
  return Number(m[1]);
}

/** Drops a palette item onto the canvas at (x, y) in canvas pixels and returns the new node. */
export async function drop(page: Page, kind: string, x: number, y: number): Promise<Locator> {
  const before = await page.getByTestId('node').count();
  if (await page.getByTestId('start-panel').isVisible()) {
    // On an empty canvas the start panel covers the drop point and must step aside for a dragged layer, as it does
    // for a user: real mouse moves (HTML5 drag and drop in Chromium), since dragAndDrop waits for an uncovered point.
    const source = await page.getByTestId(`palette-${kind}`).boundingBox();
    const pane = await page.locator('.svelte-flow__pane').boundingBox();
    if (!source || !pane) throw new Error(`palette-${kind} or the canvas is not visible`);
    await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(pane.x + x, pane.y + y, { steps: 8 });
    await page.mouse.up();
  } else {
    await page.dragAndDrop(`[data-testid=palette-${kind}]`, '.svelte-flow__pane', { targetPosition: { x, y } });
  }
  await expect(page.getByTestId('node')).toHaveCount(before + 1);
  return page.getByTestId('node').nth(before);
}

export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
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

export async function set(page: Page, field: string, value: string): Promise<void> {
  const input = page.getByTestId(`param-${field}`);
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
  else await input.fill(value);
}

/** Opens template `id` and the Training tab with MNIST, a training subset of `limit` images and `epochs` epochs. */
export async function openTraining(page: Page, id: string, limit: number, epochs: number): Promise<void> {
  await openTemplate(page, id);
  await page.getByTestId('view-training').click();
  await page.getByTestId('dataset-select').selectOption('mnist');
  await page.getByTestId('train-limit').fill(String(limit));
  await page.getByTestId('train-epochs').fill(String(epochs));
}
