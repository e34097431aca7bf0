import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * End-to-end tests in Debian's Chromium (Playwright never downloads browsers here). The app is served by
 * `layerlab serve` (the real backend) once that command exists, else by `vite preview` of the built renderer.
 */
const PORT = 4319;
const TOKEN = 'e2e-token';
const hasServe = existsSync('main/commands/serve.ts');

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
    command: hasServe
      ? `npm run build:renderer && node bin/layerlab.js serve --port ${PORT} --token ${TOKEN} --dataset-mirror ../shared/datasets --checkpoint-dir test-results/checkpoints`
      : `npm run build:renderer && npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: hasServe ? `http://127.0.0.1:${PORT}/?token=${TOKEN}` : `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'pipe',
  },
});

export const E2E_TOKEN = TOKEN;
