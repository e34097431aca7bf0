/** Models that cannot fit are refused before training, with their estimated size; the budget is configurable. */
import { describe, expect, it } from 'vitest';
import { checkMemoryBudget, estimateTrainingMemory, memoryBudget, parseMemoryAmount } from '../../../main/engine/memory-budget';
import { startTrainingWorker } from '../../../main/engine/worker/client';
import type { FromWorker, StartRequest } from '../../../main/engine/worker/protocol';
import { specFromJson } from '../../../main/engine/model';
import { TrainingConfigSchema, type TrainingConfigInput } from '../../../shared/training';
import { mnistDir } from './paths';

const GiB = 2 ** 30;
const denseSpec = (units: number) =>
  specFromJson({
    class_name: 'Sequential',
    config: {
      name: 'wide',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], name: 'in' } },
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Dense', config: { units, activation: 'relu', name: 'd' } },
        { class_name: 'Dense', config: { units: 10, activation: 'softmax', name: 'o' } },
      ],
    },
  });
const config = (overrides: TrainingConfigInput = {}) =>
  TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, limit_train: 200, limit_test: 100, epochs: 1, batch_size: 32, optimizer: { name: 'adam' }, ...overrides });

describe('memory budget', () => {
  it('parses sizes and shares, and says which forms it takes', () => {
    expect(parseMemoryAmount('6G')).toBe(6 * GiB);
    expect(parseMemoryAmount('512M')).toBe(512 * 2 ** 20);
    expect(parseMemoryAmount('1.5GiB')).toBe(1.5 * GiB);
    expect(parseMemoryAmount('40%', 10 * GiB)).toBe(4 * GiB);
    expect(parseMemoryAmount('1000')).toBe(1000);
    for (const bad of ['lots', '-1G', '0', '150%', '']) expect(() => parseMemoryAmount(bad), bad).toThrow(/is not an amount: use bytes or a size like 6G, 512M, or a share of memory like 40%/);
  });

  it('defaults to half the machine, at most 2 GiB on wasm, and takes LAYERLAB_MEMORY_BUDGET', () => {
    expect(memoryBudget('cpu', {}, 16 * GiB).bytes).toBe(8 * GiB);
    expect(memoryBudget('wasm', {}, 16 * GiB).bytes).toBe(2 * GiB);
    expect(memoryBudget('wasm', {}, 2 * GiB).bytes).toBe(GiB);
    expect(memoryBudget('wasm', { LAYERLAB_MEMORY_BUDGET: '3G' }, 16 * GiB)).toEqual({ bytes: 3 * GiB, source: 'LAYERLAB_MEMORY_BUDGET=3G' });
  });

  it('estimates Dense(100000) on 784 inputs with adam above 2 GiB, and a small MLP far below', () => {
    const big = estimateTrainingMemory(denseSpec(100_000), config())!;
    expect(big.params).toBe(784 * 100_000 + 100_000 + 100_000 * 10 + 10);
    expect(big.total).toBeGreaterThan(2 * GiB);
    expect(estimateTrainingMemory(denseSpec(64), config())!.total).toBeLessThan(64 * 2 ** 20);
    expect(() => checkMemoryBudget(denseSpec(64), config(), 'cpu', { LAYERLAB_MEMORY_BUDGET: '1M' })).toThrow(/more than the 0\.00 GiB budget \(LAYERLAB_MEMORY_BUDGET=1M\)/);
    expect(checkMemoryBudget(denseSpec(64), config(), 'wasm', {})).not.toBeNull();
  });

  it('the worker refuses Dense(100000) on 784 inputs before building it, with the estimate and the fixes', async () => {
    const request: StartRequest = { spec: denseSpec(100_000), config: config(), data: { dataDir: mnistDir }, backend: 'wasm' };
    const events: FromWorker[] = [];
    const end = await startTrainingWorker(request, (e) => events.push(e)).finished;
    expect(end.type).toBe('error');
    expect(end.type === 'error' && end.message).toMatch(
      /this model needs about 2\.\d GiB to train \(79,500,010 parameters: .* adam state; .* at batch size 32\), more than the 2\.0 GiB budget \(the wasm backend.*\)\. Make the largest layers smaller or lower the batch size; to allow more, set LAYERLAB_MEMORY_BUDGET/,
    );
    expect(events.some((e) => e.type === 'ready')).toBe(false);
  });
});
