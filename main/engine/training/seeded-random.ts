/**
 * tfjs draws the seeds of its unseeded random ops (Dropout masks, GaussianNoise...) from Math.random, so a run's
 * seed alone does not make those repeat. For the duration of a run, Math.random becomes a generator seeded from the
 * run's seed: the same config then trains to the same weights, dropout included. Training runs in its own worker
 * thread, so nothing else draws from it there.
 *
 * The generator's state goes into each checkpoint (`state()`), and a resumed run continues from it (`restore()`):
 * otherwise the resumed epochs would draw other dropout masks than an uninterrupted run.
 */
import { mulberry32Step } from '../../../shared/random';

/** mulberry32 (shared/random.ts's), with its one word of state readable and settable. */
export class SeededRandom {
  private readonly word: { a: number };
  constructor(seed: number) {
    this.word = { a: seed >>> 0 };
  }
  readonly next = (): number => mulberry32Step(this.word);
  state(): number {
    return this.word.a;
  }
  restore(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new Error(`random state must be a 32-bit unsigned integer, got ${state}`);
    this.word.a = state;
  }
}

export async function withSeededMathRandom<T>(seed: number, body: (random: SeededRandom) => Promise<T>): Promise<T> {
  const original = Math.random;
  // A different stream from the data order's (which uses the seed itself).
  const random = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);
  const seeded = random.next;
  Math.random = seeded;
  try {
    return await body(random);
  } finally {
    // Only undo our own replacement (an overlapping run may have installed its own since).
    if (Math.random === seeded) Math.random = original;
  }
}
