/**
 * What electron-builder.yml makes electron-builder do with the webgpu package (Dawn for every platform, ~130 MB):
 * each target keeps only its own dawn.node, unpacked from the asar. Checked with electron-builder's own file
 * matchers and macro expansion (app-builder-lib) over the installed package's real files, since packaging itself
 * needs internet.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
type Filter = (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean;
interface Matcher { createFilter(): Filter }
const { getNodeModuleFileMatcher, FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: unknown, packager: unknown): Matcher;
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => Matcher;
};
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object, extra: Record<string, string>): string;
};

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkgDir = join(root, 'node_modules/webgpu');

/** Every file of the installed webgpu package, as electron-builder names node_modules files (node_modules/webgpu/...). */
function packageFiles(dir = pkgDir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? packageFiles(p) : [join('node_modules/webgpu', relative(pkgDir, p)).split('\\').join('/')];
  });
}

const asFile = (moduleFullFilePath: string) => ({ isDirectory: () => false, moduleFullFilePath });

/** The webgpu files a build for (section, arch) copies, and which of them it unpacks from app.asar. */
function packed(section: 'linux' | 'win' | 'mac', arch: string): { kept: string[]; unpacked: string[] } {
  const expand = (p: string) => expandMacro(p, arch, { productName: 'Layerlab' }, { os: section });
  const nodeModules = getNodeModuleFileMatcher(root, '/out', expand, config[section], { config, debugLogger: { isEnabled: false } }).createFilter();
  const unpack = new FileMatcher(root, '/out', expand, config.asarUnpack).createFilter();
  const kept = packageFiles().filter((f) => nodeModules(join(root, f), asFile(f)));
  return { kept, unpacked: kept.filter((f) => unpack(join(root, f), asFile(f))) };
}

const binaries = (files: string[]) => files.filter((f) => f.startsWith('node_modules/webgpu/dist/'));

describe('electron-builder ships only the target platform\'s Dawn binary, unpacked', () => {
  it('the installed package holds every platform (what the config has to trim)', () => {
    const dirs = new Set(binaries(packageFiles()).map((f) => f.split('/')[3]));
    expect([...dirs].sort()).toEqual(expect.arrayContaining(['darwin-universal', 'linux-x64', 'win32-x64']));
  });

  it.each([
    ['linux', 'x64', 'linux-x64'],
    ['linux', 'arm64', 'linux-arm64'],
    ['win', 'x64', 'win32-x64'],
    ['mac', 'x64', 'darwin-universal'],
    ['mac', 'arm64', 'darwin-universal'],
  ] as const)('%s %s: only dist/%s, unpacked from the asar, plus the JS that loads it', (section, arch, dir) => {
    const { kept, unpacked } = packed(section, arch);
    const bins = binaries(kept);
    expect(bins.length).toBeGreaterThan(0);
    expect(new Set(bins.map((f) => f.split('/')[3]))).toEqual(new Set([dir]));
    expect(bins).toContain(`node_modules/webgpu/dist/${dir}/dawn.node`);
    expect(unpacked).toEqual(bins);
    expect(kept).toContain('node_modules/webgpu/index.js');
    expect(kept).toContain('node_modules/webgpu/package.json');
  });
});
