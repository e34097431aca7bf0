import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRecoverable } from '../../../main/projects/autosave';
import { adoptLegacyCache, cacheRootFor, legacyCacheRoots, userCacheRoot, type CacheContext } from '../../../main/system/cache-root';

const linux = (env: NodeJS.ProcessEnv = {}): CacheContext => ({ platform: 'linux', env, home: '/home/ada' });
const mac = (env: NodeJS.ProcessEnv = {}): CacheContext => ({ platform: 'darwin', env, home: '/Users/ada' });
const win = (env: NodeJS.ProcessEnv = {}): CacheContext => ({ platform: 'win32', env, home: 'C:\\Users\\ada' });

describe('the per-user cache root, by platform', () => {
  it.each([
    ['linux, nothing set', linux(), '/home/ada/.cache/layerlab'],
    ['linux, XDG_CACHE_HOME', linux({ XDG_CACHE_HOME: '/xdg' }), '/xdg/layerlab'],
    ['linux, a relative XDG_CACHE_HOME is ignored (XDG spec)', linux({ XDG_CACHE_HOME: 'rel' }), '/home/ada/.cache/layerlab'],
    ['freebsd follows XDG too', { ...linux(), platform: 'freebsd' as const }, '/home/ada/.cache/layerlab'],
    ['macOS: Application Support, which the OS never purges (recovery stores live here)', mac({ XDG_CACHE_HOME: '/xdg' }), '/Users/ada/Library/Application Support/Layerlab'],
    ['Windows, LOCALAPPDATA', win({ LOCALAPPDATA: 'D:\\Local', APPDATA: 'D:\\Roaming' }), 'D:\\Local\\Layerlab\\Cache'],
    ['Windows, no LOCALAPPDATA', win(), 'C:\\Users\\ada\\AppData\\Local\\Layerlab\\Cache'],
    ['LAYERLAB_CACHE_DIR overrides (linux)', linux({ LAYERLAB_CACHE_DIR: '/env/cache', XDG_CACHE_HOME: '/xdg' }), '/env/cache'],
    ['LAYERLAB_CACHE_DIR overrides (macOS)', mac({ LAYERLAB_CACHE_DIR: '/env/cache' }), '/env/cache'],
    ['LAYERLAB_CACHE_DIR overrides (Windows)', win({ LAYERLAB_CACHE_DIR: 'E:\\cache', LOCALAPPDATA: 'D:\\Local' }), 'E:\\cache'],
  ])('%s', (_name, ctx, expected) => {
    expect(cacheRootFor(ctx)).toBe(expected);
  });

  it('older builds kept datasets/recovery/sweeps in ~/.cache/layerlab on every OS: that is the legacy root where the default moved', () => {
    expect(legacyCacheRoots(linux())).toEqual([]);
    expect(legacyCacheRoots(linux({ XDG_CACHE_HOME: '/xdg' }))).toEqual([]);
    expect(legacyCacheRoots(mac())).toEqual(['/Users/ada/.cache/layerlab', '/Users/ada/Library/Caches/Layerlab']);
    expect(legacyCacheRoots(mac({ XDG_CACHE_HOME: '/xdg' }))).toEqual(['/xdg/layerlab', '/Users/ada/Library/Caches/Layerlab']);
    expect(legacyCacheRoots(win())).toEqual(['C:\\Users\\ada\\.cache\\layerlab']);
  });
});

