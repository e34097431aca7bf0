/** The text view's nearest words: cosine similarity of Embedding rows, on a hand-made matrix with known answers. */
import { describe, expect, it } from 'vitest';
import { nearestRows } from '../../../main/service/text-view';

// Rows of a [7, 2] embedding: 0 padding and 1 OOV (ids the default leaves out), then words 2..6.
const E = Float32Array.from([
  1, 0, // 0 padding: the same direction as word 2, but not a word
  2, 0, // 1 OOV: likewise
  1, 0, // 2 the chosen word
  10, 10, // 3 long, at 45 degrees: cosine 1/sqrt(2), the largest dot product (10)
  0.5, 0.01, // 4 short, almost the same direction: cosine 0.9998, dot product only 0.5
  -1, 0, // 5 opposite: cosine -1
  0, 3, // 6 orthogonal: cosine 0
]);

describe('nearestRows', () => {
  it('ranks by cosine, not by dot product, with the exact similarities', () => {
    const got = nearestRows(E, 2, 2, 10);
    expect(got.map((n) => n.id)).toEqual([4, 3, 6, 5]);
    const expected = [0.5 / Math.hypot(0.5, 0.01), 1 / Math.SQRT2, 0, -1];
    got.forEach((n, i) => expect(n.similarity).toBeCloseTo(expected[i]!, 6));
  });

  it('leaves out the word itself and the rows that are no words, and keeps the count asked for', () => {
    expect(nearestRows(E, 2, 2, 2).map((n) => n.id)).toEqual([4, 3]);
    // With every row a word, padding and OOV (the same direction) come first, at similarity 1.
    const all = nearestRows(E, 2, 2, 3, () => true);
    expect(all.map((n) => n.id)).toEqual([0, 1, 4]);
    expect(all[0]!.similarity).toBeCloseTo(1, 6);
    expect(nearestRows(E, 2, 2, 10, (r) => r !== 4 && r >= 2).map((n) => n.id)).toEqual([3, 6, 5]);
  });

  it('gives a row of zeros similarity 0 (not NaN)', () => {
    const z = Float32Array.from([0, 0, 0, 0, 1, 1, 0, 0]);
    expect(nearestRows(z, 2, 2, 5)).toEqual([{ id: 3, similarity: 0 }]);
  });
});
