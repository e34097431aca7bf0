/** Seeded randomness (shuffling, augmentation, random search, test inputs): the same seed gives the same numbers on every machine. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** One step of mulberry32 on a state word kept by the caller (so it can be saved and restored). */
export function mulberry32Step(state: { a: number }): number {
  state.a = (state.a + 0x6d2b79f5) >>> 0;
  let t = state.a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** mulberry32: tiny, fast and good enough for data order and test inputs; not for cryptography. Uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  const state = { a: seed >>> 0 };
  return () => mulberry32Step(state);
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare: number | undefined;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher-Yates over 0..n-1 (or over the given indices, in place). */
export function shuffledIndices(n: number, seed: number, indices?: Uint32Array): Uint32Array {
  const out = indices ?? Uint32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
