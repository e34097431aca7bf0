/**
 * `npm run bench:zip`: how long each zip-bomb case takes to be refused, how much RSS it costs, and the longest
 * event-loop stall meanwhile (a stall freezes every client of `layerlab serve`). The same cases are asserted,
 * without timings, in test/integration/projects/zip-limits.test.ts. Prints figures; asserts nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { strToU8 } from 'fflate';
import { readProjectFile } from '../main/projects/file';
import { deflatedRun, rawZip } from '../test/support/zip-bomb';

const SIZE = 1536 * 2 ** 20;
const dir = await mkdtemp(join(tmpdir(), 'layerlab-bench-zip-'));
const bomb = await deflatedRun(SIZE);
const project = strToU8('{}');

async function measure(label: string, declared: number): Promise<void> {
  const file = join(dir, `${label}.layerlab`);
  await writeFile(file, rawZip([{ name: 'project.json', method: 8, data: bomb, size: declared }, { name: 'x.json', method: 0, data: project, size: project.length }]));
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  let outcome = 'opened (!)';
  try {
    await readProjectFile(file);
  } catch (err) {
    outcome = (err as Error).message.replace(file, 'FILE').slice(0, 110);
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  console.log(`${label.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms  RSS +${((process.memoryUsage().rss - rss) / 2 ** 20).toFixed(0).padStart(5)} MB  longest stall ${stall.toFixed(0).padStart(5)} ms  ${outcome}`);
}

console.log(`bomb: ${bomb.length} compressed bytes of ${SIZE} (ratio ${(SIZE / bomb.length).toFixed(0)}:1)`);
await measure('declared-honest', SIZE);
await measure('declared-4KB', 4096);
await measure('declared-30MB', 30 * 2 ** 20);
await rm(dir, { recursive: true, force: true });
