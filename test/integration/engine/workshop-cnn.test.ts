/**
 * The workshop CNN trained for real on MNIST on wasm (our gradient kernels, Winograd convolutions, fused ReLU layers
 * and one-pass optimizer updates): 2000 training images, 2 epochs, evaluated on 1000 held-out test images; with SGD
 * momentum, and with Adam.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { simdCalls } from '../../../main/engine/kernels/simd/gemm';
import { runTraining } from '../../../main/engine/train';
import { specFromJson } from '../../../main/engine/model';
import type { EpochEvent, FromWorker } from '../../../main/engine/worker/protocol';
import { TrainingConfigSchema } from '../../../shared/training';
import { fixture, mnistDir } from './paths';

it.each([
  ['SGD lr 0.01 momentum 0.9', { name: 'sgd', learning_rate: 0.01, momentum: 0.9 }, 'momentum'],
  ['Adam lr 0.001', { name: 'adam', learning_rate: 0.001 }, 'adam'],
] as const)('the workshop CNN (%s) reaches well above chance on held-out MNIST', async (_t, optimizer, update) => {
  const events: FromWorker[] = [];
  const [updates, winograd] = [simdCalls[update], simdCalls.winoConv];
  const result = await runTraining(
    {
      spec: specFromJson(JSON.parse(readFileSync(fixture('workshop-cnn.json'), 'utf8'))),
      config: TrainingConfigSchema.parse({
        dataset: { name: 'mnist' }, limit_train: 2000, limit_test: 1000, epochs: 2, batch_size: 32, seed: 1,
        optimizer,
        telemetry: { histograms: false, filters: false, activations: false, health_checks: false },
      }),
      data: { dataDir: mnistDir },
      backend: 'wasm',
    },
    (e) => events.push(e),
  );
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  expect(epochs).toHaveLength(2);
  const last = epochs[1]!.logs;
  // Chance is 0.1; two short epochs on 2000 images land around 0.85-0.9.
  expect(last.val_acc).toBeGreaterThan(0.7);
  expect(last.val_loss).toBeLessThan(1.2);
  expect(events.find((e) => e.type === 'backend')).toMatchObject({ choice: { backend: 'wasm' } });
  // It trained through the fused paths (one update per variable and step; conv2 and its input gradient by Winograd).
  expect(simdCalls[update] - updates).toBeGreaterThanOrEqual(8 * 2 * 62);
  expect(simdCalls.winoConv - winograd).toBeGreaterThanOrEqual(2 * 2 * 62);
  result.model.dispose();
}, 300_000);