function writeRecoveryEntry(dir: string, id: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.layerlab`), 'not opened here');
  // pid 2^22+1 is above Linux's pid_max default, so the entry reads as a crash leftover
  writeFileSync(join(dir, `${id}.json`), JSON.stringify({ id, originalPath: null, name: 'Untitled', savedAt: '2026-01-01T00:00:00.000Z', pid: 4194305 }));
  mkdirSync(join(dir, `.${id}.layerlab.live`));
  writeFileSync(join(dir, `.${id}.layerlab.live`, 'r1.live'), 'epochs');
}

describe('moving an older build\'s cache into the new root', () => {
  it('recovery stores (with live runs), datasets, sweeps and recent.json move; checkpoints stay at their recorded path; nothing is lost', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cache-root-'));
    const old = join(tmp, 'old');
    const root = join(tmp, 'new');
    writeRecoveryEntry(join(old, 'recovery'), 'abc-1');
    mkdirSync(join(old, 'datasets', 'mnist'), { recursive: true });
    writeFileSync(join(old, 'datasets', 'mnist', 'train-images-idx3-ubyte.gz'), 'old images');
    mkdirSync(join(old, 'sweeps'));
    writeFileSync(join(old, 'sweeps', 's1.json'), '{}');
    writeFileSync(join(old, 'recent.json'), '[]');
    mkdirSync(join(old, 'checkpoints', 'run-1'), { recursive: true });
    // the new root already holds another dataset file: the folders merge
    mkdirSync(join(root, 'datasets', 'mnist'), { recursive: true });
    writeFileSync(join(root, 'datasets', 'mnist', 'train-labels-idx1-ubyte.gz'), 'new labels');

    const result = adoptLegacyCache(root, [old]);
    expect(result.failed).toEqual([]);
    const found = await listRecoverable({ dir: join(root, 'recovery') });
    expect(found.map((e) => e.id)).toEqual(['abc-1']);
    expect(readFileSync(join(root, 'recovery', '.abc-1.layerlab.live', 'r1.live'), 'utf8')).toBe('epochs');
    expect(readdirSync(join(root, 'datasets', 'mnist')).sort()).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(readFileSync(join(root, 'sweeps', 's1.json'), 'utf8')).toBe('{}');
    expect(existsSync(join(root, 'recent.json'))).toBe(true);
    expect(existsSync(join(old, 'checkpoints', 'run-1'))).toBe(true);
    expect(existsSync(join(root, 'checkpoints'))).toBe(false);
    expect(readdirSync(old)).toEqual(['checkpoints']);
    expect(adoptLegacyCache(root, [old])).toEqual({ moved: [], failed: [] }); // a second start finds nothing to move
  });

  it('where both hold the same file, the newer wins and the older stays in the old place', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cache-root-'));
    const [old, root] = [join(tmp, 'old'), join(tmp, 'new')];
    for (const [dir, text, t] of [[old, 'older', 1_000], [root, 'newer', 2_000]] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'recent.json'), text);
      utimesSync(join(dir, 'recent.json'), t, t);
    }
    adoptLegacyCache(root, [old]);
    expect(readFileSync(join(root, 'recent.json'), 'utf8')).toBe('newer');
    expect(readFileSync(join(old, 'recent.json'), 'utf8')).toBe('older');
    utimesSync(join(old, 'recent.json'), 3_000, 3_000);
    adoptLegacyCache(root, [old]);
    expect(readFileSync(join(root, 'recent.json'), 'utf8')).toBe('older');
    expect(existsSync(join(old, 'recent.json'))).toBe(false);
  });

  it('userCacheRoot moves the old root in on its first call where the default moved (macOS here), and never under LAYERLAB_CACHE_DIR', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cache-home-'));
    writeRecoveryEntry(join(home, '.cache', 'layerlab', 'recovery'), 'mac-1');
    mkdirSync(join(home, 'Library', 'Caches', 'Layerlab'), { recursive: true });
    writeFileSync(join(home, 'Library', 'Caches', 'Layerlab', 'recent.json'), '{"recent":[]}');
    const overridden = userCacheRoot({ platform: 'darwin', home, env: { LAYERLAB_CACHE_DIR: join(home, 'elsewhere') } });
    expect(overridden).toBe(join(home, 'elsewhere'));
    expect(existsSync(join(home, '.cache', 'layerlab', 'recovery', 'mac-1.json'))).toBe(true);

    const root = userCacheRoot({ platform: 'darwin', home, env: {} });
    expect(root).toBe(join(home, 'Library', 'Application Support', 'Layerlab'));
    expect((await listRecoverable({ dir: join(root, 'recovery') })).map((e) => e.id)).toEqual(['mac-1']);
    // recent.json of older builds sat in the purgeable Caches folder: it moves in too.
    expect(readFileSync(join(root, 'recent.json'), 'utf8')).toBe('{"recent":[]}');
    expect(existsSync(join(home, 'Library', 'Caches', 'Layerlab', 'recent.json'))).toBe(false);
  });
});
