/**
 * BatchNormalization over a masked sequence in the PyTorch export trains as Layerlab and Keras 3 do
 * (KerasMaskedBatchNorm; engine/layers/masked-batch-normalization.ts): one training-mode forward of the exported
 * model on real text (debian-package-sections descriptions, post-padded) gives the TF.js model's training-mode output
 * and leaves the same moving mean and variance, moved towards the moments of the kept steps only; within 1e-4. The
 * same for Masking on flat rows, where whole samples are masked.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { decodeNpy, encodeNpy } from '../../../main/export/npy';
import { buildTfjsModel, namedWeights } from '../../../main/export/tfjs-model';
import { readTextCsv } from '../../../main/datasets/text-source';
import { compileGraph } from '../../../shared/graph';
import { sequentialGraph } from '../../../shared/templates/builder';
import { adaptVectorization, vectorize } from '../../../shared/text/vectorization';
import { DATASETS, maxAbsDiff, randomizeWeights, REPO, runPython, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED masked BatchNormalization export: ${missing}`);

const T = 16;
const N = 100;
const VOCAB = 2000;
const root = mkdtempSync(join(tmpdir(), 'layerlab-masked-bn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The first N test descriptions as T ids each (post-padded), with a vocabulary adapted on train.csv. */
async function descriptions(): Promise<Float32Array> {
  const debian = join(DATASETS, 'debian-package-sections');
  const v = adaptVectorization((await readTextCsv(join(debian, 'train.csv'))).texts, { maxTokens: VOCAB, sequenceLength: T });
  return vectorize(v, (await readTextCsv(join(debian, 'test.csv'))).texts.slice(0, N)).data;
}

describe.skipIf(missing !== null)('PyTorch export: BatchNormalization over a masked sequence in training mode', () => {
  it.each([true, false])('mask_zero=%s: training output and moving statistics equal TF.js within 1e-4', async (maskZero) => {
    await tf.setBackend('wasm');
    const x = await descriptions();
    const spec = compileGraph(sequentialGraph([null, T], [
      ['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: maskZero }],
      ['BatchNormalization', {}],
      // tfjs-layers' own (unmasked) training call reads gamma even with scale=false and fails: masked only.
      ...(maskZero ? [['BatchNormalization', { scale: false, momentum: 0.9 }] as [string, Record<string, unknown>]] : []),
      ['GlobalAveragePooling1D', {}],
      ['Dense', { units: 8, activation: 'softmax' }],
    ]));
    const model = await buildTfjsModel(spec);
    randomizeWeights(model, 7);
    const dir = join(root, String(maskZero));
    await exportModel({ spec, weights: namedWeights(model) }, { format: 'pytorch', outDir: dir });
    writeFileSync(join(dir, 'x.npy'), encodeNpy([N, T], x));
    const y = tf.tidy(() => (model.apply(tf.tensor(x, [N, T]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
    const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    const code = readFileSync(join(dir, 'model.py'), 'utf8');
    expect(code.includes('KerasMaskedBatchNorm('), 'the masked module is used exactly where a mask reaches').toBe(maskZero);

    runPython([join(REPO, 'test/integration/export/masked_batch_norm.py'), dir]);
    const torchY = decodeNpy(readFileSync(join(dir, 'y_train.npy'))).data;
    expect(maxAbsDiff(torchY, y)).toBeLessThan(1e-4);
    for (const bn of bns) {
      const [movingMean, movingVariance] = bn.getWeights().slice(-2).map((w) => w.dataSync() as Float32Array);
      const attr = code.match(new RegExp(`# ${bn.name}: BatchNormalization[^\\n]*\\n\\s+\\w+ = .*?self\\.(\\w+)\\(`))![1]!;
      expect(maxAbsDiff(decodeNpy(readFileSync(join(dir, `${attr}.running_mean.npy`))).data, movingMean!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(decodeNpy(readFileSync(join(dir, `${attr}.running_var.npy`))).data, movingVariance!)).toBeLessThan(1e-4);
    }
    model.dispose();
  }, 120_000);

  it('Masking on flat rows (batch, features): the moments cover the kept rows only', async () => {
    await tf.setBackend('wasm');
    // Ids scaled to [0, 1]; every third row all zeros, which Masking(0) masks.
    const x = (await descriptions()).map((id, i) => (Math.floor(i / T) % 3 === 0 ? 0 : id / VOCAB));
    const spec = compileGraph(sequentialGraph([null, T], [['Masking', { mask_value: 0 }], ['Dense', { units: 6 }], ['BatchNormalization', {}], ['Dense', { units: 3 }]]));
    const model = await buildTfjsModel(spec);
    randomizeWeights(model, 9);
    const dir = join(root, 'rows');
    await exportModel({ spec, weights: namedWeights(model) }, { format: 'pytorch', outDir: dir });
    writeFileSync(join(dir, 'x.npy'), encodeNpy([N, T], x));
    const y = tf.tidy(() => (model.apply(tf.tensor(x, [N, T]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
    const [movingMean] = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getWeights().slice(-2).map((w) => w.dataSync() as Float32Array);
    runPython([join(REPO, 'test/integration/export/masked_batch_norm.py'), dir]);
    expect(maxAbsDiff(decodeNpy(readFileSync(join(dir, 'y_train.npy'))).data, y)).toBeLessThan(1e-4);
    expect(maxAbsDiff(decodeNpy(readFileSync(join(dir, 'batch_normalization.running_mean.npy'))).data, movingMean!)).toBeLessThan(1e-4);
    model.dispose();
  }, 120_000);
});
