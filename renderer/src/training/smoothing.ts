/**
 * TensorBoard's smoothing: an exponential moving average debiased like Adam's, so that the first points are not
 * pulled towards zero. weight 0 leaves the series as it is; NaN gaps are carried through.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let steps = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    steps++;
    return last / (1 - weight ** steps);
  });
}
