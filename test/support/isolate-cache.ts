import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every vitest worker gets a temporary LAYERLAB_CACHE_DIR, so no test (and no CLI it spawns with process.env)
 * reads or writes the user's real cache: sweeps, recent files, recovery folders, datasets. Tests that need a
 * particular cache still set their own.
 */
if (!process.env.LAYERLAB_TEST_KEEP_CACHE) {
  process.env.LAYERLAB_CACHE_DIR = mkdtempSync(join(tmpdir(), 'layerlab-test-cache-'));
}
