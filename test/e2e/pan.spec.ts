import { expect, test, type Page } from '@playwright/test';
import { openTemplate, settled } from './helpers';

/**
 * Panning must only move the graph's layer, not repaint it: with Svelte Flow 1.7.0 as published every frame of a pan
 * re-bound the pane's wheel handler and made Chromium repaint the whole graph (patches/README.md). This counts the
 * graph's repaints in a Chromium trace of a real mouse pan.
 */

interface TraceEvent {
  name: string;
  ph: string;
  args?: { data?: { nodeName?: string } };
}

/** A point on empty canvas, where a drag pans instead of moving a node. */
async function emptySpot(page: Page): Promise<{ x: number; y: number }> {
  const spot = await page.evaluate(() => {
    const pane = document.querySelector('.svelte-flow__pane')!.getBoundingClientRect();
    for (let x = pane.right - 40; x > pane.x + 40; x -= 7) {
      for (let y = pane.y + pane.height / 2; y < pane.bottom - 40; y += 7) {
        if (document.elementFromPoint(x, y)?.classList.contains('svelte-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!spot) throw new Error('no empty spot on the canvas');
  return spot;
}

test('a pan moves the graph without repainting it', async ({ page }) => {
  await openTemplate(page, 'resnet-cifar');
  await settled(page);
  const nodes = await page.getByTestId('node').count();
  expect(nodes).toBeGreaterThan(30);

  const { x, y } = await emptySpot(page);
  const viewport = page.locator('.svelte-flow__viewport');
  const before = await viewport.evaluate((el) => getComputedStyle(el).transform);

  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.mouse.move(x, y);
  await page.mouse.down();
  const moves = 40;
  for (let i = 1; i <= moves; i++) await page.mouse.move(x - i * 6, y - i * 8);
  await page.mouse.up();
  const done = new Promise<void>((ok) => cdp.once('Tracing.tracingComplete', () => ok()));
  await cdp.send('Tracing.end');
  await done;

  // It did pan, frame by frame.
  expect(await viewport.evaluate((el) => getComputedStyle(el).transform)).not.toBe(before);
  const frames = events.filter((e) => e.name === 'Commit' && e.ph === 'X').length;
  expect(frames).toBeGreaterThan(moves / 4);
  // The graph's layer is painted when the drag starts and ends (the nodes stop and resume taking the pointer), not
  // on the frames between.
  const repaints = events.filter((e) => e.name === 'Paint' && e.args?.data?.nodeName?.includes('xyflow__viewport')).length;
  expect(repaints).toBeLessThanOrEqual(4);
});
