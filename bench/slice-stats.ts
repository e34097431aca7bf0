/**
 * Statistics of bench:train's paired slices: each pair is a few batches of tfjs and of PyTorch run back to back, so
 * the two see (nearly) the same machine load; the ratio of each pair is one sample. On a shared machine the ratios
 * scatter; the median with its interquartile range says where the two stand, and whether the data can tell.
 */

/** The q-quantile (0..1) by linear interpolation between order statistics (numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of no values: run at least one slice (BENCH_SLICES >= 1)');
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Spread {
  median: number;
  q1: number;
  q3: number;
}

export function spread(xs: readonly number[]): Spread {
  return { median: quantile(xs, 0.5), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) };
}

/** Relative width of the interquartile range above which a ratio is called too noisy to report as a figure. */
export const MAX_RELATIVE_IQR = 0.5;

/**
 * What a ratio's spread lets one say about "tfjs is at least as fast as PyTorch" (ratio >= 1): a verdict when the
 * whole interquartile range lies on one side of 1, otherwise that it cannot be told; and a warning when the range is
 * wider than MAX_RELATIVE_IQR of the median (the machine's load changed too much between the two halves of pairs).
 */
export function verdict(s: Spread): string {
  const width = (s.q3 - s.q1) / s.median;
  const wide = width > MAX_RELATIVE_IQR
    ? `; spread too wide to conclude (IQR ${(100 * width).toFixed(0)}% of the median > ${100 * MAX_RELATIVE_IQR}%): rerun on a quieter machine or with more slices`
    : '';
  if (s.q1 >= 1) return `tfjs faster (whole IQR >= 1.0x)${wide}`;
  if (s.q3 < 1) return `PyTorch faster (whole IQR < 1.0x)${wide}`;
  return `cannot tell which is faster (IQR straddles 1.0x)${wide}`;
}

export const formatSpread = (s: Spread): string => `${s.median.toFixed(2)}x (IQR ${s.q1.toFixed(2)}-${s.q3.toFixed(2)})`;
