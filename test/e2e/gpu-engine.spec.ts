import { expect, test } from '@playwright/test';
import { START } from './helpers';

const SHOTS = 'test-results/screenshots';

// The engine panel (where Help > GPU setup leads in the browser) reports the webgpu backend next to the CUDA one:
// here, with no GPU, the reason it was not used and what to install (or, where the server sees SwiftShader through
// VK_ICD_FILENAMES, the software adapter it skipped, named).
test('the engine panel says why webgpu is not used and what to install', async ({ page }) => {
  await page.goto(START);
  await page.getByTestId('view-training').click();
  const engine = page.getByTestId('engine-info');
  await expect(engine).toContainText('Backend: wasm');
  await expect(engine).toContainText(/webgpu: (no GPU device is visible here|the Vulkan loader|Vulkan found no usable GPU driver|only a software adapter)/);
  // The adapters Dawn offers are listed, when it offers any (SwiftShader when VK_ICD_FILENAMES points at it).
  if (process.env.VK_ICD_FILENAMES) await expect(engine).toContainText(/WebGPU adapter: google swiftshader .*software/);
  await engine.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/engine-webgpu.png` });
});
