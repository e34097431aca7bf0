/** .npy/.npz, tensor permutation, Python names and literals, TF.js weight decoding, the depth_multiplier repair. */
import { describe, expect, it } from 'vitest';
import { decodeNpy, decodeNpz, encodeNpy, encodeNpz } from '../../../main/export/npy';
import { pyLiteral, pythonNames } from '../../../main/export/python-names';
import { permute } from '../../../main/export/pytorch/weights';
import { decodeTfjsWeights } from '../../../main/export/source';
import { repairSpec } from '../../../main/export/spec-repair';
import type { ExportSource } from '../../../main/export/types';

describe('npy / npz', () => {
  it('writes a header numpy accepts (64-byte aligned, little-endian float32) and reads it back', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 3);
    const bytes = encodeNpy([2, 3, 4], data);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLen))).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3, 4\), \} *\n$/);
    expect(decodeNpy(bytes)).toEqual({ shape: [2, 3, 4], data });
    expect(decodeNpy(encodeNpy([5], data.subarray(0, 5))).shape).toEqual([5]);
    const z = decodeNpz(encodeNpz({ 'a.weight': { shape: [2, 12], data }, 'conv/0': { shape: [24], data } }));
    expect(Object.keys(z).sort()).toEqual(['a.weight', 'conv/0']);
    expect(z['a.weight'].data).toEqual(data);
  });

  it('refuses a value count that does not fit the shape', () => {
    expect(() => encodeNpy([2, 2], new Float32Array(3))).toThrow(/needs 4 values, got 3/);
  });
});

describe('permute', () => {
  it('HWIO -> OIHW moves every element where PyTorch expects it', () => {
    const [h, w, i, o] = [2, 3, 4, 5];
    const data = Float32Array.from({ length: h * w * i * o }, (_, n) => n);
    const p = permute({ shape: [h, w, i, o], data }, [3, 2, 0, 1]);
    expect(p.shape).toEqual([o, i, h, w]);
    for (const [a, b, c, d] of [[0, 0, 0, 0], [1, 2, 3, 4], [1, 0, 2, 3], [0, 2, 1, 1]]) {
      expect(p.data[((d * i + c) * h + a) * w + b]).toBe(data[((a * w + b) * i + c) * o + d]);
    }
  });
});

describe('Python names and literals', () => {
  it('makes unique identifiers that shadow nothing PyTorch or Python needs', () => {
    const names = pythonNames(['conv2d/1', 'conv2d_1', 'forward', 'input', '2d', 'class', 'x']);
    expect([...names.values()]).toEqual(['conv2d_1', 'conv2d_1_2', 'l_forward', 'l_input', 'l_2d', 'l_class', 'l_x']);
  });
  it('writes tuples, None, booleans, escaped strings and non-finite floats', () => {
    expect(pyLiteral([3, 3])).toBe('(3, 3)');
    expect(pyLiteral([7])).toBe('(7,)');
    expect(pyLiteral({ a: null, b: true, c: "it's" })).toBe("{'a': None, 'b': True, 'c': 'it\\'s'}");
    expect(pyLiteral(1e-7)).toBe('1e-7');
    expect(pyLiteral(-Infinity)).toBe("float('-inf')");
  });
});

describe('TF.js weights', () => {
  it('decodes float32 weights in manifest order and refuses short or quantized data', () => {
    const data = new Uint8Array(Float32Array.from([1, 2, 3, 4, 5]).buffer);
    const w = decodeTfjsWeights([{ name: 'd/kernel', shape: [2, 2] }, { name: 'd/bias', shape: [1] }], data);
    expect(Array.from(w[1].data)).toEqual([5]);
    expect(() => decodeTfjsWeights([{ name: 'd/kernel', shape: [3, 2] }], data)).toThrow(/cut short/);
    expect(() => decodeTfjsWeights([{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }], data)).toThrow(/quantized/);
  });

  it('restores the depth_multiplier tfjs leaves out of SeparableConv2D configs, from the kernel shape', () => {
    const source: ExportSource = {
      spec: { class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'SeparableConv2D', config: { name: 'sep', filters: 4, kernel_size: [3, 3] } }] } },
      weights: [{ name: 'sep/depthwise_kernel', shape: [3, 3, 2, 3], data: new Float32Array(54) }],
    };
    expect(repairSpec(source).spec.config.layers[0].config.depth_multiplier).toBe(3);
    expect(source.spec.config.layers[0].config.depth_multiplier).toBeUndefined();
  });
});
