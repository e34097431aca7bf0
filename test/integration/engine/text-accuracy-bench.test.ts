/**
 * The configuration behind the README's text figure (`npm run bench:text-accuracy`: the imdb-embedding-pool layers
 * with an 8-way softmax, `layerlab train` with the README's flags) learns the debian-package-sections well above
 * chance on a real subset: the first 2,000 training descriptions, tested on all 1,637 test ones.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { README_FLAGS, trainPool, writePoolModel } from '../../../bench/pool-sections';
import { repoRoot } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-text-accuracy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the README's text configuration reaches well above the largest section (22%) on 2,000 training rows", { timeout: 300_000 }, () => {
  const run = trainPool(dir, writePoolModel(dir), 1, ['--limit-train', '2000', '--backend', 'wasm']);
  console.log(`pool on 2,000 debian-package-sections rows: test accuracy ${(run.accuracy * 100).toFixed(1)}%, loss ${run.losses[0]!.toFixed(3)} -> ${run.losses.at(-1)!.toFixed(3)}`);
  expect(run.losses).toHaveLength(8);
  expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]! / 2);
  expect(run.accuracy).toBeGreaterThan(0.55);
});

it("the README shows the command the figure's bench and this test run (the same flags)", () => {
  const readme = readFileSync(`${repoRoot}/README.md`, 'utf8').replace(/\\\n/g, ' ').replace(/\s+/g, ' ');
  const command = `npx layerlab train assets/examples/sections-pool.json --dataset ../shared/datasets/debian-package-sections/train.csv --test ../shared/datasets/debian-package-sections/test.csv ${README_FLAGS.join(' ')} --seed 1`;
  expect(readme.includes(command), `the README should show: ${command}`).toBe(true);
  expect(/reach \*\*\d\d\.\d%\*\* test accuracy after 8 epochs/.test(readme), 'the README should give the figure after 8 epochs').toBe(true);
});
