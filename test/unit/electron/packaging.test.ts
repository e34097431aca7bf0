import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// electron-builder's own validator, against its own JSON schema: the check `npm run dist` does first.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('a misspelled option is caught by the same validator (the check can fail)', async () => {
    await expect(validateConfiguration({ ...config, artifcatName: 'x' }, { isEnabled: false, add() {} })).rejects.toThrow(/artifcatName/);
  });

  it('writes to release/, not to Vite\'s dist/', () => {
    expect(config.directories.output).toBe('release');
  });

  it('targets AppImage and deb, NSIS and dmg', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('icons and build resources exist', () => {
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon, config.fileAssociations[0].icon]) {
      expect(existsSync(join(root, icon)), icon).toBe(true);
    }
    expect(existsSync(join(root, config.directories.buildResources))).toBe(true);
  });

  it('associates the .layerlab project file type', () => {
    expect(config.fileAssociations).toEqual(expect.arrayContaining([expect.objectContaining({ ext: 'layerlab' })]));
  });

  it('unpacks the native tfjs addons and the wasm binaries from the asar archive', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/@tensorflow/tfjs-node/**',
        'node_modules/@tensorflow/tfjs-node-gpu/**',
        'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
      ]),
    );
    // The wasm files those globs must match are real files in the installed package.
    const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      expect(existsSync(join(wasmDir, f)), f).toBe(true);
    }
  });

  it('package.json points main at the built Electron entry that the build script writes', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toMatch(/^out\//);
    expect(config.files).toContain('out/**/*');
  });
});
