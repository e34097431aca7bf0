/**
 * The user's own data through openOwnData, on real files: MNIST/Fashion PNG fixtures as image folders, the Boston
 * Housing CSV, sklearn digits, generated .npz/.npy files with numpy's int64 labels, IDX folders gzipped or not, and
 * the boston-housing catalog split. Every refusal is checked by its message.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataPreprocessingSchema } from '../../../shared/data-preprocessing';
import { createFeeder, getCatalogEntry, loadCatalogEntry, openOwnData, parseIdx } from '../../../main/datasets/index';
import { numpyPermutation } from '../../../main/datasets/numpy-random';
import { sharedDatasets, tempDir } from './paths';

const fixtures = join(sharedDatasets, 'fixtures');
const housing = join(sharedDatasets, 'boston-housing/housing.csv');

/** A .npy file of any dtype numpy writes ('<i8', '|u1', '<f2', ...) around raw little-endian bytes. */
function npy(descr: string, shape: number[], bytes: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + bytes.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(bytes, 10 + header.length);
  return out;
}
const int64 = (values: number[]) => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
const float64 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

/** The 20 MNIST test fixtures: pixels (20 x 784) and labels from their file names. */
async function mnistFixtures(prefix = 'mnist_'): Promise<{ files: string[]; pixels: Uint8Array; labels: number[] }> {
  const files = (await readdir(fixtures)).filter((f) => f.startsWith(prefix)).sort();
  const pixels = new Uint8Array(files.length * 784);
  for (const [i, f] of files.entries()) pixels.set(await sharp(join(fixtures, f)).greyscale().raw().toBuffer(), i * 784);
  return { files, pixels, labels: files.map((f) => Number(/_(\d)\.png$/.exec(f)![1])) };
}

/** A 24-bit bottom-up BMP of greyscale pixels. */
function bmp(grey: Uint8Array, w: number, h: number): Uint8Array {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const out = new Uint8Array(54 + stride * h);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, w, true);
  v.setInt32(22, h, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.fill(grey[y * w + x]!, 54 + (h - 1 - y) * stride + x * 3, 54 + (h - 1 - y) * stride + x * 3 + 3);
  return out;
}

describe('own data: image folders', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('own-images');
  });
  afterAll(() => tmp.cleanup());

  it('Fashion-MNIST PNGs in class folders, a BMP and a GIF among them; a stray file is named in one warning and skipped', async () => {
    const dir = join(tmp.dir, 'fashion');
    const { files, pixels, labels } = await mnistFixtures('fashionMNIST_');
    for (const [i, f] of files.entries()) {
      await mkdir(join(dir, `class${labels[i]}`), { recursive: true });
      if (i === 0) await writeFile(join(dir, `class${labels[i]}`, 'a.bmp'), bmp(pixels.subarray(0, 784), 28, 28));
      else if (i === 1) await sharp(join(fixtures, f)).gif().toFile(join(dir, `class${labels[i]}`, 'b.gif'));
      else await copyFile(join(fixtures, f), join(dir, `class${labels[i]}`, f));
    }
    await writeFile(join(dir, `class${labels[2]}`, 'notes.txt'), 'not an image');
    const { dataset: d, config, warnings } = await openOwnData({ path: dir });
    expect(warnings).toEqual([`skipped 1 file that is not an image (.png/.jpg/.jpeg/.bmp/.gif): ${join(dir, `class${labels[2]}`, 'notes.txt')}`]);
    expect(d.train.count).toBe(20);
    // Size and colour default to the first image's: 28x28 greyscale.
    expect(d.train.sampleShape).toEqual([28, 28, 1]);
    expect(d.classNames).toEqual([...new Set(labels)].sort().map((l) => `class${l}`));
    // The BMP (first file of its class folder) decodes pixel-exact.
    const cls = d.classNames!.indexOf(`class${labels[0]}`);
    const first = Array.from(d.train.y).indexOf(cls);
    expect(Buffer.from(d.train.x.subarray(first * 784, first * 784 + 784)).equals(Buffer.from(pixels.subarray(0, 784)))).toBe(true);
    const record = DataPreprocessingSchema.parse(config.preprocessing);
    expect(record).toMatchObject({ kind: 'image-folder', task: 'classification', image: { height: 28, width: 28, color: 'grayscale' }, validation: { kind: 'last-fraction', fraction: 0.2 } });
    expect(config.fingerprint!.files).toBe(21);

    await expect(openOwnData({ path: dir, strict: true })).rejects.toThrowError(
      `found 1 file that is not an image (.png/.jpg/.jpeg/.bmp/.gif): ${join(dir, `class${labels[2]}`, 'notes.txt')}. Remove it, or leave out --strict to skip it.`,
    );
    const rgb = await openOwnData({ path: dir, image_size: [14, 20], color: 'rgb' });
    expect(rgb.dataset.train.sampleShape).toEqual([14, 20, 3]);
    expect(rgb.config.preprocessing.image).toEqual({ height: 14, width: 20, color: 'rgb' });
  });

  it('MNIST PNGs with a separate --test folder; validation is then the test split', async () => {
    const { files, labels } = await mnistFixtures();
    for (const [i, f] of files.entries()) {
      const root = join(tmp.dir, i < 14 ? 'mnist-train' : 'mnist-test', String(labels[i]));
      await mkdir(root, { recursive: true });
      await copyFile(join(fixtures, f), join(root, f));
    }
    // Test image 18 is the only 3: a class the training folder lacks is refused, not silently dropped.
    await expect(openOwnData({ path: join(tmp.dir, 'mnist-train'), test_path: join(tmp.dir, 'mnist-test') })).rejects.toThrowError(
      `${join(tmp.dir, 'mnist-test')} has class folders the training folder lacks: 3. Add training images of these classes, or remove them from the test folder.`,
    );
    await mkdir(join(tmp.dir, 'mnist-train', '3'));
    await copyFile(join(fixtures, 'mnist_18_3.png'), join(tmp.dir, 'mnist-train', '3', 'mnist_18_3.png'));
    const { dataset: d, config } = await openOwnData({ path: join(tmp.dir, 'mnist-train'), test_path: join(tmp.dir, 'mnist-test') });
    expect(d.train.count).toBe(15);
    expect(d.test!.count).toBe(6);
    // Test images 14..19 are 1, 5, 9, 7, 3, 4: read class folder by class folder.
    expect(Array.from(d.test!.y, (k) => d.classNames![k])).toEqual(['1', '3', '4', '5', '7', '9']);
    expect(config.preprocessing.validation).toEqual({ kind: 'test-split' });
  });
});

