import { describe, expect, it } from 'vitest';
import { applyOverrides, parseTrainArgs } from '../../../main/commands/train';

describe('layerlab train arguments', () => {
  it('parses every option of issue 2 into config overrides', () => {
    const args = parseTrainArgs([
      'm.json', '--dataset', 'mnist', '--epochs', '3', '--batch-size', '64', '--optimizer', 'sgd', '--learning-rate', '0.05',
      '--momentum', '0.9', '--limit-train', '2000', '--limit-test', '500', '--backend', 'wasm', '--data-dir', '/d', '--json',
    ]);
    expect(args).toMatchObject({ file: 'm.json', json: true, backend: 'wasm', dataDir: '/d' });
    const config = applyOverrides({ optimizer: { name: 'sgd' }, batch_size: 32 }, args.overrides);
    expect(config).toMatchObject({
      dataset: { name: 'mnist' }, epochs: 3, batch_size: 64, limit_train: 2000, limit_test: 500,
      optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0.9 },
    });
  });
  it("issue 4's options: --config, --resume, --checkpoint-dir; flags override the config", () => {
    const args = parseTrainArgs(['m.json', '--config', 'c.json', '--resume', 'run-1', '--checkpoint-dir', '/ck', '--learning-rate', '0.2']);
    expect(args).toMatchObject({ configFile: 'c.json', resume: 'run-1', checkpointDir: '/ck' });
    const config = applyOverrides({ dataset: { name: 'fashion-mnist' }, epochs: 7, optimizer: { name: 'adam', learning_rate: 0.01 } }, args.overrides);
    expect(config).toMatchObject({ dataset: { name: 'fashion-mnist' }, epochs: 7, optimizer: { name: 'adam', learning_rate: 0.2, beta_1: 0.9 } });
  });
  it('a project needs neither --dataset nor --epochs', () => {
    expect(parseTrainArgs(['p.layerlab']).overrides).toEqual({});
  });
  it('defaults: batch size 32, sgd', () => {
    const config = applyOverrides({ optimizer: { name: 'sgd' }, batch_size: 32 }, parseTrainArgs(['m.json', '--dataset', 'fashion-mnist', '--epochs', '1']).overrides);
    expect(config.batch_size).toBe(32);
    expect(config.optimizer).toMatchObject({ name: 'sgd', learning_rate: 0.01 });
  });
  it.each([
    [['m.json', '--epochs', '1'], /--dataset is required/],
    [['m.json', '--dataset', 'mnist'], /--epochs is required/],
    [['m.json', '--dataset', 'mnist', '--epochs', '0'], /--epochs must be a positive integer, got '0'/],
    [['m.json', '--dataset', 'mnist', '--epochs', '1', '--optimizer', 'lion'], /unknown --optimizer 'lion'; use one of sgd, adam/],
    [['--dataset', 'mnist', '--epochs', '1'], /expected one model file/],
  ] as const)('rejects %j', (argv, message) => {
    expect(() => parseTrainArgs([...argv])).toThrow(message);
  });
  it('rejects --momentum for an optimizer without it, and an invalid config with the field named', () => {
    const args = parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '1', '--optimizer', 'adam', '--momentum', '0.9']);
    expect(() => applyOverrides({}, args.overrides)).toThrow(/--momentum applies to sgd and rmsprop/);
    expect(() => applyOverrides({ batch_size: 'x' }, {})).toThrow(/batch_size/);
  });

  it('a negative value states the value rule, not parseArgs\' "argument is ambiguous"', () => {
    expect(() => parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '-1'])).toThrow(/^--epochs must be a positive integer, got '-1'$/);
    expect(() => parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '2', '--learning-rate', '-0.5'])).toThrow(/--learning-rate must be a non-negative number, got '-0.5'/);
    expect(() => parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '2', '--batch-size', '-.5'])).toThrow(/--batch-size must be a positive integer/);
  });

  it('--memory-budget is checked when parsed', () => {
    expect(parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '1', '--memory-budget', '6G']).memoryBudget).toBe('6G');
    expect(() => parseTrainArgs(['m.json', '--dataset', 'mnist', '--epochs', '1', '--memory-budget', 'lots'])).toThrow(/memory budget 'lots' is not an amount/);
  });
});
