import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitArgsFromConfig, splitForValidation } from '../../support/fit-args';
import { compileArgs, huberLoss, lossFunction } from '../../../main/engine/training/losses';
import { createOptimizer, getLearningRate, setLearningRate } from '../../../main/engine/training/optimizers';
import { parseTrainingConfig, type TrainingConfig, type TrainingConfigInput } from '../../../shared/training';
import { useBackend } from './support/backend';
import { mlp, mnistTensors } from './support/mnist';

function config(input: TrainingConfigInput): TrainingConfig {
  const r = parseTrainingConfig(input);
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

async function lossOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const r = model.evaluate(x, y, { batchSize: 256 });
  const t = Array.isArray(r) ? r[0]! : r;
  return (await t.data())[0]!;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('optimizers train a real MNIST subset', () => {
  const data = () => mnistTensors('train', 512);
  const cases: TrainingConfigInput['optimizer'][] = [
    { name: 'sgd', learning_rate: 0.1 },
    { name: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true },
    { name: 'adam' },
    { name: 'rmsprop' },
    { name: 'adagrad', learning_rate: 0.05 },
    // Keras' Adadelta default (0.001) moves too slowly to see in two epochs; 1.0 is the paper's rate.
    { name: 'adadelta', learning_rate: 1.0 },
    { name: 'adamax', learning_rate: 0.005 },
  ];
  for (const optimizer of cases) {
    it(`optimizer=${JSON.stringify(optimizer)} lowers the loss`, async () => {
      const cfg = config({ optimizer, epochs: 2, batch_size: 32, shuffle: false });
      const { x, y } = data();
      const model = mlp(32, 10, 'softmax');
      model.compile(compileArgs(cfg));
      const before = await lossOf(model, x, y);
      await model.fit(x, y, { ...fitArgsFromConfig(cfg), verbose: 0 });
      const after = await lossOf(model, x, y);
      expect(after).toBeLessThan(before * 0.8);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('builds the tfjs class each config names, with Keras parameters', () => {
    const names = (o: TrainingConfigInput['optimizer']) => createOptimizer(config({ optimizer: o }).optimizer).getClassName();
    expect(names({ name: 'sgd' })).toBe('SGD');
    expect(names({ name: 'sgd', momentum: 0.9 })).toBe('Momentum');
    expect(names({ name: 'adam' })).toBe('Adam');
    expect(names({ name: 'rmsprop' })).toBe('RMSProp');
    expect(names({ name: 'adagrad' })).toBe('Adagrad');
    expect(names({ name: 'adadelta' })).toBe('Adadelta');
    expect(names({ name: 'adamax' })).toBe('Adamax');
    const adam = createOptimizer(config({ optimizer: { name: 'adam', beta_1: 0.8 } }).optimizer);
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.8, beta2: 0.999 });
  });

  it('setLearningRate changes the step an SGD update takes', async () => {
    const v = tf.variable(tf.scalar(1));
    const opt = createOptimizer({ name: 'sgd', learning_rate: 0.1, momentum: 0, nesterov: false });
    setLearningRate(opt, 0.5);
    expect(getLearningRate(opt)).toBe(0.5);
    opt.minimize(() => tf.mul(v, 2) as tf.Scalar, false, [v]); // gradient 2
    expect((await v.data())[0]).toBeCloseTo(1 - 0.5 * 2, 6);
  });
});

describe('losses train a real MNIST subset', () => {
  const cases: { loss: TrainingConfigInput['loss']; out: 'softmax' | 'sigmoid' | 'linear'; labels: 'sparse' | 'onehot' }[] = [
    { loss: 'sparse_categorical_crossentropy', out: 'softmax', labels: 'sparse' },
    { loss: 'categorical_crossentropy', out: 'softmax', labels: 'onehot' },
    { loss: 'binary_crossentropy', out: 'sigmoid', labels: 'onehot' },
    { loss: 'mse', out: 'linear', labels: 'onehot' },
    { loss: 'mae', out: 'linear', labels: 'onehot' },
    { loss: 'huber', out: 'linear', labels: 'onehot' },
  ];
  for (const c of cases) {
    it(`loss=${c.loss} lowers the loss and reports its metrics`, async () => {
      const metrics: TrainingConfigInput['metrics'] = c.out === 'linear' ? ['accuracy', 'mae', 'mse'] : ['accuracy'];
      const cfg = config({ loss: c.loss, metrics, optimizer: { name: 'adam', learning_rate: 0.003 }, epochs: 2, shuffle: false });
      const d = mnistTensors('train', 512);
      const y = c.labels === 'sparse' ? d.y : tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10).toFloat();
      const model = mlp(32, 10, c.out);
      model.compile(compileArgs(cfg));
      const before = await lossOf(model, d.x, y);
      const h = await model.fit(d.x, y, { ...fitArgsFromConfig(cfg), verbose: 0 });
      const after = await lossOf(model, d.x, y);
      expect(after).toBeLessThan(before * 0.9);
      expect(Object.keys(h.history).sort()).toEqual(['loss', ...metrics.map((m) => (m === 'accuracy' ? 'acc' : m))].sort());
      // The function used outside fit (validation telemetry) agrees with what compile trains on.
      const pred = model.predict(d.x) as tf.Tensor;
      const own = (await tf.mean(lossFunction(cfg)(y, pred)).data())[0]!;
      expect(own).toBeCloseTo(after, 4);
      tf.dispose([d.x, d.y, y, pred]);
      model.dispose();
    });
  }

  it('huber matches tf.losses.huberLoss and is quadratic then linear', async () => {
    const yTrue = tf.tensor2d([[0, 0]]);
    const yPred = tf.tensor2d([[0.5, 3]]);
    const per = huberLoss(1)(yTrue, yPred);
    expect(per.shape).toEqual([1]);
    // 0.5 * 0.5^2 = 0.125 ; 1 * (3 - 0.5) = 2.5 ; mean = 1.3125
    expect((await per.data())[0]).toBeCloseTo(1.3125, 6);
    const ref = tf.losses.huberLoss(yTrue, yPred, undefined, 1, tf.Reduction.MEAN);
    expect((await ref.data())[0]).toBeCloseTo(1.3125, 6);
  });

  it('passes class weights to fit; splits validation off the end as fit would', async () => {
    const cfg = config({ class_weight: { '0': 1, '1': 5 }, validation: { kind: 'split', fraction: 0.2 } });
    expect(fitArgsFromConfig(cfg)).toEqual({ classWeight: { 0: 1, 1: 5 }, validationSplit: 0.2, batchSize: 32, epochs: 10, shuffle: true });
    const d = mnistTensors('test', 10);
    const s = splitForValidation(d.x, d.y, 0.2);
    expect([s.train.x.shape[0], s.validation.x.shape[0]]).toEqual([8, 2]);
    expect(Array.from(await s.validation.y.data())).toEqual(Array.from(d.labels.subarray(8)));
    expect(() => splitForValidation(tf.slice(d.x, 0, 1), tf.slice(d.y, 0, 1), 0.2)).toThrow(/leaves 0 for training and 1/);
  });
});
