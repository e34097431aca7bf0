/**
 * Unsaved edits survive a killed server (issue 14), as a user meets it: open a saved project, edit it (name, a
 * new layer), the server is SIGKILLed before any save; the restarted server's window asks "Recover unsaved changes
 * from <time>?", Recover brings the edits back as unsaved changes of the file, Save writes them and the recovery
 * folder is empty again. The test runs its own `layerlab serve`, since it kills it.
 */
import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveOwn } from './own-server';

const SHOTS = 'test-results/screenshots';
const dir = mkdtempSync(join(tmpdir(), 'layerlab-e2e-recovery-'));
const cache = join(dir, 'cache');
const recovery = join(cache, 'recovery');
const FILE = join(dir, 'edited.layerlab');

/** The recovery folder's entries (their .json descriptions). */
function entries(): { id: string; originalPath: string | null; name: string }[] {
  if (!existsSync(recovery)) return [];
  return readdirSync(recovery).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(recovery, n), 'utf8')));
}

test('edits of a killed server are offered after the restart, recovered unsaved, and saved', async ({ page }) => {
  test.setTimeout(180_000);
  let server = await serveOwn(dir, cache, 'recovery-token-0123456789');
  try {
    await page.goto(server.url);
    await page.getByTestId('templates-menu').click();
    await page.getByTestId('template-mlp-64').click();
    await expect(page.getByTestId('total-params')).toHaveText('55,050');
    await page.getByTestId('project-save').click();
    await page.getByTestId('project-path').fill(FILE);
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText('Saved');
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');

    // Unsaved edits: a new name and one more layer.
    await page.getByTestId('project-name').fill('Edited, never saved');
    await page.getByTestId('palette-Dropout').click();
    await expect(page.locator('.status')).toContainText('5 layers');
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'true');
    // Autosaved a moment after the last edit.
    await expect.poll(() => entries().find((e) => e.originalPath === FILE)?.name, { timeout: 20_000 }).toBe('Edited, never saved');
    await server.stop('SIGKILL');

    server = await serveOwn(dir, cache, 'recovery-token-0123456789');
    await page.goto(server.url);
    const offer = page.getByTestId('recovery-offer');
    await expect(offer).toBeVisible();
    await expect(offer).toContainText(/Recover unsaved changes from .+\?/);
    await expect(offer).toContainText(FILE);
    await page.screenshot({ path: `${SHOTS}/recovery-offer.png` });
    await page.getByTestId('recovery-recover').click();
    await expect(offer).toHaveCount(0);
    await expect(page.getByTestId('project-name')).toHaveValue('Edited, never saved');
    await expect(page.locator('.status')).toContainText('5 layers');
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'true');
    await page.screenshot({ path: `${SHOTS}/recovery-recovered.png` });

    await page.getByTestId('project-save').click();
    await expect(page.getByTestId('toast')).toContainText('Saved');
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-dirty', 'false');
    await expect.poll(() => entries()).toEqual([]);
    const info = spawnSync(process.execPath, ['bin/layerlab.js', 'info', FILE], { encoding: 'utf8', env: { ...process.env, LAYERLAB_CACHE_DIR: cache } });
    expect(info.stdout).toContain('Project: Edited, never saved');

    // Nothing is offered at the next start any more.
    await server.stop();
    server = await serveOwn(dir, cache, 'recovery-token-0123456789');
    await page.goto(server.url);
    await expect(page.getByTestId('total-params')).toBeVisible();
    await expect(page.getByTestId('recovery-offer')).toHaveCount(0);
  } finally {
    await server.stop();
  }
});

test('a run whose `layerlab train` was killed shows as interrupted in the window and resumes from its row', async ({ page }) => {
  test.setTimeout(240_000);
  const file = join(dir, 'killed.layerlab');
  const env = { ...process.env, LAYERLAB_CACHE_DIR: cache };
  expect(spawnSync(process.execPath, ['bin/layerlab.js', 'new', file, '--template', 'mlp-64'], { env }).status).toBe(0);
  const train = spawn(process.execPath, ['bin/layerlab.js', 'train', file, '--data-dir', '../shared/datasets/mnist', '--epochs', '30', '--limit-train', '200', '--limit-test', '40', '--batch-size', '20', '--backend', 'cpu'], { env });
  const info = () => JSON.parse(spawnSync(process.execPath, ['bin/layerlab.js', 'info', file, '--json'], { encoding: 'utf8', env }).stdout) as { runs: { status: string; epochs: number }[] };
  await expect.poll(() => info().runs[0]?.epochs ?? 0, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  train.kill('SIGKILL');
  await new Promise((r) => train.once('exit', r));
  expect(info().runs[0]!.status).toBe('interrupted');

  const server = await serveOwn(dir, cache, 'recovery-token-0123456789');
  try {
    await page.goto(server.url);
    await page.getByTestId('project-open').click();
    await page.getByTestId('project-path').fill(file);
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText('Opened');
    await page.getByTestId('view-training').click();
    const row = page.getByTestId('run-row');
    await expect(row).toHaveAttribute('data-status', 'interrupted');
    await expect(row.locator('.status')).toHaveAttribute('title', /interrupted: .*resume it to continue from its last checkpoint/);
    await page.screenshot({ path: `${SHOTS}/run-interrupted.png` });
    await row.getByTestId('run-resume').click();
    await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', /queued|running/);
    await expect(row).toHaveAttribute('data-status', 'running');
    // The resumed run's dashboard goes on from what the killed session stored: its first epoch's pictures (the
    // resumed session starts after the checkpoint's second epoch at the earliest).
    await page.getByTestId('epoch-slider').fill('0');
    await expect(page.getByTestId('epoch-shown')).toHaveText(/^1 of \d+$/);
    await expect(page.getByText('Weight histograms (epoch 1)')).toBeVisible();
    await expect(page.getByText('Confusion matrix (epoch 1)')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/run-resumed.png` });
    await page.getByTestId('train-stop').click();
    await expect(row).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  } finally {
    await server.stop();
  }
  expect(info().runs).toHaveLength(1);
  expect(info().runs[0]!.status).toBe('stopped');
});
