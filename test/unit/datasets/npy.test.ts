import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseNpy, parseNpz } from '../../../main/datasets/npy';

const shared = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets');
const npzBytes = readFileSync(resolve(shared, 'cifar-10-subset/cifar10_subset_derived.npz'));
const members = unzipSync(npzBytes);
const labels = JSON.parse(readFileSync(resolve(shared, 'cifar-10-subset/cifar10_labels.json'), 'utf8')) as { test_first_1000: number[] };

/** Rewrites the header dict of a real .npy member (same length, so offsets stay valid). */
function withHeader(npy: Uint8Array, from: string, to: string): Uint8Array {
  const text = new TextDecoder('latin1').decode(npy.subarray(0, 128));
  const i = text.indexOf(from);
  if (i < 0) throw new Error(`no ${from} in header`);
  const out = Uint8Array.from(npy);
  const rep = to.padEnd(from.length, ' ');
  for (let k = 0; k < rep.length; k++) out[i + k] = rep.charCodeAt(k);
  return out;
}

describe('NumPy .npy / .npz on the real CIFAR-10 subset archive', () => {
  it('reads every array with dtype and shape from the header', () => {
    const arrays = parseNpz(npzBytes, 'subset.npz');
    expect([...arrays.keys()].sort()).toEqual(['x_test', 'x_train', 'y_test', 'y_train']);
    expect(arrays.get('x_train')).toMatchObject({ dtype: '|u1', shape: [4000, 32, 32, 3] });
    expect(arrays.get('x_train')!.data.length).toBe(4000 * 3072);
    expect(Array.from(arrays.get('y_test')!.data)).toEqual(labels.test_first_1000);
  });

  it('refuses Fortran order, truncation, unknown dtypes and non-npy bytes with the reason', () => {
    const y = members['y_test.npy'];
    expect(() => parseNpy(withHeader(y, "'fortran_order': False", "'fortran_order': True"), 'y.npy')).toThrowError(/y\.npy: array is stored in Fortran order/);
    expect(() => parseNpy(y.subarray(0, y.length - 10), 'y.npy')).toThrowError(/truncated: shape \(1000\) of \|u1 needs 1000 bytes of data, the file has 990/);
    expect(() => parseNpy(withHeader(y, "'|u1'", "'<c8'"), 'y.npy')).toThrowError(/dtype <c8 is not supported/);
    expect(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'z.npy')).toThrowError(/not a \.npy file/);
    expect(() => parseNpz(npzBytes.subarray(0, 1000), 'cut.npz')).toThrowError(/cut\.npz: not a readable \.npz/);
  });

  it('reads a float32 array view of the same values', () => {
    // A little-endian float32 .npy made from the real labels through the same header grammar numpy writes.
    const values = Float32Array.from(labels.test_first_1000.slice(0, 16));
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }".padEnd(117, ' ') + '\n';
    const bytes = new Uint8Array(10 + header.length + values.byteLength);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
    bytes.set(new TextEncoder().encode(header), 10);
    bytes.set(new Uint8Array(values.buffer), 10 + header.length);
    const a = parseNpy(bytes);
    expect(a.shape).toEqual([4, 4]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual(Array.from(values));
  });
});
