import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/datasets/errors';
import { parseIdx } from '../../../main/datasets/idx';

const shared = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets');
const labelsGz = readFileSync(resolve(shared, 'mnist/t10k-labels-idx1-ubyte.gz'));
const imagesGz = readFileSync(resolve(shared, 'mnist/t10k-images-idx3-ubyte.gz'));

describe('IDX parser on the real MNIST test files', () => {
  it('reads dims from the header, gzip or plain alike', () => {
    const gz = parseIdx(imagesGz, 'img', { type: 'uint8', ndim: 3 });
    expect(gz.dims).toEqual([10000, 28, 28]);
    expect(gz.data.length).toBe(10000 * 784);
    const plain = parseIdx(gunzipSync(imagesGz));
    expect(plain.dims).toEqual([10000, 28, 28]);
    expect(Buffer.from(plain.data as Uint8Array).equals(Buffer.from(gz.data as Uint8Array))).toBe(true);
    const labels = parseIdx(labelsGz, 'lab', { ndim: 1 });
    expect(Array.from(labels.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(labels.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(labels.data)).toBe(false);
  });

  it('a wrong magic number is a FormatError naming the file and the magic', () => {
    const raw = Uint8Array.from(gunzipSync(labelsGz));
    raw[2] = 0x42;
    expect(() => parseIdx(raw, 'labels.idx')).toThrowError(/labels\.idx: wrong magic number 0x00004201/);
    const nonzero = Uint8Array.from(gunzipSync(labelsGz));
    nonzero[0] = 1;
    expect(() => parseIdx(gzipSync(nonzero), 'x')).toThrow(FormatError);
  });

  it('images where labels were expected (ndim mismatch) are refused', () => {
    expect(() => parseIdx(imagesGz, 'img', { ndim: 1 })).toThrowError(/has 3 dimensions where 1 were expected/);
  });

  it('a truncated file is detected: plain data and cut-off gzip', () => {
    const raw = gunzipSync(imagesGz);
    expect(() => parseIdx(raw.subarray(0, raw.length - 784), 'img')).toThrowError(/truncated: header says 10000x28x28 uint8 values \(7840016 bytes\) but the data has 7839232/);
    expect(() => parseIdx(imagesGz.subarray(0, imagesGz.length >> 1), 'img.gz')).toThrowError(/img\.gz: gzip data is damaged or cut short/);
    expect(() => parseIdx(raw.subarray(0, 10), 'img')).toThrowError(/header cut short/);
  });

  it('decodes big-endian int32 values', () => {
    const bytes = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    const a = parseIdx(bytes);
    expect(a.type).toBe('int32');
    expect(Array.from(a.data)).toEqual([-2, 256]);
  });
});
