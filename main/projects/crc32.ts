/** CRC-32 (IEEE, as zip uses). fflate computes it internally when writing but does not export it for reading. */
const table = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** Feed chunks with `update`, read `value` (unsigned). */
export class Crc32 {
  private c = -1;
  update(data: Uint8Array): this {
    let c = this.c;
    for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    this.c = c;
    return this;
  }
  get value(): number {
    return ~this.c >>> 0;
  }
}

export function crc32(data: Uint8Array): number {
  return new Crc32().update(data).value;
}
