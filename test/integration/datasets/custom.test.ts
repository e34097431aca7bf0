import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import tar from 'tar-stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getCatalogEntry,
  loadCatalogEntry,
  loadCsvDataset,
  loadDataset,
  loadImageFolder,
  loadImageRows,
  loadNpzDataset,
  openDataset,
  parseCifarRecords,
  readTarGzMembers,
} from '../../../main/datasets/index';
import { sharedDatasets, tempDir } from './paths';

const fixtures = join(sharedDatasets, 'fixtures');
const cifarDir = join(sharedDatasets, 'cifar-10-subset');

describe('custom data imports on real files', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('custom');
  });
  afterAll(() => tmp.cleanup());

  it('image folder: MNIST fixture PNGs sorted into class folders load pixel-exact as 28x28x1', async () => {
    const dir = join(tmp.dir, 'digits');
    const files = (await readdir(fixtures)).filter((f) => f.startsWith('mnist_'));
    for (const f of files) {
      const label = f.replace(/^mnist_\d+_(\d)\.png$/, '$1');
      await mkdir(join(dir, label), { recursive: true });
      await copyFile(join(fixtures, f), join(dir, label, f));
    }
    const d = await loadImageFolder(dir, { size: [28, 28], channels: 1 });
    expect(d.train.count).toBe(20);
    expect(d.train.sampleShape).toEqual([28, 28, 1]);
    const labels = [...new Set(files.map((f) => f.replace(/^mnist_\d+_(\d)\.png$/, '$1')))].sort();
    expect(d.classNames).toEqual(labels);
    const mnist = await loadDataset('mnist', { mirror: sharedDatasets, offline: true, cacheDir: join(tmp.dir, 'cache'), limitTest: 20 });
    // Walk the class folders in the loader's order and compare with the official test images by index.
    let k = 0;
    for (const cls of d.classNames!) {
      for (const f of (await readdir(join(dir, cls))).sort()) {
        const index = Number(f.split('_')[1]);
        const want = mnist.test!.x.subarray(index * 784, (index + 1) * 784);
        expect(Buffer.from(d.train.x.subarray(k * 784, (k + 1) * 784)).equals(Buffer.from(want)), f).toBe(true);
        expect(d.classNames![d.train.y[k]]).toBe(String(mnist.test!.y[index]));
        k++;
      }
    }
  });

  it('image folder with train/ and test/, JPEG and PNG, resized to 16x16 RGB', async () => {
    const root = join(tmp.dir, 'split-folder');
    const files = (await readdir(fixtures)).filter((f) => f.startsWith('cifar10_')).sort();
    const names = getCatalogEntry('cifar-10').classNames;
    for (const [i, f] of files.entries()) {
      const cls = names[Number(f.replace(/^cifar10_\d+_(\d)\.png$/, '$1'))];
      const split = i < 15 ? 'train' : 'test';
      await mkdir(join(root, split, cls), { recursive: true });
      if (i % 2) await sharp(join(fixtures, f)).jpeg({ quality: 95 }).toFile(join(root, split, cls, f.replace('.png', '.jpg')));
      else await copyFile(join(fixtures, f), join(root, split, cls, f));
    }
    const d = await openDataset(root, { own: { image_size: [16, 16], color: 'rgb' } });
    expect(d.train.count).toBe(15);
    expect(d.test?.count).toBe(5);
    expect(d.train.sampleShape).toEqual([16, 16, 3]);
    expect(d.train.x.length).toBe(15 * 16 * 16 * 3);
    expect(d.classNames).toContain('cat');
    // Real photos, not blank buffers.
    const mean = Array.from(d.train.x).reduce((a, b) => a + b, 0) / d.train.x.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(220);
  });

  it('image folder: a damaged image is named in the error with what to do', async () => {
    const dir = join(tmp.dir, 'damaged');
    await mkdir(join(dir, 'seven'), { recursive: true });
    await copyFile(join(fixtures, 'mnist_00_7.png'), join(dir, 'seven', 'a.png'));
    const png = await readFile(join(fixtures, 'mnist_17_7.png'));
    await writeFile(join(dir, 'seven', 'b.png'), png.subarray(0, png.length >> 1));
    await expect(loadImageFolder(dir, { size: [28, 28], channels: 1 })).rejects.toThrowError(/seven\/b\.png: cannot decode image .* Remove it or replace it/);
    await expect(loadImageFolder(join(tmp.dir, 'damaged', 'seven'), { size: [28, 28], channels: 1 })).rejects.toThrowError(/has no class sub-folders/);
  });

  it('CSV: sklearn digits (64 features + a label column named by the header) as classification, and a regression target column', async () => {
    // The real table has no header: give it one, as the loader requires.
    const rows = gunzipSync(readFileSync(join(sharedDatasets, 'sklearn-digits/digits.csv.gz'))).toString('utf8');
    const path = join(tmp.dir, 'digits.csv');
    await writeFile(path, `${Array.from({ length: 64 }, (_, i) => `p${i}`).join(',')},digit\n${rows}`);
    const d = await loadCsvDataset(path, { labelColumn: 'digit' });
    expect(d.train.count).toBe(1797);
    expect(d.train.sampleShape).toEqual([64]);
    expect(d.task).toBe('classification');
    expect(d.classNames).toHaveLength(10);
    expect(Array.from(d.train.y.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(d.train.x.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    const counts = new Array<number>(10).fill(0);
    for (const v of d.train.y) counts[v]++;
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);

    const reg = await loadCsvDataset(path, { labelColumn: 'p2', task: 'regression' });
    expect(reg.task).toBe('regression');
    expect(reg.train.y).toBeInstanceOf(Float32Array);
    expect(reg.train.sampleShape).toEqual([64]);
    expect(reg.featureNames).not.toContain('p2');
    expect(reg.featureNames).toContain('digit');
  });

  it('npz: the CIFAR-10 subset in Keras layout loads through the general path and matches the PNG rows and labels JSON', async () => {
    const names = getCatalogEntry('cifar-10').classNames;
    const d = await loadNpzDataset(join(cifarDir, 'cifar10_subset_derived.npz'), { classNames: names });
    expect(d.train.count).toBe(4000);
    expect(d.test?.count).toBe(1000);
    expect(d.train.sampleShape).toEqual([32, 32, 3]);
    const labels = JSON.parse(readFileSync(join(cifarDir, 'cifar10_labels.json'), 'utf8')) as { train: number[]; test_first_1000: number[] };
    expect(Array.from(d.train.y)).toEqual(labels.train.slice(0, 4000));
    expect(Array.from(d.test!.y)).toEqual(labels.test_first_1000);
    // The other general path: image rows from the PNG sheets give the same pixels.
    const rows = await loadImageRows([join(cifarDir, 'cifar10_batch_0.png')], { sampleShape: [32, 32, 3], labels: labels.train });
    expect(rows.count).toBe(1000);
    expect(Buffer.from(rows.x).equals(Buffer.from(d.train.x.subarray(0, 1000 * 3072)))).toBe(true);
    expect(Array.from(rows.y.subarray(0, 10))).toEqual(labels.train.slice(0, 10));
  });

  it('CIFAR binary records in a tar.gz (built from the real subset pixels) decode to the same images', async () => {
    const d = await loadNpzDataset(join(cifarDir, 'cifar10_subset_derived.npz'));
    const n = 50;
    const records = new Uint8Array(n * 3073);
    for (let r = 0; r < n; r++) {
      records[r * 3073] = d.train.y[r];
      for (let i = 0; i < 1024; i++) for (let c = 0; c < 3; c++) records[r * 3073 + 1 + c * 1024 + i] = d.train.x[r * 3072 + i * 3 + c];
    }
    const pack = tar.pack();
    pack.entry({ name: 'cifar-10-batches-bin/batches.meta.txt' }, 'airplane\n');
    pack.entry({ name: 'cifar-10-batches-bin/data_batch_1.bin' }, Buffer.from(records));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const archive = join(tmp.dir, 'cifar.tar.gz');
    await writeFile(archive, gzipSync(Buffer.concat(chunks)));
    const members = await readTarGzMembers(archive, ['cifar-10-batches-bin/data_batch_1.bin']);
    const parsed = parseCifarRecords(members.get('cifar-10-batches-bin/data_batch_1.bin')!, 1, 0);
    expect(parsed.count).toBe(n);
    expect(Buffer.from(parsed.x).equals(Buffer.from(d.train.x.subarray(0, n * 3072)))).toBe(true);
    expect(Array.from(parsed.y)).toEqual(Array.from(d.train.y.subarray(0, n)));
    expect(() => parseCifarRecords(records.subarray(0, 3073 * 2 + 5), 1, 0, 'data_batch_1.bin')).toThrowError(/data_batch_1\.bin: .*not a whole number of 3073-byte CIFAR records/);
    await expect(readTarGzMembers(archive, ['cifar-10-batches-bin/test_batch.bin'])).rejects.toThrowError(/lacks cifar-10-batches-bin\/test_batch\.bin/);

    // The same archive through the catalog path (mirror, checksum, layout), as an entry shaped like CIFAR-10's.
    const gz = await readFile(archive);
    const real = getCatalogEntry('cifar-10');
    const entry = {
      ...real,
      name: 'cifar-10-test',
      files: [{ name: 'cifar-10-binary.tar.gz', bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex'), urls: [] }],
      layout: { ...(real.layout as Extract<typeof real.layout, { kind: 'cifar-binary' }>), trainMembers: ['cifar-10-batches-bin/data_batch_1.bin'], testMembers: ['cifar-10-batches-bin/data_batch_1.bin'] },
    };
    await mkdir(join(tmp.dir, 'mirror', 'cifar-10-test'), { recursive: true });
    await copyFile(archive, join(tmp.dir, 'mirror', 'cifar-10-test', 'cifar-10-binary.tar.gz'));
    const loaded = await loadCatalogEntry(entry, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true, limitTest: 10 });
    expect(loaded.train.count).toBe(n);
    expect(loaded.test!.count).toBe(10);
    expect(loaded.train.sampleShape).toEqual([32, 32, 3]);
    expect(Buffer.from(loaded.train.x).equals(Buffer.from(d.train.x.subarray(0, n * 3072)))).toBe(true);
    expect(loaded.classNames![loaded.train.y[0]]).toBe('frog');
  });
});
