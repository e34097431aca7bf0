/**
 * return_state trains: an encoder-style model (Embedding -> LSTM with return_state -> Dense on the final state h)
 * learns the real debian-package-sections descriptions on wasm, and a model reading both the output and h of one
 * GRU (the same tensor in tfjs, which its executor would dispose twice without shared/graph/tfjs-state-outputs.ts)
 * computes the same loss and step on wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import type { Graph } from '../../../shared/graph/types';
import { GraphBuilder } from '../../../shared/templates/builder';
import { buildModel } from '../../../main/engine/model';
import { compileModel } from '../../support/compile-model';
import { shareLastOutputState } from '../../../shared/graph/tfjs-state-outputs';
import { createFeeder } from '../../../main/datasets/feed';
import { buildTextDataset, readTextCsv } from '../../../main/datasets/text-source';
import { initWasmAndCpu, relError } from './backend-compare';
import { repoRoot } from '../datasets/paths';

const debian = join(repoRoot, '../shared/datasets/debian-package-sections');
const LENGTH = 16;

beforeAll(initWasmAndCpu);

async function debianText(trainRows: number) {
  const all = await readTextCsv(join(debian, 'train.csv'));
  const train = { texts: all.texts.slice(0, trainRows), labels: all.labels.slice(0, trainRows) };
  return buildTextDataset('debian', train, await readTextCsv(join(debian, 'test.csv')), { maxTokens: 2000, sequenceLength: LENGTH });
}

function encoder(): Graph {
  const b = new GraphBuilder();
  const tokens = b.layer('InputLayer', { batch_input_shape: [null, LENGTH] });
  const embedded = b.layer('Embedding', { input_dim: 2000, output_dim: 16, mask_zero: true }, [tokens]);
  const lstm = b.layer('LSTM', { units: 8, return_state: true }, [embedded]);
  b.layer('Dense', { units: 8, activation: 'softmax' }, [[lstm, 1]], 'section');
  return b.build();
}

describe('return_state in training (debian-package-sections, 8 sections, majority class 22%)', () => {
  it('an LSTM encoder whose final state h feeds the classifier learns the sections on wasm (2 epochs, 2,000 rows)', async () => {
    const d = await debianText(2000);
    await tf.setBackend('wasm');
    const spec = compileGraph(encoder());
    expect(spec.config.layers.find((l) => l.name === 'section')!.inbound_nodes).toEqual([[['lstm', 0, 1, {}]]]);
    const model = await buildModel(spec, { seed: 1 });
    compileModel(model, { optimizer: { name: 'adam', learning_rate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
    const feeder = createFeeder(d, { batchSize: 64, normalisation: 'none', labels: 'sparse', validation: 'test', seed: 1, shuffle: true, inputShape: [LENGTH] });
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const b of feeder.trainBatches(epoch)) {
        const xs = tf.tensor(b.xs, b.xShape);
        const ys = tf.tensor2d(Float32Array.from(b.ys), [b.size, 1]);
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
      }
    }
    const x = tf.tensor(d.test!.x, [d.test!.count, LENGTH]);
    const pred = (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    const acc = Array.from(pred).filter((p, i) => p === d.test!.y[i]).length / d.test!.count;
    tf.dispose(x);
    model.dispose();
    console.log(`debian-package-sections, LSTM encoder (return_state, Dense on h), 2 epochs of 2,000 rows on wasm: test accuracy ${(acc * 100).toFixed(1)}%`);
    expect(acc).toBeGreaterThan(0.35);
  }, 300_000);

  it('reads the output and h of one GRU together: same loss and step on wasm and cpu', async () => {
    const b = new GraphBuilder();
    const tokens = b.layer('InputLayer', { batch_input_shape: [null, LENGTH] });
    const embedded = b.layer('Embedding', { input_dim: 2000, output_dim: 8 }, [tokens]);
    const gru = b.layer('GRU', { units: 6, return_state: true }, [embedded]);
    // Two readers, one of the output and one of h: tfjs disposed their shared tensor after the first had run.
    const fromOut = b.layer('Dense', { units: 4 }, [gru], 'from_out');
    const fromH = b.layer('Dense', { units: 4 }, [[gru, 1]], 'from_h');
    const both = b.layer('Concatenate', {}, [fromOut, fromH]);
    b.layer('Dense', { units: 8, activation: 'softmax' }, [both]);
    const spec = compileGraph(b.build());
    // The workaround reads output 0 as output 1 (the same values), and only where both are read.
    expect(shareLastOutputState(spec).config.layers.find((l) => l.name === fromOut)!.inbound_nodes).toEqual([[['gru', 0, 1, {}]]]);
    expect(shareLastOutputState(compileGraph(encoder()))).toEqual(compileGraph(encoder()));
    const d = await debianText(64);
    const xs = Float32Array.from(d.train.x.subarray(0, 32 * LENGTH));
    const ys = Int32Array.from(d.train.y.subarray(0, 32));
    // fit and predict run tfjs' graph executor (where the shared tensor was disposed); one Adam step on each
    // backend: the loss before it and the predictions after it (which the gradients made) must agree.
    const results: { loss: number | undefined; after: Float32Array }[] = [];
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const model = await buildModel(spec, { seed: 3 });
      compileModel(model, { optimizer: { name: 'adam', learning_rate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
      const x = tf.tensor2d(xs, [32, LENGTH]);
      const y = tf.tensor2d(Float32Array.from(ys), [32, 1]);
      const [loss] = (await model.trainOnBatch(x, y)) as number[];
      const p = model.predict(x) as tf.Tensor;
      results.push({ loss, after: p.dataSync() as Float32Array });
      tf.dispose([x, y, p]);
      model.dispose();
    }
    const [wasm, cpu] = results as [(typeof results)[0], (typeof results)[0]];
    expect(Number.isFinite(wasm.loss)).toBe(true);
    expect(Math.abs(wasm.loss! - cpu.loss!)).toBeLessThan(1e-4);
    expect(relError(wasm.after, cpu.after)).toBeLessThan(1e-4);
  }, 120_000);
});
