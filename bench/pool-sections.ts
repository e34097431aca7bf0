/**
 * The README's text figure: the imdb-embedding-pool template's layers (Embedding 10000x16, GlobalAveragePooling1D,
 * Dense 16 ReLU) with an 8-way softmax on debian-package-sections, trained by `layerlab train` exactly as the README
 * shows it. Shared by `npm run bench:text-accuracy` (the figure, over seeds) and its test (a real subset).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph } from '../shared/graph/compile';
import { getTemplate } from '../shared/templates/registry';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const SECTIONS_DIR = resolve(repoRoot, '../shared/datasets/debian-package-sections');
export const SEQUENCE_LENGTH = 32;

/** The README's flags (besides the model, the data and --seed). */
export const README_FLAGS = ['--max-tokens', '10000', '--sequence-length', String(SEQUENCE_LENGTH), '--epochs', '8', '--optimizer', 'adam', '--learning-rate', '0.005', '--batch-size', '32'];

/** pool.json: the template's graph with [32] ids in and one softmax unit per section out. */
export function writePoolModel(dir: string): string {
  const graph = structuredClone(getTemplate('imdb-embedding-pool')!.graph);
  const kinds = graph.nodes.map((n) => n.kind).join(',');
  if (kinds !== 'InputLayer,Embedding,GlobalAveragePooling1D,Dense,Dense') throw new Error(`the imdb-embedding-pool template changed (${kinds}): update bench/pool-sections.ts and the README`);
  const [input, , , , out] = graph.nodes;
  input!.config = { ...input!.config, batch_input_shape: [null, SEQUENCE_LENGTH] };
  out!.config = { ...out!.config, units: 8, activation: 'softmax' };
  const file = join(dir, 'pool.json');
  writeFileSync(file, JSON.stringify(compileGraph(graph)));
  return file;
}

export interface PoolRun {
  /** Test accuracy after the last epoch (0..1), and each epoch's loss. */
  accuracy: number;
  losses: number[];
  seconds: number;
}

/** One `layerlab train` of pool.json on the CSVs; `extra` adds flags (e.g. --limit-train for a subset). */
export function trainPool(dir: string, model: string, seed: number, extra: string[] = []): PoolRun {
  const args = [join(repoRoot, 'bin/layerlab.js'), 'train', model, '--dataset', join(SECTIONS_DIR, 'train.csv'), '--test', join(SECTIONS_DIR, 'test.csv'), ...README_FLAGS, '--seed', String(seed), '--json', ...extra];
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 600_000, env: { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache') } });
  if (r.status !== 0) throw new Error(`layerlab train failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { loss: number; val_acc: number });
  return { accuracy: epochs.at(-1)!.val_acc, losses: epochs.map((e) => e.loss), seconds: (performance.now() - started) / 1000 };
}
