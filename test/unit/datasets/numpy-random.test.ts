/**
 * numpy's legacy RandomState shuffle, ported: the expected values were printed by numpy 1.24
 * (np.random.RandomState(seed).shuffle(np.arange(n))); where /usr/bin/python3 has numpy, whole permutations are
 * compared with it too.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Mt19937, numpyPermutation } from '../../../main/datasets/numpy-random';

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe("numpy's RandomState", () => {
  it('MT19937 seeded with an integer gives the reference outputs (mt19937ar.c, init_genrand(5489))', () => {
    const mt = new Mt19937(5489);
    expect([mt.nextUint32(), mt.nextUint32(), mt.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });

  it.each([
    [10, 113, [9, 3, 6, 1, 0, 7, 4, 8, 2, 5]],
    [506, 113, [22, 202, 368, 335, 461, 323, 382, 143, 146, 141, 402, 412]],
    [1000, 0, [993, 859, 298, 553, 672, 971, 27, 231, 306, 706, 496, 558]],
    [70000, 42, [46730, 48393, 41416, 34506, 43725, 11615, 24656, 22411, 936, 56364, 25949, 31524]],
  ])('shuffle(arange(%i)) with seed %i starts as numpy does', (n, seed, head) => {
    const p = numpyPermutation(n, seed);
    expect(Array.from(p.subarray(0, head.length))).toEqual(head);
    expect(new Set(p).size).toBe(n);
  });

  it.skipIf(!hasNumpy)('the whole Boston permutation equals numpy on this machine', () => {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import numpy as np; r=np.random.RandomState(113); i=np.arange(506); r.shuffle(i); print(",".join(map(str,i)))'], { encoding: 'utf8' });
    expect(Array.from(numpyPermutation(506, 113)).join(',')).toBe(r.stdout.trim());
  });
});
