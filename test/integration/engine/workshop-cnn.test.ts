/**
 * The workshop CNN trained for real on MNIST on wasm (our gradient kernels): 2000 training images, 2 epochs,
 * evaluated on 1000 held-out test images.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runTraining } from '../../../main/engine/train';
import { specFromJson } from '../../../main/engine/model';
import type { EpochEvent, FromWorker } from '../../../main/engine/worker/protocol';
import { TrainingConfigSchema } from '../../../shared/training';
import { fixture, mnistDir } from './paths';

it('the workshop CNN (SGD lr 0.01 momentum 0.9) reaches well above chance on held-out MNIST', async () => {
  const events: FromWorker[] = [];
  const result = await runTraining(
    {
      spec: specFromJson(JSON.parse(readFileSync(fixture('workshop-cnn.json'), 'utf8'))),
      config: TrainingConfigSchema.parse({
        dataset: { name: 'mnist' }, limit_train: 2000, limit_test: 1000, epochs: 2, batch_size: 32, seed: 1,
        optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 },
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
  result.model.dispose();
}, 300_000);