describe('own data: CSV tables', () => {
  it('housing.csv (label column MEDV): regression, the LAST 20% held out, standardised with the training rows only', async () => {
    const { dataset: d, config } = await openOwnData({ path: housing, label_column: 'MEDV' });
    expect(d.task).toBe('regression');
    expect(d.train.count).toBe(506);
    const p = config.preprocessing;
    expect(p.validation).toEqual({ kind: 'last-fraction', fraction: 0.2 });
    expect(p.label_column).toBe('MEDV');
    expect(p.sample_shape).toEqual([13]);
    // Means/stds of the first 405 rows (506 - round(101.2)), computed here from the file independently.
    const rows = readFileSync(housing, 'utf8').trim().split('\n').slice(1, 406).map((l) => l.split(',').map(Number));
    const crim = rows.map((r) => r[0]!);
    const mean = crim.reduce((a, b) => a + b, 0) / 405;
    const std = Math.sqrt(crim.reduce((a, b) => a + (b - mean) ** 2, 0) / 405);
    expect(p.features![0]).toMatchObject({ name: 'CRIM', type: 'numeric' });
    const f0 = p.features![0] as { mean: number; std: number };
    expect(f0.mean).toBeCloseTo(mean, 4);
    expect(f0.std).toBeCloseTo(std, 4);
    expect(p.target!.min).toBe(Math.min(...rows.map((r) => r[13]!)));
    // The feeder holds out rows 405..505 (file order) and standardises with the record.
    const feeder = createFeeder(d, { batchSize: 1000, validation: 0.2, labels: 'sparse' });
    expect(feeder.trainCount).toBe(405);
    expect(feeder.validationCount).toBe(101);
    const val = [...feeder.validationBatches()][0]!;
    expect(val.ys[0]).toBeCloseTo(Number(readFileSync(housing, 'utf8').trim().split('\n')[406]!.split(',')[13]), 4);
    expect(val.xs[0]).toBeCloseTo((Number(readFileSync(housing, 'utf8').trim().split('\n')[406]!.split(',')[0]) - mean) / std, 3);
    expect(config.fingerprint).toMatchObject({ bytes: 34723, files: 1 });
  });

  it('refusals: no label column given or named, --task classification on prices, a bad fraction', async () => {
    await expect(openOwnData({ path: housing })).rejects.toThrowError(
      `${housing}: which column is the label? None is named label/target/class/y: pass --label-column NAME. The columns are: CRIM, ZN, INDUS, CHAS, NOX, RM, AGE, DIS, RAD, TAX, PTRATIO, B, LSTAT, MEDV.`,
    );
    await expect(openOwnData({ path: housing, label_column: 'MEDV', task: 'classification' })).rejects.toThrowError(
      /housing\.csv: label 21\.6 at row 2 \(line 3\) is not a whole number: classification labels must be the class numbers 0\.\.K-1\. .*pass --task regression/,
    );
    await expect(openOwnData({ path: housing, label_column: 'MEDV', validation_split: 1 })).rejects.toThrowError('--validation-split must be between 0 and 1 (exclusive), e.g. 0.2. Received: 1');
    await expect(openOwnData({ path: '/nonexistent/data.csv' })).rejects.toThrowError("'/nonexistent/data.csv' is neither a catalog dataset (see layerlab datasets list) nor an existing file or folder.");
  });
});

