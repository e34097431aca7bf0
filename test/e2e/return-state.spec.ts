import { expect, test } from '@playwright/test';
import { rmSync } from 'node:fs';
import { drop, openTemplate, set, settled, START } from './helpers';
import { openProjectFile } from './own-server';

const SHOTS = 'test-results/screenshots';

// return_state in the editor: the LSTM grows one port per output (out, h, c); an edge from its h port carries the
// state's shape, the summary names the tensor (lstm[0][1]), and turning return_state off again flags that edge.
test('an LSTM with return_state feeds its final state h to the classifier', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openTemplate(page, 'imdb-lstm');
  const lstm = page.locator('[data-kind=LSTM]');
  const dense = page.locator('[data-kind=Dense]');
  await settled(page);
  await lstm.locator('.name').click();
  await page.getByTestId('param-return_state').check();
  await expect(lstm.getByTestId('node-output')).toHaveText(['out', 'h', 'c']);
  await expect(lstm.locator('.svelte-flow__handle.source')).toHaveCount(3);

  // A new classifier under the LSTM, fed by its h port (the old one goes).
  await dense.locator('.name').click();
  await page.keyboard.press('Delete');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  const box = await lstm.boundingBox();
  const pane = await page.locator('.svelte-flow__pane').boundingBox();
  const head = await drop(page, 'Dense', box!.x - pane!.x + box!.width / 2, box!.y - pane!.y + box!.height + 140);
  await set(page, 'units', '1');
  await set(page, 'activation', 'sigmoid');
  await settled(page);
  const h = await lstm.locator('.svelte-flow__handle.source[data-handleid="out-1"]').boundingBox();
  const target = await head.locator('.svelte-flow__handle.target').boundingBox();
  if (!h || !target) throw new Error('a handle is not visible');
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(3);
  await expect(page.getByTestId('node-error')).toHaveCount(0);
  await expect(page.getByTestId('edge-shape')).toHaveText(['(None, 200)', '(None, 200, 32)', '(None, 32)']);
  await expect(page.getByTestId('total-params')).toHaveText('328,353');
  await page.screenshot({ path: `${SHOTS}/return-state-editor.png` });

  await page.getByTestId('view-summary').click();
  await expect(page.getByTestId('summary-table')).toContainText('[(None, 32), (None, 32), (None, 32)]');
  await expect(page.getByTestId('summary-table')).toContainText('lstm[0][1]');
  await page.screenshot({ path: `${SHOTS}/return-state-summary.png` });

  // Saved and opened again: the edge still reads h (the wire and the file keep its output index).
  const file = `${process.cwd()}/test-results/return-state.layerlab`;
  rmSync(file, { force: true });
  await page.getByTestId('project-save').click();
  await page.getByTestId('project-path').fill(file);
  await page.getByTestId('project-dialog-submit').click();
  // Saved: the document is clean (a toast can be replaced by a later one before it is read).
  await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');
  await openProjectFile(page, START, file);
  await page.getByTestId('view-summary').click();
  await expect(page.getByTestId('summary-table')).toContainText('lstm[0][1]');
  await page.getByTestId('view-editor').click();
  await expect(lstm.getByTestId('node-output')).toHaveText(['out', 'h', 'c']);

  // Off again: the edge from h has no output to read, and the Dense says what to do.
  await lstm.locator('.name').click();
  await page.getByTestId('param-return_state').uncheck();
  await expect(page.locator('[data-kind=Dense]').getByTestId('node-error')).toContainText('reads output 1 of lstm, which has 1 output (out); turn return_state on in lstm');
  expect(errors).toEqual([]);
});
