/**
 * The 2-D PCA of some rows of a [V, D] matrix (the text view's map of an Embedding's most frequent words): the rows
 * centred on their mean, projected on the two directions of largest variance. D is an Embedding's output_dim (tens to
 * hundreds), so the D x D covariance and power iteration with deflation are exact enough and need no library.
 */

export interface PrincipalPlane {
  /** Each chosen row's coordinates on the first and second principal axis, in the order of `rows`. */
  points: [number, number][];
  /** The share of the rows' total variance along each axis (0..1). */
  explained: [number, number];
}

/** The unit eigenvector of the largest eigenvalue of the symmetric `c` (d x d), and that eigenvalue. */
function topEigen(c: Float64Array, d: number): { vector: Float64Array; value: number } {
  // A start with a component along every axis (an all-equal start can be orthogonal to the answer).
  let v = Float64Array.from({ length: d }, (_, i) => 1 + i / d);
  let value = 0;
  for (let iter = 0; iter < 1000; iter++) {
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) next[i]! += c[i * d + j]! * v[j]!;
    const norm = Math.hypot(...next);
    if (norm === 0) return { vector: v.map(() => 0), value: 0 };
    for (let i = 0; i < d; i++) next[i]! /= norm;
    const change = Math.hypot(...next.map((x, i) => x - v[i]!));
    v = next;
    value = norm;
    if (change < 1e-12) break;
  }
  // One sign for the same answer every time: the largest component positive.
  const largest = v.reduce((best, x, i) => (Math.abs(x) > Math.abs(v[best]!) ? i : best), 0);
  if (v[largest]! < 0) v = v.map((x) => -x);
  return { vector: v, value };
}

export function principalPlane(matrix: Float32Array, dim: number, rows: number[]): PrincipalPlane {
  const n = rows.length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) mean[k]! += matrix[r * dim + k]! / n;
  const centred = rows.map((r) => Float64Array.from({ length: dim }, (_, k) => matrix[r * dim + k]! - mean[k]!));
  const cov = new Float64Array(dim * dim);
  for (const x of centred) for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov[i * dim + j]! += (x[i]! * x[j]!) / n;
  let total = 0;
  for (let i = 0; i < dim; i++) total += cov[i * dim + i]!;
  const first = topEigen(cov, dim);
  // Deflation: the first axis' variance taken out, the largest left is the second axis.
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov[i * dim + j]! -= first.value * first.vector[i]! * first.vector[j]!;
  const second = topEigen(cov, dim);
  const dot = (x: Float64Array, v: Float64Array) => x.reduce((s, xi, i) => s + xi * v[i]!, 0);
  return {
    points: centred.map((x) => [dot(x, first.vector), dot(x, second.vector)]),
    explained: total > 0 ? [first.value / total, Math.max(0, second.value) / total] : [0, 0],
  };
}