describe('own data: NumPy and IDX files', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('own-numpy');
  });
  afterAll(() => tmp.cleanup());

  it('a Keras-layout .npz with int64 labels (numpy default) and uint8 images is classification with K classes', async () => {
    const { pixels, labels } = await mnistFixtures();
    const path = join(tmp.dir, 'mnist.npz');
    await writeFile(path, zipSync({
      'x_train.npy': npy('|u1', [16, 28, 28], pixels.subarray(0, 16 * 784)),
      'y_train.npy': npy('<i8', [16], int64(labels.slice(0, 16))),
      'x_test.npy': npy('|u1', [4, 28, 28], pixels.subarray(16 * 784)),
      'y_test.npy': npy('<i8', [4], int64(labels.slice(16))),
    }));
    const { dataset: d, config } = await openOwnData({ path });
    expect(d.task).toBe('classification');
    expect(Array.from(d.train.y)).toEqual(labels.slice(0, 16));
    expect(Array.from(d.test!.y)).toEqual(labels.slice(16));
    expect(d.train.sampleShape).toEqual([28, 28, 1]);
    expect(config.preprocessing).toMatchObject({ kind: 'npz', validation: { kind: 'test-split' }, class_names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  });

  it.each([
    ['2147483647', [0, 1, 2147483647], /y_train\[2\] is too large \(at most 10000 classes, labels 0\.\.9999\)/],
    ['-3', [0, -3, 1], /label -3 at y_train\[1\] is negative: classification labels must be the class numbers 0\.\.K-1/],
    ['2^62 (beyond a double)', [0, 2 ** 62], /y_train\[1\] is too large/],
  ])('a label of %s is refused with a clear error before anything is sized by it', async (_name, y, message) => {
    const path = join(tmp.dir, `bad-${y.join('_')}.npz`);
    await writeFile(path, zipSync({ 'x_train.npy': npy('<f8', [y.length, 2], float64(y.flatMap(() => [1, 2]))), 'y_train.npy': npy('<i8', [y.length], int64(y)) }));
    const before = process.memoryUsage().rss;
    await expect(openOwnData({ path, task: 'classification' })).rejects.toThrowError(message);
    // A class table sized by 2147483647 would need gigabytes; the check allocates nothing of the kind.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20);
  });

  it('.npy files (x_train.npy + y_train.npy in a folder; x.npy beside y.npy), float16 features and int64 targets as regression', async () => {
    const dir = join(tmp.dir, 'npy');
    await mkdir(dir);
    const n = 150;
    // Targets: 150 distinct integers, more than 100, so inferred as regression.
    const targets = Array.from({ length: n }, (_, i) => 1000 + i * 3);
    const halfs = new Uint16Array(n * 2).fill(0x3c00); // 1.0 in float16
    await writeFile(join(dir, 'x_train.npy'), npy('<f2', [n, 2], new Uint8Array(halfs.buffer)));
    await writeFile(join(dir, 'y_train.npy'), npy('<i8', [n], int64(targets)));
    const { dataset: d, config } = await openOwnData({ path: dir });
    expect(d.task).toBe('regression');
    expect(d.train.x[0]).toBe(1);
    expect(d.train.y[149]).toBe(1447);
    expect(config.preprocessing).toMatchObject({ kind: 'npy', task: 'regression', target: { min: 1000, max: 1000 + 119 * 3 } });
    await writeFile(join(dir, 'x.npy'), npy('<f2', [n, 2], new Uint8Array(halfs.buffer)));
    await expect(openOwnData({ path: join(dir, 'x.npy') })).rejects.toThrowError(/x\.npy: where are the labels\? Put them beside it as y\.npy/);
  });

  it('IDX folders, uncompressed and gzipped, from the real MNIST test files', async () => {
    const images = parseIdx(readFileSync(join(sharedDatasets, 'mnist/t10k-images-idx3-ubyte.gz')));
    const labels = parseIdx(readFileSync(join(sharedDatasets, 'mnist/t10k-labels-idx1-ubyte.gz')));
    const idx = (magic: number[], dims: number[], data: Uint8Array) => {
      const head = new Uint8Array(4 + 4 * dims.length);
      head.set(magic);
      dims.forEach((d, i) => new DataView(head.buffer).setUint32(4 + 4 * i, d, false));
      return Buffer.concat([head, data]);
    };
    for (const [folder, zip] of [['plain', false], ['gz', true]] as const) {
      const dir = join(tmp.dir, `idx-${folder}`);
      await mkdir(dir);
      const put = (name: string, b: Buffer) => writeFile(join(dir, zip ? `${name}.gz` : name), zip ? gzipSync(b) : b);
      await put('train-images-idx3-ubyte', idx([0, 0, 8, 3], [80, 28, 28], images.data.subarray(0, 80 * 784) as Uint8Array));
      await put('train-labels-idx1-ubyte', idx([0, 0, 8, 1], [80], labels.data.subarray(0, 80) as Uint8Array));
      await put('t10k-images-idx3-ubyte', idx([0, 0, 8, 3], [20, 28, 28], images.data.subarray(80 * 784, 100 * 784) as Uint8Array));
      await put('t10k-labels-idx1-ubyte', idx([0, 0, 8, 1], [20], labels.data.subarray(80, 100) as Uint8Array));
      const { dataset: d, config } = await openOwnData({ path: dir });
      expect(config.source.kind).toBe('idx');
      expect(d.train.count).toBe(80);
      expect(d.test!.count).toBe(20);
      expect(Array.from(d.test!.y)).toEqual(Array.from(labels.data.subarray(80, 100)));
      expect(config.preprocessing.image).toEqual({ height: 28, width: 28, color: 'grayscale' });
    }
  });
});

