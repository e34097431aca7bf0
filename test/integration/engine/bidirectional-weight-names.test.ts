/**
 * tfjs names a Bidirectional layer's inner layers with a counter that runs over the whole process
 * ('bidirectional/forward_lstm_LSTM2/kernel'): the same graph built again in a process that has built other
 * Bidirectional layers meanwhile names its weights apart. A run of Bidirectional(LSTM) and Bidirectional(GRU) on the
 * real debian-package-sections text, stored in a project by `layerlab train`, is then fine-tuned (--init-from),
 * resumed, predicted from and exported to PyTorch both in this (counter-advanced) process and in fresh CLI processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrainArgs, prepareRun } from '../../../main/commands/train';
import { readTextCsv } from '../../../main/datasets/text-source';
import { buildModel } from '../../../main/engine/model';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';
import { runTraining } from '../../../main/engine/train';
import { applyInitialWeights, weightMismatches } from '../../../main/engine/training/init-weights';
import { canonicalWeightName } from '../../../main/engine/weight-names';
import { exportModel } from '../../../main/export';
import { decodeNpy, encodeNpy } from '../../../main/export/npy';
import { decodeStoredWeights, loadExportSource } from '../../../main/export/source';
import { weightEvents } from '../../../main/export/tensorboard/from-stored-run';
import { buildTfjsModel } from '../../../main/export/tfjs-model';
import { createProject, loadRunWeights, openProject, saveProjectAs } from '../../../main/projects/service';
import { compileGraph } from '../../../shared/graph';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema } from '../../../shared/training';
import { vectorize } from '../../../shared/text/vectorization';
import { OwnDatasetConfigSchema } from '../../../shared/data-preprocessing';
import { maxAbsDiff, predict, REPO, runPython, torchMissing } from '../export/helpers';
import { repoRoot } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-bidi-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const debian = resolve(repoRoot, '../shared/datasets/debian-package-sections');
const T = 16;
const DATA = ['--dataset', join(debian, 'train.csv'), '--test', join(debian, 'test.csv'), '--max-tokens', '1000', '--sequence-length', String(T)];
const SMALL = ['--limit-train', '400', '--limit-test', '100', '--batch-size', '50', '--backend', 'cpu'];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const layersOf = (inner: 'LSTM' | 'GRU'): Parameters<typeof sequentialGraph>[1] => [
  ['Embedding', { input_dim: 1000, output_dim: 8 }],
  ['Bidirectional', { layer: inner, units: 6 }],
  ['Dense', { units: 8, activation: 'softmax' }],
];

/** Builds (and drops) another Bidirectional model here, so this process's tfjs layer counter is past its start. */
async function advanceLayerCounter(): Promise<void> {
  for (const inner of ['LSTM', 'GRU', 'SimpleRNN'] as const) {
    const other = await buildModel(compileGraph(sequentialGraph([null, 5], [['Embedding', { input_dim: 10, output_dim: 2 }], ['Bidirectional', { layer: inner, units: 2 }]])));
    other.dispose();
  }
}

