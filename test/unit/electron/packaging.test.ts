// What electron-builder.yml must achieve, checked with electron-builder's own validator and file matchers over the
// real build output and installed packages (packaging itself needs internet): the app's entry is packed, every
// native and .wasm file is unpacked from the asar, the named resources exist, and the OS's project files open.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { projectPathsFromArgv } from '../../../main/electron/project-paths';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// electron-builder's own validator, against its own JSON schema: the check `npm run dist` does first.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};
type Filter = (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean;
const { FileMatcher, getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => { createFilter(): Filter };
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: unknown, packager: unknown): { createFilter(): Filter };
};

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const matches = (patterns: string[], file: string, moduleFile = false) =>
  new FileMatcher(root, '/out', (p) => p, patterns).createFilter()(join(root, file), { isDirectory: () => false, ...(moduleFile ? { moduleFullFilePath: file } : {}) });

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('a misspelled option is caught by the same validator (the check can fail)', async () => {
    await expect(validateConfiguration({ ...config, artifcatName: 'x' }, { isEnabled: false, add() {} })).rejects.toThrow(/artifcatName/);
  });

  it('writes the installers apart from the build outputs it packs (out/) and from Vite\'s dist/', () => {
    const output = config.directories.output as string;
    for (const built of ['out', 'dist']) expect(output === built || output.startsWith(`${built}/`), output).toBe(false);
  });

  it('every icon and resource folder it names exists', () => {
    for (const path of [config.linux.icon, config.win.icon, config.mac.icon, config.directories.buildResources, ...config.fileAssociations.map((a: { icon: string }) => a.icon)]) {
      expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it('a file of each associated type, passed by the OS on the command line, is opened as a project', () => {
    for (const { ext } of config.fileAssociations as { ext: string }[]) {
      expect(projectPathsFromArgv(['layerlab', `/home/a/model.${ext}`], '/'), ext).toEqual([`/home/a/model.${ext}`]);
    }
  });
});

describe('the build it packs', () => {
  let outDir = '';
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'll-pack-'));
    const { buildElectron } = (await import(join(root, 'scripts/build-electron.mjs'))) as { buildElectron(dir: string): Promise<string> };
    await buildElectron(outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('package.json main is the Electron entry the build script writes, and the files patterns pack it (not its map)', () => {
    const inOut = relative('out/electron', pkg.main);
    expect(inOut.startsWith('..'), `${pkg.main} is not in out/electron`).toBe(false);
    expect(existsSync(join(outDir, inOut)), pkg.main).toBe(true);
    for (const f of [pkg.main, 'out/electron/preload.cjs', 'out/electron/train-worker.js', 'out/renderer/index.html', 'package.json']) expect(matches(config.files, f), f).toBe(true);
    expect(matches(config.files, `${pkg.main}.map`)).toBe(false);
  });
});

describe('asarUnpack', () => {
  /** Every .wasm and native .node file of the installed production dependencies (and sharp's @img binaries). */
  function binaries(): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (/\.(wasm|node)$/.test(name)) found.push(relative(root, p).split(sep).join('/'));
      }
    };
    const img = join(root, 'node_modules/@img');
    const dirs = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})].map((d) => join(root, 'node_modules', d));
    if (existsSync(img)) dirs.push(...readdirSync(img).map((d) => join(img, d)));
    for (const d of dirs) if (existsSync(d)) walk(d);
    return found;
  }

  it.each([
    ['linux', 'x64'],
    ['win', 'x64'],
    ['mac', 'x64'],
  ])('%s %s: every .wasm and native addon it packs stays out of the asar archive (neither loads from inside one)', (section, arch) => {
    const expand = (p: string) => p.replace(/\$\{arch\}/g, arch);
    const packs = getNodeModuleFileMatcher(root, '/out', expand, config[section], { config, debugLogger: { isEnabled: false } }).createFilter();
    const packed = binaries().filter((f) => packs(join(root, f), { isDirectory: () => false, moduleFullFilePath: f }));
    // The backend's own .wasm (what main/engine/backend.ts loads from dist/) and at least one native addon.
    expect(packed).toContain('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
    expect(packed.some((f) => f.endsWith('.node'))).toBe(true);
    expect(packed.filter((f) => !matches(config.asarUnpack, f, true))).toEqual([]);
  });
});