describe('boston-housing in the catalog', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('boston');
  });
  afterAll(() => tmp.cleanup());

  it("splits as Keras' load_data: RandomState(113) shuffle, first 404 rows train, last 102 test", async () => {
    // Keras' .npz cannot be downloaded here: build one of the same layout (x: 506x13 float64, y: 506 float64) from the real rows.
    const rows = (await readFile(housing, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const mirror = join(tmp.dir, 'mirror', 'boston-housing');
    await mkdir(mirror, { recursive: true });
    await writeFile(join(mirror, 'boston_housing.npz'), zipSync({
      'x.npy': npy('<f8', [506, 13], float64(rows.flatMap((r) => r.slice(0, 13)))),
      'y.npy': npy('<f8', [506], float64(rows.map((r) => r[13]!))),
    }));
    const entry = getCatalogEntry('boston-housing');
    expect(entry.files[0]!.sha256).toBe('f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5');
    // Same entry with our rebuilt file's checksum (it is not byte-identical to Keras').
    const bytes = readFileSync(join(mirror, 'boston_housing.npz'));
    const local = { ...entry, files: entry.files.map((f) => ({ ...f, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })) };
    const d = await loadCatalogEntry(local, { mirror: join(tmp.dir, 'mirror'), cacheDir: join(tmp.dir, 'cache'), offline: true });
    expect(d.task).toBe('regression');
    expect(d.train.count).toBe(404);
    expect(d.test!.count).toBe(102);
    const order = numpyPermutation(506, 113);
    expect(Array.from(order.subarray(0, 5))).toEqual([22, 202, 368, 335, 461]);
    expect(d.train.y[0]).toBeCloseTo(rows[22]![13]!, 5);
    expect(d.test!.y[101]).toBeCloseTo(rows[order[505]!]![13]!, 5);
    expect(d.train.x[13]).toBeCloseTo(rows[202]![0]!, 5);
  });
});

describe('own data: sklearn digits', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('digits');
  });
  afterAll(() => tmp.cleanup());

  it('with a header naming the label column: 10 classes, the last 20% held out in file order', async () => {
    const rows = gunzipSync(readFileSync(join(sharedDatasets, 'sklearn-digits/digits.csv.gz'))).toString('utf8');
    const path = join(tmp.dir, 'digits.csv.gz');
    await writeFile(path, gzipSync(`${Array.from({ length: 64 }, (_, i) => `p${i}`).join(',')},digit\n${rows}`));
    const { dataset: d, config } = await openOwnData({ path, label_column: 'digit', validation_split: 0.25 });
    expect(d.classNames).toHaveLength(10);
    expect(config.preprocessing).toMatchObject({ kind: 'csv', task: 'classification', validation: { kind: 'last-fraction', fraction: 0.25 } });
    const feeder = createFeeder(d, { batchSize: 4096, validation: 0.25, labels: 'sparse' });
    expect(feeder.validationCount).toBe(449);
    const last = rows.trim().split('\n').slice(-449).map((l) => Number(l.split(',')[64]));
    expect(Array.from([...feeder.validationBatches()][0]!.ys)).toEqual(last);
    await expect(openOwnData({ path: join(sharedDatasets, 'sklearn-digits/digits.csv.gz') })).rejects.toThrowError(/holds only numbers, so it is not a header/);
  });
});
