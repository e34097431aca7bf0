/** Early stopping with restore_best_weights: the run's last confusion matrix is of the restored (best) weights. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileArgs } from '../../../main/engine/training/losses';
import { useBackend } from './support/backend';
import { mlp, mnistTensors } from './support/mnist';
import { config, run } from './support/run';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('early stopping with restore-best', () => {
  it('ends with a confusion matrix of the restored epoch, matching the restored weights’ predictions', async () => {
    const train = mnistTensors('train', 64);
    const val = mnistTensors('test', 300);
    const cfg = config({
      optimizer: { name: 'adam', learning_rate: 0.01 }, epochs: 40, batch_size: 16, shuffle: false,
      early_stopping: { monitor: 'val_loss', patience: 2, restore_best_weights: true },
      telemetry: { histograms: false, filters: false, activations: false, confusion_matrix: true, health_checks: false },
    });
    const model = mlp(64, 10, 'softmax');
    model.compile(compileArgs(cfg));
    const r = await run(model, cfg, train.x, train.y, { validation: { x: val.x, y: val.y } });
    expect(r.training.outcome()).toBe('early-stopped');
    const best = r.training.earlyStopping!.bestEpoch;
    const lastEpoch = r.of('epoch').at(-1)!.epoch;
    expect(lastEpoch).toBeGreaterThan(best);
    const confusions = r.of('confusion');
    const last = confusions.at(-1)!;
    expect(last.epoch).toBe(best);
    // It is what the model (now holding the restored weights) predicts, not the last epoch's matrix.
    const predicted = tf.tidy(() => tf.argMax(model.predict(val.x) as tf.Tensor, -1));
    const labels = val.labels;
    const p = await predicted.data();
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) correct++;
    expect(last.accuracy).toBeCloseTo(correct / labels.length, 6);
    const atLastEpoch = confusions.find((c) => c.epoch === lastEpoch)!;
    expect(atLastEpoch.matrix).not.toEqual(last.matrix);
    tf.dispose([train.x, train.y, val.x, val.y, predicted]);
  });
});
