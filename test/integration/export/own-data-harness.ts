/**
 * Shared by the exported-program tests on the user's own data (own-data-program, own-text-program): a project
 * trained by the real CLI on a path, exported to PyTorch and Keras, and the samples both sides prepare from it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { TrainingConfigSchema, type TrainingConfig } from '../../../shared/training';
import { createFeeder } from '../../../main/datasets/feed';
import { readNpz } from '../../../main/datasets/npy';
import { openOwnData } from '../../../main/datasets/own-data';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import type { Graph } from '../../../shared/graph/types';
import { PYTHON, REPO } from './helpers';

export interface OwnDataHarness {
  dir: string;
  layerlab(args: string[]): { stdout: string; stderr: string };
  python(args: string[], cwd: string): { stdout: string; stderr: string };
  /** A project with this graph, trained by the CLI on `data` (1 epoch), exported to PyTorch and Keras. */
  trainAndExport(name: string, graph: Graph, data: string, flags: string[]): Promise<{ pt: string; keras: string; config: TrainingConfig }>;
}

export function ownDataHarness(prefix: string): OwnDataHarness {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache'), OMP_NUM_THREADS: '1' };
  const run = (command: string, args: string[], cwd: string) => {
    const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
    return { stdout: r.stdout, stderr: r.stderr };
  };
  const layerlab = (args: string[]) => run(process.execPath, [join(REPO, 'bin/layerlab.js'), ...args], dir);
  return {
    dir,
    layerlab,
    python: (args, cwd) => run(PYTHON, args, cwd),
    async trainAndExport(name, graph, data, flags) {
      const doc = createProject({ name });
      doc.project.graph = graph;
      doc.project.training = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 1, batch_size: 16 });
      const file = join(dir, `${name}.layerlab`);
      await saveProjectAs(doc, file);
      layerlab(['train', file, '--dataset', data, ...flags, '--epochs', '1']);
      const pt = join(dir, `${name}-pt`);
      const keras = join(dir, `${name}-keras`);
      expect(layerlab(['export', file, '--format', 'pytorch', '--out', pt]).stdout).toMatch(/train\.py reads your data from/);
      layerlab(['export', file, '--format', 'keras', '--out', keras]);
      const stored = (await openProject(file)).doc.runs.at(-1)!;
      return { pt, keras, config: TrainingConfigSchema.parse(stored.meta.config) };
    },
  };
}

const jsonLines = (out: string): Record<string, number>[] =>
  out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);

/** What the exported train.py's prepare_data makes of its default data (the run's), saved as .npz and read back. */
async function pythonPrepared(h: OwnDataHarness, pt: string): Promise<Map<string, { shape: number[]; data: ArrayLike<number> }>> {
  h.python(['-c', [
    'import sys; sys.argv = ["train.py"]',
    'import numpy as np, train',
    'd = train.prepare_data(train.DATASET, "", 0, False, train.DATA_PATH, train.TEST_PATH)',
    'np.savez("prepared.npz", x_train=d["train"][0], y_train=d["train"][1], x_val=d["val"][0], y_val=d["val"][1])',
  ].join('\n')], pt);
  return readNpz(join(pt, 'prepared.npz'));
}

/** Layerlab's own feeder over the run's stored record (as main/engine/train.ts feeds it): training rows in file order, then the validation rows. */
async function layerlabPrepared(config: TrainingConfig, projectDir: string) {
  const own = ownDatasetOf(config.dataset)!;
  const { dataset } = await openOwnData(own.source, { baseDir: projectDir, stored: own.preprocessing });
  const feeder = createFeeder(dataset, {
    batchSize: 100_000,
    normalisation: dataset.raw ? 'none' : config.preprocessing.normalize === 'standardize' ? 'standardise' : 'scale',
    labels: 'sparse',
    validation: config.validation.kind === 'split' ? config.validation.fraction : 'test',
    shuffle: false,
  });
  const train = [...feeder.trainBatches(0)][0]!;
  const val = [...feeder.validationBatches()][0]!;
  return { train, val };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(Number(actual[i]) - Number(expected[i])));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/**
 * Python's prepare_data and Layerlab's feeder give the same samples and labels (within `tolerance`) in the same
 * shapes; returns Python's arrays.
 */
export async function expectSamePrepared(h: OwnDataHarness, pt: string, config: TrainingConfig, shapes: { train: number[]; val: number[] }, tolerance: number) {
  const ours = await layerlabPrepared(config, h.dir);
  const theirs = await pythonPrepared(h, pt);
  expect(theirs.get('x_train')!.shape).toEqual(shapes.train);
  expect(theirs.get('x_val')!.shape).toEqual(shapes.val);
  expectClose(theirs.get('x_train')!.data, ours.train.xs, tolerance);
  expectClose(theirs.get('x_val')!.data, ours.val.xs, tolerance);
  expectClose(theirs.get('y_train')!.data, ours.train.ys, tolerance);
  expectClose(theirs.get('y_val')!.data, ours.val.ys, tolerance);
  return theirs;
}

/** `train.py --epochs 2 --fresh` on its default data: its data line, and two epoch lines (accuracy in [0, 1]). */
export function trainTwoEpochs(h: OwnDataHarness, pt: string, dataLine: RegExp): Record<string, number>[] {
  const r = h.python(['train.py', '--epochs', '2', '--fresh', '--log-every', '100000'], pt);
  expect(r.stderr).toMatch(dataLine);
  const epochs = jsonLines(r.stdout).filter((l) => 'epoch' in l);
  expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
  for (const e of epochs) {
    expect(Number.isFinite(e.val_loss)).toBe(true);
    if ('acc' in e) {
      expect(e.acc).toBeGreaterThanOrEqual(0);
      expect(e.acc).toBeLessThanOrEqual(1);
    }
  }
  return epochs;
}
