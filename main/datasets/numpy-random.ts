/**
 * numpy's legacy RandomState, only as far as Keras' load_data needs it: MT19937 seeded with an integer
 * (mt19937_seed, Matsumoto and Nishimura's init_genrand) and RandomState.shuffle of a 1-D array (Fisher-Yates from the
 * end, each index drawn by random_interval: masked 32-bit draws, rejected while above the bound). Checked against
 * numpy 1.24 in test/unit/datasets/numpy-random.test.ts (and, for imdb/reuters' two permutations from one
 * generator, in test/unit/datasets/keras-text.test.ts).
 */
const N = 624;
const M = 397;

export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2**32 - 1]. Received: ${seed}`);
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's random_interval(max) for max < 2**32: uniform in [0, max]. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    while ((v = (this.nextUint32() & mask) >>> 0) > max);
    return v;
  }

  /**
   * rng.permutation(n), continuing this generator's stream: imdb/reuters' load_data draws the train and then the
   * test permutation from the same RandomState.
   */
  permutation(n: number): Uint32Array {
    const out = Uint32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }
}

/** np.random.RandomState(seed) then rng.shuffle(np.arange(n)) (the same as rng.permutation(n)). */
export function numpyPermutation(n: number, seed: number): Uint32Array {
  return new Mt19937(seed).permutation(n);
}
