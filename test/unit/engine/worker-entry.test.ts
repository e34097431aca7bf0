import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from '../../../main/engine/worker/client';
import { parseTrainArgs } from '../../../main/commands/train';

describe('training worker entry', () => {
  it('from source: the tsx bootstrap plus the .ts entry', () => {
    const dir = path.resolve('main/engine/worker');
    const e = resolveWorkerEntry(pathToFileURL(path.join(dir, 'client.ts')).href);
    expect(e).toEqual({ file: path.join(dir, 'bootstrap.mjs'), entry: path.join(dir, 'train-worker.ts') });
  });
  it('from a build: the compiled .js entry, started directly (also inside app.asar)', () => {
    const dir = '/opt/Layerlab/resources/app.asar/out/main/engine/worker';
    const e = resolveWorkerEntry(pathToFileURL(path.join(dir, 'client.js')).href, (p) => p.endsWith('train-worker.js'));
    expect(e).toEqual({ file: path.join(dir, 'train-worker.js') });
  });
  it('a build without the worker file says so', () => {
    expect(() => resolveWorkerEntry(pathToFileURL('/opt/x/client.js').href, () => false)).toThrow(/training worker is missing/);
  });
});

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
