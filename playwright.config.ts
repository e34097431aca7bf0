import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (Playwright never downloads browsers here), against `layerlab serve`: the
 * built renderer and the real backend, with the datasets from the shared mirror.
 */
// LAYERLAB_E2E_PORT lets several checkouts run their e2e suites side by side.
const PORT = Number(process.env.LAYERLAB_E2E_PORT ?? 4319);
const TOKEN = 'e2e-token-0123456789';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/artifacts',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // The server gets its own cache folder: tests never read or write the user's real cache (sweeps, recent files).
    // Its recovery folder starts empty: Untitled projects of an earlier run (their runs and sweeps live there) would
    // otherwise be offered for recovery over the first window of this one.
    command: `npm run build:renderer && rm -rf test-results/e2e-cache/recovery && LAYERLAB_CACHE_DIR=test-results/e2e-cache node bin/layerlab.js serve --port ${PORT} --token ${TOKEN} --dataset-mirror ../shared/datasets --checkpoint-dir test-results/checkpoints`,
    url: `http://127.0.0.1:${PORT}/?token=${TOKEN}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'pipe',
  },
});

export const E2E_TOKEN = TOKEN;
