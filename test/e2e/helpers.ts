import { expect, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';

/** The page to open: browser mode (`layerlab serve`) needs the token the Playwright config starts it with. */
export const START = existsSync('main/commands/serve.ts') ? '/?token=e2e-token' : '/';

/** Opens the window and the template `id` from the Templates menu; resolves once its first `kind` node shows. */
export async function openTemplate(page: Page, id: string, kind = 'InputLayer'): Promise<void> {
  await page.goto(START);
  await page.getByTestId('templates-menu').click();
  await page.getByTestId(`template-${id}`).click();
  await expect(page.locator(`[data-kind=${kind}]`).first()).toBeVisible();
}
