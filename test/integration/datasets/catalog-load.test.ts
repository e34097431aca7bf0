import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog, loadDataset } from '../../../main/datasets/index';
import { sharedDatasets, tempDir } from './paths';

function classCounts(y: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) c[y[i]]++;
  return c;
}

describe('catalog datasets from the shared mirror', () => {
  let cache: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    cache = await tempDir('cache');
  });
  afterAll(() => cache.cleanup());

  it('MNIST: 60000/10000 samples with the official per-class counts, checksums verified', async () => {
    const d = await loadDataset('mnist', { mirror: sharedDatasets, cacheDir: cache.dir, offline: true });
    expect(d.train.count).toBe(60000);
    expect(d.test?.count).toBe(10000);
    expect(d.train.sampleShape).toEqual([28, 28, 1]);
    expect(d.train.x.length).toBe(60000 * 784);
    expect(classCounts(d.train.y, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(d.test!.y, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // Loading straight from a local mirror does not copy into the cache.
    await expect(readdir(cache.dir)).resolves.toEqual([]);
  });

  it('Fashion-MNIST: 6000 per class in train, 1000 per class in test', async () => {
    const d = await loadDataset('fashion-mnist', { mirror: sharedDatasets, cacheDir: cache.dir, offline: true });
    expect(d.train.count).toBe(60000);
    expect(d.test?.count).toBe(10000);
    expect(classCounts(d.train.y, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(d.test!.y, 10)).toEqual(new Array(10).fill(1000));
    expect(d.classNames?.[9]).toBe('Ankle boot');
  });

  it('limitTrain/limitTest return the first samples without copying', async () => {
    const d = await loadDataset('mnist', { mirror: sharedDatasets, cacheDir: cache.dir, offline: true, limitTrain: 100, limitTest: 20 });
    expect(d.train.count).toBe(100);
    expect(d.train.x.length).toBe(100 * 784);
    expect(Array.from(d.test!.y)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4]);
  });

  it('every catalog file has a checksum, a size and a download URL', () => {
    for (const entry of catalog) {
      // Classification entries name their classes; regression ones (boston-housing) have none.
      if (entry.task === 'regression') expect(entry.classNames, entry.name).toEqual([]);
      else expect(entry.classNames.length, entry.name).toBeGreaterThanOrEqual(entry.name === 'imdb' ? 2 : 10);
      for (const f of entry.files) {
        expect(f.sha256 ?? f.md5, f.name).toMatch(/^[0-9a-f]{32,64}$/);
        expect(f.urls.length).toBeGreaterThan(0);
        expect(f.bytes).toBeGreaterThan(0);
      }
    }
    expect(catalog.find((e) => e.name === 'cifar-100')?.classNames.length).toBe(100);
  });
});
