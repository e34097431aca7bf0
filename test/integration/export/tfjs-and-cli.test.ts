/**
 * TF.js export: the files load back with tf.loadLayersModel and predict what the original predicts on real images.
 * CLI: `layerlab export` reads a TF.js model.json (weights next to it) or a bare Keras JSON and writes each format.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli';
import { exportModel, loadExportSource } from '../../../main/export';
import { decodeNpz } from '../../../main/export/npy';
import { namedWeights } from '../../../main/export/tfjs-model';
import type { ModelSpec } from '../../../shared/graph/types';
import { cifarTest, maxAbsDiff, mnist, predict, randomizeWeights } from './helpers';
import { mixedConvNet, mnistCnn } from './workshop-models';

/** Reads an exported folder the way a browser would fetch it: model.json, then the shards it lists. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const group = json.weightsManifest[0];
      const bytes = readFileSync(join(dir, group.paths[0]));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        format: json.format,
      };
    },
  };
}

async function captureStdout(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    return { code: await fn(), out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe('TF.js export', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each([
    ['mnist_cnn', mnistCnn, [28, 28, 1]],
    ['mixed_conv (separable depth_multiplier 2, transposed, LayerNorm)', mixedConvNet, [32, 32, 3]],
  ] as const)('%s loads back with tf.loadLayersModel and predicts the same', async (_name, build, sampleShape) => {
    const model = build();
    randomizeWeights(model, 7);
    const n = 20;
    const x = sampleShape[2] === 1 ? mnist(n).x : cifarTest(n);
    const expected = predict(model, x, [n, ...sampleShape]);
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-tfjs-'));
    const spec = JSON.parse(JSON.stringify(model.toJSON(null, false))) as ModelSpec;
    const result = await exportModel({ spec, weights: namedWeights(model) }, { format: 'tfjs', outDir: dir });
    expect(result.files).toEqual(['model.json', 'group1-shard1of1.bin', 'README.md']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/tf\.loadLayersModel/);
    const loaded = await tf.loadLayersModel(folderHandler(dir));
    expect(loaded.countParams()).toBe(model.countParams());
    const got = predict(loaded, x, [n, ...sampleShape]);
    expect(maxAbsDiff(got.data, expected.data)).toBeLessThan(1e-6);
  });
});

describe('layerlab export (CLI)', () => {
  it('exports a TF.js model.json with its weights to PyTorch, converting the kernels', async () => {
    await tf.setBackend('wasm');
    const model = mnistCnn();
    randomizeWeights(model, 3);
    const tfjsDir = mkdtempSync(join(tmpdir(), 'layerlab-cli-src-'));
    await exportModel({ spec: JSON.parse(JSON.stringify(model.toJSON(null, false))), weights: namedWeights(model) }, { format: 'tfjs', outDir: tfjsDir });
    const source = await loadExportSource(join(tfjsDir, 'model.json'));
    expect(source.weights?.map((w) => w.name)).toEqual(model.weights.map((w) => w.originalName));

    const out = mkdtempSync(join(tmpdir(), 'layerlab-cli-pt-'));
    const r = await captureStdout(() => main(['export', join(tfjsDir, 'model.json'), '--format', 'pytorch', '--out', out]));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/exported pytorch to .*model\.py, train\.py, weights\.npz, README\.md/);
    const state = decodeNpz(readFileSync(join(out, 'weights.npz')));
    const kernel = model.getLayer('conv2d_2').getWeights()[0];
    const k = kernel.arraySync() as number[][][][]; // [kh, kw, in, out]
    expect(state['conv2d_2.weight'].shape).toEqual([64, 32, 3, 3]);
    // OIHW[o][i][h][w] = HWIO[h][w][i][o]
    expect(state['conv2d_2.weight'].data[((5 * 32 + 7) * 3 + 2) * 3 + 1]).toBe(k[2][1][7][5]);
    const dense = model.getLayer('dense_1').getWeights()[0].arraySync() as number[][]; // [in, out]
    expect(state['dense_1.weight'].shape).toEqual([128, 9216]);
    expect(state['dense_1.weight'].data[3 * 9216 + 1000]).toBe(dense[1000][3]);
  });

  it('exports a bare Keras JSON to Keras with a strategy and a Slurm job', async () => {
    const specFile = join(mkdtempSync(join(tmpdir(), 'layerlab-cli-k-')), 'mnist_cnn.json');
    writeFileSync(specFile, JSON.stringify(mnistCnn().toJSON(null, false)));
    const out = mkdtempSync(join(tmpdir(), 'layerlab-cli-keras-'));
    const r = await captureStdout(() => main(['export', specFile, '--format', 'keras', '--out', out, '--strategy', 'multiworker', '--slurm']));
    expect(r.code).toBe(0);
    for (const f of ['model.py', 'train.py', 'model_config.json', 'job.sbatch', 'README.md']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(existsSync(join(out, 'weights.npz'))).toBe(false);
    expect(r.out).toMatch(/note: no weights given/);
    const train = readFileSync(join(out, 'train.py'), 'utf8');
    expect(train).toMatch(/^STRATEGY = 'multiworker'$/m);
    expect(train).toMatch(/tf\.distribute\.MultiWorkerMirroredStrategy\(\)/);
    const job = readFileSync(join(out, 'job.sbatch'), 'utf8');
    expect(job).toMatch(/^#SBATCH --nodes=2$/m);
    expect(job).toMatch(/srun bash -c 'export TF_CONFIG=.*SLURM_PROCID/);
  });

  it('refuses bad arguments with a usage line', async () => {
    const r = await captureStdout(() => main(['export', 'x.json', '--format', 'onnx', '--out', '/tmp/x']));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--format 'onnx' is not one of tfjs, keras, pytorch/);
    const r2 = await captureStdout(() => main(['export', 'x.json', '--format', 'pytorch', '--out', '/tmp/x', '--slurm']));
    expect(r2.err).toMatch(/--strategy and --slurm apply to --format keras/);
  });
});
