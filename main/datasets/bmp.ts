/**
 * Windows BMP files, which sharp (libvips without ImageMagick) cannot read: the uncompressed kinds image tools write
 * (1/4/8-bit with a palette, 24-bit and 32-bit BI_RGB/BI_BITFIELDS with the usual masks), decoded to RGB rows, top first.
 */
import { FormatError } from './errors';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major from the top. */
  data: Uint8Array;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

export function decodeBmp(bytes: Uint8Array, file?: string): RgbImage {
  if (!isBmp(bytes) || bytes.length < 54) throw new FormatError('not a BMP file (no BM header).', file);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width > 16384 || height > 16384) throw new FormatError(`BMP size ${width}x${rawHeight} is not supported.`, file);
  if (![1, 4, 8, 24, 32].includes(bpp) || !(compression === 0 || (compression === 3 && bpp === 32))) {
    throw new FormatError(`BMP with ${bpp} bits per pixel and compression ${compression} is not supported: save it as PNG.`, file);
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw new FormatError('BMP pixel data is cut short.', file);
  const paletteAt = 14 + headerSize;
  const colors = v.getUint32(46, true) || 2 ** bpp;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    // Positive height: rows are stored bottom-up.
    const row = dataOffset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp >= 24) {
        const p = row + x * (bpp / 8);
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (index >= colors) throw new FormatError(`BMP palette index ${index} is outside its ${colors} colours.`, file);
        const p = paletteAt + index * 4;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      }
    }
  }
  return { width, height, data: out };
}
