/**
 * Exported programs of a run on the catalog's reuters with non-default load_data options (issue 16): both train.py
 * carry the run's options (KERAS_TEXT and the equivalent keras.datasets call), the PyTorch program's prepare_data
 * gives exactly the ids and labels Layerlab's feeder gives (on the generated files in Keras' layout, from
 * --data-dir), it trains 2 epochs, the multi-hot form matches too, and a pickle naming anything but numpy's array
 * reconstruction is refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema, type TrainingConfig } from '../../../shared/training';
import { createFeeder } from '../../../main/datasets/feed';
import { loadDataset } from '../../../main/datasets/index';
import { catalogTextOptions } from '../../../main/datasets/keras-text-catalog';
import { readNpz } from '../../../main/datasets/npy';
import { exportModel } from '../../../main/export';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';
import { REPO, runPython, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED keras-text export test: ${missing}`);

const dir = mkdtempSync(join(tmpdir(), 'layerlab-keras-text-export-'));
const mirror = join(dir, 'mirror');
const catalog = miniTextCatalog(mirror);
const source = { mirror, cacheDir: join(dir, 'cache'), offline: true, catalog };
const OPTIONS = { num_words: 50, skip_top: 6, maxlen: 24, seed: 11, oov_char: 3, index_from: 4 };

function config(text: Record<string, unknown>): TrainingConfig {
  return TrainingConfigSchema.parse({ dataset: { name: 'reuters', text: { ...OPTIONS, ...text } }, epochs: 2, batch_size: 8, validation: { kind: 'split', fraction: 0.25 } });
}

async function exported(name: string, graph: ReturnType<typeof sequentialGraph>, training: TrainingConfig): Promise<{ pt: string; keras: string }> {
  const pt = join(dir, `${name}-pt`);
  const keras = join(dir, `${name}-keras`);
  const spec = compileGraph(graph);
  await exportModel({ spec, training }, { format: 'pytorch', outDir: pt });
  await exportModel({ spec, training }, { format: 'keras', outDir: keras });
  return { pt, keras };
}

/** The exported prepare_data on --data-dir, saved as .npz and read back. */
async function pythonPrepared(pt: string) {
  runPython(['-c', [
    'import sys; sys.argv = ["train.py"]',
    'import numpy as np, train',
    `d = train.prepare_data(train.DATASET, ${JSON.stringify(mirror)}, 0, False)`,
    'np.savez("prepared.npz", x_train=d["train"][0], y_train=d["train"][1], x_val=d["val"][0], y_val=d["val"][1])',
  ].join('\n')], pt);
  return readNpz(join(pt, 'prepared.npz'));
}

/** Layerlab's feeder on the same run (main/engine/train.ts: raw ids, the seeded validation split). */
async function layerlabPrepared(training: TrainingConfig, width: number) {
  const data = await loadDataset('reuters', { ...source, text: catalogTextOptions(training.dataset)! });
  const feeder = createFeeder(data, { batchSize: 100_000, normalisation: 'none', labels: 'sparse', validation: 0.25, seed: training.seed, shuffle: false, inputShape: [width] });
  return { train: [...feeder.trainBatches(0)][0]!, val: [...feeder.validationBatches()][0]! };
}

async function expectSamePrepared(pt: string, training: TrainingConfig, width: number) {
  const theirs = await pythonPrepared(pt);
  const ours = await layerlabPrepared(training, width);
  expect(theirs.get('x_train')!.shape).toEqual([ours.train.size, width]);
  expect(Array.from(theirs.get('x_train')!.data, Number)).toEqual(Array.from(ours.train.xs));
  expect(Array.from(theirs.get('y_train')!.data, Number)).toEqual(Array.from(ours.train.ys));
  expect(Array.from(theirs.get('x_val')!.data, Number)).toEqual(Array.from(ours.val.xs));
  expect(Array.from(theirs.get('y_val')!.data, Number)).toEqual(Array.from(ours.val.ys));
  return theirs;
}

describe.skipIf(missing !== null)('exported train.py on reuters with load_data options', () => {
  it('ids: the program carries the options, prepares the very ids Layerlab trains on, and trains 2 epochs', async () => {
    const training = config({ sequence_length: 16 });
    const graph = sequentialGraph([null, 16], [
      ['Embedding', { input_dim: 50, output_dim: 8 }],
      ['Conv1D', { filters: 8, kernel_size: [3], activation: 'relu' }],
      ['GlobalMaxPooling1D'],
      ['Dense', { units: 46, activation: 'softmax' }],
    ]);
    const { pt, keras } = await exported('ids', graph, training);
    for (const program of [join(pt, 'train.py'), join(keras, 'train.py')]) {
      const text = readFileSync(program, 'utf8');
      expect(text).toContain('keras.datasets.reuters.load_data(num_words=50, skip_top=6, maxlen=24, seed=11, start_char=1, oov_char=3, index_from=4)');
      expect(text).toContain("KERAS_TEXT = {'load_data': {'num_words': 50, 'skip_top': 6, 'maxlen': 24, 'seed': 11, 'start_char': 1, 'oov_char': 3, 'index_from': 4}, 'sequence_length': 16, 'multi_hot': False}");
    }
    const theirs = await expectSamePrepared(pt, training, 16);
    // skip_top and num_words cut ids to oov_char 3; maxlen dropped newswires (40 in the file).
    expect(Array.from(theirs.get('x_train')!.data, Number).filter((v) => v === 3).length).toBeGreaterThan(10);
    expect(theirs.get('x_train')!.shape[0] + theirs.get('x_val')!.shape[0]).toBeLessThan(32);

    const r = runPython(['train.py', '--epochs', '2', '--fresh', '--offline', '--data-dir', mirror, '--log-every', '100000'], pt, 300_000);
    const epochs = r.stdout.split('\n').filter((l) => l.startsWith('{') && l.includes('"epoch"')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs.every((e) => Number.isFinite(e.val_loss))).toBe(true);
    runPython(['-m', 'py_compile', join(keras, 'train.py')], keras);
  }, 600_000);

  it('multi-hot: the 0/1 words over num_words equal Layerlab\'s', async () => {
    const training = config({ multi_hot: true });
    const graph = sequentialGraph([null, 50], [['Dense', { units: 8, activation: 'relu' }], ['Dense', { units: 46, activation: 'softmax' }]]);
    const { pt } = await exported('multi-hot', graph, training);
    expect(readFileSync(join(pt, 'train.py'), 'utf8')).toContain("'sequence_length': 200, 'multi_hot': True}");
    const theirs = await expectSamePrepared(pt, training, 50);
    expect(new Set(Array.from(theirs.get('x_train')!.data, Number))).toEqual(new Set([0, 1]));
  }, 600_000);

  it('refuses a reuters.npz whose pickle names anything but numpy arrays', async () => {
    const { pt } = await exported('evil', sequentialGraph([null, 50], [['Dense', { units: 46, activation: 'softmax' }]]), config({ multi_hot: true }));
    const evil = join(dir, 'evil');
    mkdirSync(join(evil, 'reuters'), { recursive: true });
    const payload = readFileSync(join(REPO, 'test/fixtures/keras-text/evil-os-system.npy'));
    writeFileSync(join(evil, 'reuters', 'reuters.npz'), zipSync({ 'x.npy': payload, 'y.npy': payload }));
    expect(() => runPython(['train.py', '--epochs', '1', '--fresh', '--offline', '--data-dir', evil], pt)).toThrow(/refusing posix\.system inside a text dataset's pickle/);
  }, 600_000);
});
