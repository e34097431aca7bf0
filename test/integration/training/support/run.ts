/** Runs fit() with the training callbacks and collects every telemetry event, as the worker will. */
import type * as tf from '@tensorflow/tfjs';
import { createTrainingCallbacks, type TrainingCallbackContext, type TrainingCallbacks } from '../../../../main/engine/training/callbacks';
import { fitArgsFromConfig } from '../../../support/fit-args';
import type { TelemetryEvent } from '../../../../shared/telemetry';
import { parseTrainingConfig, type TrainingConfig, type TrainingConfigInput } from '../../../../shared/training';

export function config(input: TrainingConfigInput): TrainingConfig {
  const r = parseTrainingConfig(input);
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

export interface RunResult {
  events: TelemetryEvent[];
  training: TrainingCallbacks;
  history: tf.History;
  of<T extends TelemetryEvent['type']>(type: T): Extract<TelemetryEvent, { type: T }>[];
}

export async function run(
  model: tf.LayersModel, cfg: TrainingConfig, x: tf.Tensor, y: tf.Tensor,
  ctx: Omit<TrainingCallbackContext, 'sink'> = {}, initialEpoch = 0,
): Promise<RunResult> {
  const events: TelemetryEvent[] = [];
  const training = createTrainingCallbacks(model, cfg, { ...ctx, sink: (e) => events.push(e) });
  const history = await model.fit(x, y, { ...fitArgsFromConfig(cfg), initialEpoch, callbacks: training.callbacks, verbose: 0 });
  training.dispose();
  return {
    events, training, history,
    of: <T extends TelemetryEvent['type']>(type: T) => events.filter((e): e is Extract<TelemetryEvent, { type: T }> => e.type === type),
  };
}
