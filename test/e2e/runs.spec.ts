/**
 * Runs live in the project (issue 14), as a user meets it: train in an Untitled project, Save As, stop the server,
 * `layerlab info` lists the run; start the server again, open the file: the run is listed with the same number;
 * a new project lists none of its runs. The test runs its own `layerlab serve` (a free port, its own cache folder)
 * because it stops and restarts it.
 */
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveOwn } from './own-server';

const SHOTS = 'test-results/screenshots';
const dir = mkdtempSync(join(tmpdir(), 'layerlab-e2e-runs-'));
const cache = join(dir, 'cache');
const FILE = join(dir, 'runs.layerlab');

const serve = () => serveOwn(dir, cache, 'runs-token-0123456789');

/** A new project from the MLP template, then the Training view (opening a template shows the editor first). */
async function newMlp(page: Page): Promise<void> {
  await page.getByTestId('templates-menu').click();
  await page.getByTestId('template-mlp-64').click();
  await expect(page.getByTestId('total-params')).toHaveText('55,050');
  await expect(page.getByTestId('view-editor')).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('view-training').click();
  await expect(page.getByTestId('view-training')).toHaveAttribute('aria-current', 'page');
}

test('a run trained in an Untitled project is saved with it, listed by layerlab info and after a restart with its number', async ({ page }) => {
  test.setTimeout(300_000);
  let server = await serve();
  try {
    await page.goto(server.url);
    await newMlp(page);
    await expect(page.getByTestId('engine-info')).toContainText('Backend');
    await expect(page.getByTestId('runs-table')).toContainText('No runs yet');
    await page.getByTestId('dataset-select').selectOption('mnist');
    await page.getByTestId('train-limit').fill('256');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-batch-size').fill('64');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-progress')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
    const row = page.getByTestId('run-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('#1');
    const runId = (await row.getAttribute('data-run-id'))!;
    // Before the first save the run is in the Untitled project's recovery store.
    expect(readdirSync(join(cache, 'recovery')).filter((n) => n.endsWith('.layerlab'))).toHaveLength(1);

    await page.getByTestId('project-save').click();
    await expect(page.getByTestId('project-dialog')).toHaveAttribute('data-mode', 'saveAs');
    await page.getByTestId('project-path').fill(FILE);
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText('Saved');
    expect(existsSync(FILE)).toBe(true);
    expect(readdirSync(join(cache, 'recovery')).filter((n) => n.endsWith('.layerlab'))).toEqual([]);
    await server.stop();

    const info = spawnSync(process.execPath, ['bin/layerlab.js', 'info', FILE], { encoding: 'utf8', env: { ...process.env, LAYERLAB_CACHE_DIR: cache } });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`Runs \\(1\\):[\\s\\S]*#1 +${runId} .*completed +2 `));

    server = await serve();
    await page.goto(server.url);
    await page.getByTestId('project-open').click();
    await page.getByTestId('project-path').fill(FILE);
    await page.getByTestId('project-dialog-submit').click();
    await expect(page.getByTestId('toast')).toContainText('Opened');
    await page.getByTestId('view-training').click();
    await expect(page.getByTestId('run-row')).toHaveCount(1);
    await expect(page.getByTestId('run-row')).toHaveAttribute('data-run-id', runId);
    await expect(page.getByTestId('run-row')).toContainText('#1');
    await expect(page.getByTestId('run-row')).toHaveAttribute('data-status', 'completed');
    await page.screenshot({ path: `${SHOTS}/runs-reopened.png` });

    // Another project lists none of this project's runs.
    await newMlp(page);
    await expect(page.getByTestId('runs-table')).toBeVisible();
    await expect(page.getByTestId('run-row')).toHaveCount(0);
    await expect(page.getByTestId('runs-table')).toContainText('No runs yet');
  } finally {
    await server.stop();
  }
});
