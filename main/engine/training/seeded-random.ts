/**
 * tfjs draws the seeds of its unseeded random ops (Dropout masks, GaussianNoise...) from Math.random, so a run's
 * seed alone does not make those repeat. For the duration of a run, Math.random becomes a generator seeded from the
 * run's seed: the same config then trains to the same weights, dropout included. Training runs in its own worker
 * thread, so nothing else draws from it there.
 */
import { mulberry32 } from '../../../shared/random';

export async function withSeededMathRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  // A different stream from the data order's (which uses the seed itself).
  const seeded = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  Math.random = seeded;
  try {
    return await body();
  } finally {
    // Only undo our own replacement (an overlapping run may have installed its own since).
    if (Math.random === seeded) Math.random = original;
  }
}
