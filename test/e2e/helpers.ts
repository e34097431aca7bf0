import { expect, type Page } from '@playwright/test';
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
