/**
 * BatchNormalization over a masked sequence in the PyTorch export trains as Layerlab and Keras 3 do
 * (KerasMaskedBatchNorm; engine/layers/masked-batch-normalization.ts): one training-mode forward of the exported
 * model on real text (debian-package-sections descriptions, post-padded) gives the TF.js model's training-mode output
 * and leaves the same moving mean and variance, moved towards the moments of the kept steps only; within 1e-4.
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

describe.skipIf(missing !== null)('PyTorch export: BatchNormalization over a masked sequence in training mode', () => {
  it.each([true, false])('mask_zero=%s: training output and moving statistics equal TF.js within 1e-4', async (maskZero) => {
    await tf.setBackend('wasm');
    const debian = join(DATASETS, 'debian-package-sections');
    const v = adaptVectorization((await readTextCsv(join(debian, 'train.csv'))).texts, { maxTokens: VOCAB, sequenceLength: T });
    const x = vectorize(v, (await readTextCsv(join(debian, 'test.csv'))).texts.slice(0, N)).data;
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
});
