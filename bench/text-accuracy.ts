/**
 * `npm run bench:text-accuracy [-- --seeds 1,2,3,4,5] [-- --backend wasm]`: the README's text figure, reproduced. The
 * imdb-embedding-pool layers with an 8-way softmax (bench/pool-sections.ts) are trained by `layerlab train` on the
 * whole of debian-package-sections (6,566 training and 1,637 test descriptions, 8 sections, the largest 22%) with
 * the README's flags, once per seed; it prints each seed's test accuracy after the last epoch and their median and
 * range. The runs are seeded (weights and shuffling), so a seed gives the same figure again on the same backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from './slice-stats';
import { README_FLAGS, trainPool, writePoolModel } from './pool-sections';

const argAfter = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = (argAfter('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds is '${argAfter('--seeds')}'; give whole numbers >= 0 separated by commas, e.g. --seeds 1,2,3`);
const backend = argAfter('--backend') ?? 'wasm';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-text-accuracy-'));
try {
  const model = writePoolModel(dir);
  console.log(`imdb-embedding-pool layers, 8-way softmax, on debian-package-sections (backend ${backend}):`);
  console.log(`  layerlab train pool.json --dataset train.csv --test test.csv ${README_FLAGS.join(' ')} --seed S`);
  const accuracies: number[] = [];
  for (const seed of seeds) {
    const run = trainPool(dir, model, seed, ['--backend', backend]);
    accuracies.push(run.accuracy);
    console.log(`  seed ${seed}: test accuracy ${(run.accuracy * 100).toFixed(1)}% (loss ${run.losses[0]!.toFixed(3)} -> ${run.losses.at(-1)!.toFixed(3)}, ${run.seconds.toFixed(0)} s)`);
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`median ${pct(quantile(accuracies, 0.5))} (range ${pct(Math.min(...accuracies))}-${pct(Math.max(...accuracies))}) over seeds ${seeds.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
