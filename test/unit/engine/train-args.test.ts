import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../../main/commands/train';

describe('layerlab train arguments', () => {
  it('parses every option of issue 2', () => {
    const { request, file, json } = parseTrainArgs([
      'm.json', '--dataset', 'mnist', '--epochs', '3', '--batch-size', '64', '--optimizer', 'sgd', '--learning-rate', '0.05',
      '--momentum', '0.9', '--limit-train', '2000', '--limit-test', '500', '--backend', 'wasm', '--data-dir', '/d', '--json',
    ]);
    expect(file).toBe('m.json');
    expect(json).toBe(true);
    expect(request.data).toEqual({ dataset: 'mnist', dataDir: '/d', limitTrain: 2000, limitTest: 500 });
    expect(request.options).toMatchObject({ epochs: 3, batchSize: 64, backend: 'wasm', optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0.9 } });
  });
  it('defaults: batch size 32, sgd', () => {
    const { request } = parseTrainArgs(['m.json', '--dataset', 'fashion-mnist', '--epochs', '1']);
    expect(request.options.batchSize).toBe(32);
    expect(request.options.optimizer).toEqual({ name: 'sgd' });
  });
  it.each([
    [['m.json', '--epochs', '1'], /--dataset is required/],
    [['m.json', '--dataset', 'mnist'], /--epochs is required/],
    [['m.json', '--dataset', 'mnist', '--epochs', '0'], /--epochs must be a positive integer, got '0'/],
    [['m.json', '--dataset', 'mnist', '--epochs', '1', '--optimizer', 'lion'], /unknown --optimizer 'lion'; use one of sgd, adam/],
    [['m.json', '--dataset', 'mnist', '--epochs', '1', '--optimizer', 'adam', '--momentum', '0.9'], /--momentum applies to sgd and rmsprop/],
    [['--dataset', 'mnist', '--epochs', '1'], /expected one model file/],
  ] as const)('rejects %j', (argv, message) => {
    expect(() => parseTrainArgs([...argv])).toThrow(message);
  });
});
