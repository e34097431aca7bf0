/**
 * Fine-tuning: a new run starts from an earlier run's trained weights instead of fresh ones (`train --init-from
 * RUN`, the window's "Train from these weights"). Weights are matched by name (`<layer>/<weight>`, as tfjs names
 * them and as the run stored them; weight-names.ts) and every shape is checked first: when anything does not fit,
 * one error lists every mismatch (missing, extra, wrong shape), so the user sees the whole gap at once. Only the
 * weights move: the optimizer starts fresh, the epochs count from 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { WorkerWeight } from '../worker/protocol';
import { matchWeights } from '../weight-names';

export interface InitialWeights {
  /** Where the weights come from, for messages: 'run #2 (run-...)', 'the weights of model.json'. */
  run: string;
  weights: WorkerWeight[];
}

const dims = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/**
 * What does not fit, one line each; empty when every weight of the model has a same-shaped one in the run. Names are
 * matched as weight-names.ts says (Bidirectional's inner layers whatever tfjs counter they carry); lines show the
 * names as they are.
 */
export function weightMismatches(model: readonly { name: string; shape: readonly (number | null)[] }[], run: readonly { name: string; shape: readonly number[] }[]): string[] {
  const { pairs, unused } = matchWeights(model, run);
  const problems: string[] = [];
  for (const { weight: w, given: from } of pairs) {
    if (!from) problems.push(`${w.name} ${dims(w.shape)}: not in the run`);
    else if (from.shape.length !== w.shape.length || from.shape.some((d, i) => d !== w.shape[i])) problems.push(`${w.name}: ${dims(from.shape)} in the run, ${dims(w.shape)} in this model`);
  }
  for (const w of unused) problems.push(`${w.name} ${dims(w.shape)}: in the run, not in this model`);
  return problems;
}

/** Sets the model's weights from the run's, or throws listing every mismatch and the ways out. */
export function applyInitialWeights(model: tf.LayersModel, init: InitialWeights): void {
  const current = model.weights.map((w) => ({ name: w.originalName, shape: w.shape }));
  const problems = weightMismatches(current, init.weights);
  if (problems.length > 0) {
    throw new Error(
      `the weights of ${init.run} do not fit this model (${problems.length} mismatch${problems.length === 1 ? '' : 'es'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nTrain the run's own graph (open it from the run history), change these layers back, or start from fresh weights.`,
    );
  }
  const tensors = matchWeights(current, init.weights).pairs.map(({ given }) => tf.tensor(given!.data, given!.shape, 'float32'));
  model.setWeights(tensors);
  tf.dispose(tensors);
}