describe.each(['LSTM', 'GRU'] as const)('Bidirectional(%s) weights of a stored run, in a process whose tfjs layer counter moved on', (inner) => {
  const file = join(dir, `bi-${inner}.layerlab`);

  it('layerlab train stores the run; --init-from and --resume continue it in fresh processes', { timeout: 300_000 }, async () => {
    const doc = createProject({ name: `bi-${inner}` });
    doc.project.graph = sequentialGraph([null, T], layersOf(inner));
    doc.project.training = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 2, batch_size: 50, optimizer: { name: 'adam', learning_rate: 0.01 } });
    await saveProjectAs(doc, file);
    const first = cli('train', file, ...DATA, ...SMALL, '--epochs', '2', '--optimizer', 'adam', '--learning-rate', '0.01');
    expect(first.code, first.stderr).toBe(0);
    const tuned = cli('train', file, ...DATA, ...SMALL, '--epochs', '1', '--init-from', '1');
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout + tuned.stderr).toMatch(/weights: from run #1/);
    const resumed = cli('train', file, '--resume', '#1', '--epochs', '3');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).toMatch(/resuming run #1 .* after epoch 2/);
    expect((await openProject(file)).doc.runs.map((r) => r.meta.history.length)).toEqual([3, 1]);
  });

  it.runIf(inner === 'LSTM')('a model.json with Keras\' names (no counter) imported by `new --from` fine-tunes with --init-from', { timeout: 300_000 }, () => {
    const out = join(dir, 'tfjs');
    expect(cli('export', file, '--format', 'tfjs', '--run', 'latest', '--out', out).code).toBe(0);
    // As Keras (and its TF.js converter) names them: the wrapped layer 'lstm', no tfjs counter.
    const keras = readFileSync(join(out, 'model.json'), 'utf8').replace(/\/(forward|backward)_lstm_LSTM\d+\//g, '/$1_lstm/').replace(/"name":"lstm_LSTM\d+"/g, '"name":"lstm"');
    expect(keras).toContain('"bidirectional/forward_lstm/kernel"');
    writeFileSync(join(out, 'model.json'), keras);
    const imported = join(dir, 'imported.layerlab');
    expect(cli('new', imported, '--from', join(out, 'model.json')).code).toBe(0);
    const tuned = cli('train', imported, ...DATA, ...SMALL, '--epochs', '1', '--init-from', 'imported');
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout + tuned.stderr).toMatch(/weights: from run #\d+ \(imported\)/);
  });

  it('here: --init-from takes the run\'s exact values, resume continues, stored weights predict, PyTorch equals them', { timeout: 300_000 }, async () => {
    await advanceLayerCounter();
    const { doc } = await openProject(file);
    const stored = await loadRunWeights(doc, doc.runs[0]!.meta.id);
    const storedNames = decodeStoredWeights(stored).map((w) => w.name);
    expect(storedNames.some((n) => /\/forward_\w+\/kernel$/.test(n))).toBe(true);

    // The graph built here names the inner layers with this process's counter, not the stored run's.
    const here = await buildModel(compileGraph(doc.project.graph));
    expect(here.weights.map((w) => w.originalName)).not.toEqual(storedNames);
    applyInitialWeights(here, { run: 'run #1', weights: decodeStoredWeights(stored) });
    here.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(decodeStoredWeights(stored)[i]!.data)));
    here.dispose();

    // Fine-tune and resume, as the window and the service run them (in-process engine, the stored run's weights).
    const tune = await prepareRun(parseTrainArgs([file, ...DATA, ...SMALL, '--epochs', '1', '--init-from', '1']));
    const tuned = await runTraining(tune.request, () => {});
    tuned.model.dispose();
    const resume = await prepareRun(parseTrainArgs([file, '--resume', '#1', '--epochs', '4']));
    const resumed = await runTraining(resume.request, () => {});
    expect(resumed.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    resumed.model.dispose();

    // Predictions from the stored weights (draw/type, probes, text view) and the TF.js export's rebuild agree.
    const own = OwnDatasetConfigSchema.parse((doc.runs[0]!.meta.config as { dataset: unknown }).dataset);
    const N = 40;
    const x = vectorize(own.preprocessing.text!, (await readTextCsv(join(debian, 'test.csv'))).texts.slice(0, N)).data;
    const loaded = await loadModelFromWeights(stored);
    const expected = predict(loaded, x, [N, T]).data;
    loaded.dispose();
    const rebuilt = await buildTfjsModel(compileGraph(doc.project.graph), decodeStoredWeights(stored));
    expect(maxAbsDiff(predict(rebuilt, x, [N, T]).data, expected)).toBeLessThan(1e-6);
    rebuilt.dispose();

    const missing = torchMissing();
    if (missing) return console.warn(`SKIPPED PyTorch part: ${missing}`);
    const out = join(dir, `torch-${inner}`);
    await exportModel(await loadExportSource(file, doc.runs[0]!.meta.id), { format: 'pytorch', outDir: out });
    writeFileSync(join(out, 'x.npy'), encodeNpy([N, T], x));
    const counts = JSON.parse(runPython([join(REPO, 'test/integration/export/run_torch_models.py'), out]).stdout.trim().split('\n').pop()!) as Record<string, { error?: string }>;
    expect(counts[out]!.error).toBeUndefined();
    expect(maxAbsDiff(decodeNpy(readFileSync(join(out, 'torch_y.npy'))).data, expected)).toBeLessThan(1e-4);
  });
});

describe('canonicalWeightName / weightMismatches', () => {
  it('match Bidirectional\'s inner weights whatever tfjs counter (or none, as Keras names them) they carry; real mismatches are all listed', async () => {
    expect(canonicalWeightName('bi/forward_lstm_LSTM2/kernel')).toBe(canonicalWeightName('bi/forward_lstm_LSTM17/kernel'));
    expect(canonicalWeightName('bi/backward_gru_GRU3/bias')).toBe(canonicalWeightName('bi/backward_gru/bias'));
    expect(canonicalWeightName('bi/forward_lstm_LSTM2/kernel')).not.toBe(canonicalWeightName('bi/backward_lstm_LSTM2/kernel'));
    expect(canonicalWeightName('bi2/forward_lstm_LSTM2/kernel')).not.toBe(canonicalWeightName('bi/forward_lstm_LSTM2/kernel'));
    // Plain layers keep their names, even one a user called forward_x.
    expect(canonicalWeightName('forward_dense_1/kernel')).toBe('forward_dense_1/kernel');
    expect(canonicalWeightName('dense_Dense3/kernel')).toBe('dense_Dense3/kernel');

    const model = [
      { name: 'bi/forward_lstm_LSTM9/kernel', shape: [8, 24] },
      { name: 'bi/backward_lstm_LSTM9/kernel', shape: [8, 24] },
      { name: 'out/kernel', shape: [12, 8] },
    ];
    expect(weightMismatches(model, [
      { name: 'bi/forward_lstm_LSTM2/kernel', shape: [8, 24] },
      { name: 'bi/backward_lstm/kernel', shape: [8, 24] },
      { name: 'out/kernel', shape: [12, 8] },
    ])).toEqual([]);
    // A genuine mismatch names the model's own weight and the run's, every one.
    expect(weightMismatches(model, [
      { name: 'bi/forward_lstm_LSTM2/kernel', shape: [8, 32] },
      { name: 'out/kernel', shape: [12, 8] },
      { name: 'extra/bias', shape: [3] },
    ])).toEqual([
      'bi/forward_lstm_LSTM9/kernel: [8, 32] in the run, [8, 24] in this model',
      'bi/backward_lstm_LSTM9/kernel [8, 24]: not in the run',
      'extra/bias [3]: in the run, not in this model',
    ]);
    // TensorBoard tags of a stored run: the same for the same graph whatever counter its weights carry.
    const tags = (name: string) => weightEvents([{ name, shape: [2], data: new Float32Array([1, 2]) }], new Map(), 0).map((e) => (e.type === 'histogram' ? `${e.layer}/${e.weight}` : ''));
    expect(tags('bi/forward_lstm_LSTM2/kernel')).toEqual(tags('bi/forward_lstm_LSTM5/kernel'));
    expect(tags('bi/forward_lstm_LSTM2/kernel')).not.toEqual(tags('bi/backward_lstm_LSTM2/kernel'));
  });
});
