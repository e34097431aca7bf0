/**
 * Exported programs on the user's own data (issue 15): a project trained by `layerlab train --dataset PATH` on the
 * real Boston Housing CSV and on a folder of MNIST PNGs is exported; the PyTorch train.py then
 * - prepares exactly the samples Layerlab's feeder gives (same rows, same split, same standardisation / scaling,
 *   same labels), checked value by value through its own prepare_data,
 * - trains for 2 epochs from fresh weights with its default --data (the run's data) and prints sane epoch lines.
 * The Keras train.py cannot run here (no TensorFlow in /usr/bin/python3): it is compiled with py_compile.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownDatasetOf } from '../../../shared/data-preprocessing';
import { sequentialGraph } from '../../../shared/templates/builder';
import { DATASETS, torchMissing } from './helpers';
import { expectSamePrepared, ownDataHarness, trainTwoEpochs } from './own-data-harness';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED own-data export test: ${missing}`);

const h = ownDataHarness('layerlab-own-export-');
const { dir, python, trainAndExport } = h;

describe.skipIf(missing !== null)('exported train.py on the user\'s own data', () => {
  it('Boston Housing CSV (label MEDV, regression): the same 405/101 rows and standardisation; 2 epochs train with a sane MAE', async () => {
    const csv = join(DATASETS, 'boston-housing', 'housing.csv');
    const graph = sequentialGraph([null, 13], [['Dense', { units: 32, activation: 'relu' }], ['Dense', { units: 1 }]]);
    const { pt, keras, config } = await trainAndExport('boston', graph, csv, ['--label-column', 'MEDV', '--optimizer', 'rmsprop', '--learning-rate', '0.01']);
    expect(config.loss).toBe('mse');

    await expectSamePrepared(h, pt, config, { train: [405, 13], val: [101, 13] }, 1e-5);

    const epochs = trainTwoEpochs(h, pt, /405 training and 101 validation samples of .*housing\.csv/);
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

    await expectSamePrepared(h, pt, config, { train: [16, 28, 28, 1], val: [4, 28, 28, 1] }, 1e-6);

    const epochs = trainTwoEpochs(h, pt, /16 training and 4 validation samples of .*digits/);
    for (const e of epochs) expect(e).toHaveProperty('acc');
    python(['-m', 'py_compile', join(keras, 'train.py')], keras);
  }, 600_000);
});
