/**
 * Exported programs on the user's own data (issue 15): a project trained by `layerlab train --dataset PATH` on the
 * real Boston Housing CSV and on a folder of MNIST PNGs is exported; the PyTorch train.py then
 * - prepares exactly the samples Layerlab's feeder gives (same rows, same split, same standardisation / scaling,
 *   same labels), checked value by value through its own prepare_data,
 * - trains for 2 epochs from fresh weights with its default --data (the run's data) and prints sane epoch lines.
 * The Keras train.py cannot run here (no TensorFlow in /usr/bin/python3): it is compiled with py_compile.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema, type TrainingConfig } from '../../../shared/training';
import { createFeeder } from '../../../main/datasets/feed';
import { readNpz } from '../../../main/datasets/npy';
import { openOwnData } from '../../../main/datasets/own-data';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import type { Graph } from '../../../shared/graph/types';
import { DATASETS, PYTHON, REPO, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED own-data export test: ${missing}`);

const dir = mkdtempSync(join(tmpdir(), 'layerlab-own-export-'));
const env = { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache'), OMP_NUM_THREADS: '1' };

function layerlab(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/layerlab.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0) throw new Error(`layerlab ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function python(args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

const jsonLines = (out: string): Record<string, number>[] =>
  out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);

/** A project with this graph, trained by the CLI on `data` (1 epoch), exported to PyTorch and Keras. */
async function trainAndExport(name: string, graph: Graph, data: string, flags: string[]): Promise<{ pt: string; keras: string; config: TrainingConfig }> {
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
  const run = (await openProject(file)).doc.runs.at(-1)!;
  return { pt, keras, config: TrainingConfigSchema.parse(run.meta.config) };
}

/** What the exported train.py's prepare_data makes of its default data (the run's), saved as .npz and read back. */
async function pythonPrepared(pt: string): Promise<Map<string, { shape: number[]; data: ArrayLike<number> }>> {
  python(['-c', [
    'import sys; sys.argv = ["train.py"]',
    'import numpy as np, train',
    'd = train.prepare_data(train.DATASET, "", 0, False, train.DATA_PATH, train.TEST_PATH)',
    'np.savez("prepared.npz", x_train=d["train"][0], y_train=d["train"][1], x_val=d["val"][0], y_val=d["val"][1])',
  ].join('\n')], pt);
  return readNpz(join(pt, 'prepared.npz'));
}

/** Layerlab's own feeder over the run's stored record: training rows in file order, then the validation rows. */
async function layerlabPrepared(config: TrainingConfig, projectDir: string) {
  const own = ownDatasetOf(config.dataset)!;
  const { dataset } = await openOwnData(own.source, { baseDir: projectDir, stored: own.preprocessing });
  const feeder = createFeeder(dataset, {
    batchSize: 100_000,
    normalisation: config.preprocessing.normalize === 'standardize' ? 'standardise' : 'scale',
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

describe.skipIf(missing !== null)('exported train.py on the user\'s own data', () => {
  it('Boston Housing CSV (label MEDV, regression): the same 405/101 rows and standardisation; 2 epochs train with a sane MAE', async () => {
    const csv = join(DATASETS, 'boston-housing', 'housing.csv');
    const graph = sequentialGraph([null, 13], [['Dense', { units: 32, activation: 'relu' }], ['Dense', { units: 1 }]]);
    const { pt, keras, config } = await trainAndExport('boston', graph, csv, ['--label-column', 'MEDV', '--optimizer', 'rmsprop', '--learning-rate', '0.01']);
    expect(config.loss).toBe('mse');

    const ours = await layerlabPrepared(config, dir);
    const theirs = await pythonPrepared(pt);
    expect(theirs.get('x_train')!.shape).toEqual([405, 13]);
    expect(theirs.get('x_val')!.shape).toEqual([101, 13]);
    expectClose(theirs.get('x_train')!.data, ours.train.xs, 1e-5);
    expectClose(theirs.get('x_val')!.data, ours.val.xs, 1e-5);
    expectClose(theirs.get('y_train')!.data, ours.train.ys, 1e-5);
    expectClose(theirs.get('y_val')!.data, ours.val.ys, 1e-5);

    const r = python(['train.py', '--epochs', '2', '--fresh', '--log-every', '100000'], pt);
    expect(r.stderr).toMatch(/405 training and 101 validation samples of .*housing\.csv/);
    const epochs = jsonLines(r.stdout).filter((l) => 'epoch' in l);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(Object.keys(epochs[1]!)).toEqual(expect.arrayContaining(['loss', 'mae', 'val_loss', 'val_mae']));
    expect(epochs[1]).not.toHaveProperty('acc');
    // Targets are $1000s (5..50): a fresh MLP at rmsprop 0.01 is well below predicting 0 (MAE ~22) after 2 epochs.
    expect(epochs[1]!.val_mae).toBeGreaterThan(0);
    expect(epochs[1]!.val_mae).toBeLessThan(15);
    expect(readFileSync(join(pt, 'README.md'), 'utf8')).toMatch(/## Your data[\s\S]*13 feature columns/);
    python(['-m', 'py_compile', join(keras, 'train.py')], keras);
  }, 600_000);

  it('a folder of MNIST PNGs (class sub-folders): the same 16/4 images, pixels scaled by 1/255, labels by folder; 2 epochs train', async () => {
    const images = join(dir, 'digits');
    const fixtures = join(DATASETS, 'fixtures');
    for (const f of readdirSync(fixtures).filter((n) => n.startsWith('mnist_'))) {
      const cls = join(images, f.replace(/^mnist_\d+_(\d)\.png$/, 'digit$1'));
      mkdirSync(cls, { recursive: true });
      copyFileSync(join(fixtures, f), join(cls, f));
    }
    const classes = readdirSync(images).length;
    const graph = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: classes, activation: 'softmax' }]]);
    const { pt, keras, config } = await trainAndExport('digits', graph, images, []);
    expect(ownDatasetOf(config.dataset)!.preprocessing.class_names).toHaveLength(classes);

    const ours = await layerlabPrepared(config, dir);
    const theirs = await pythonPrepared(pt);
    expect(theirs.get('x_train')!.shape).toEqual([16, 28, 28, 1]);
    expect(theirs.get('x_val')!.shape).toEqual([4, 28, 28, 1]);
    expectClose(theirs.get('x_train')!.data, ours.train.xs, 1e-6);
    expectClose(theirs.get('x_val')!.data, ours.val.xs, 1e-6);
    expect(Array.from(theirs.get('y_train')!.data, Number)).toEqual(Array.from(ours.train.ys));
    expect(Array.from(theirs.get('y_val')!.data, Number)).toEqual(Array.from(ours.val.ys));

    const r = python(['train.py', '--epochs', '2', '--fresh', '--log-every', '100000'], pt);
    expect(r.stderr).toMatch(/16 training and 4 validation samples of .*digits/);
    const epochs = jsonLines(r.stdout).filter((l) => 'epoch' in l);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      expect(e.acc).toBeGreaterThanOrEqual(0);
      expect(e.acc).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.val_loss)).toBe(true);
    }
    python(['-m', 'py_compile', join(keras, 'train.py')], keras);
  }, 600_000);
});
