/**
 * The bridge to tfjs: a ModelSpec built into a tf.LayersModel (to save it in the TF.js format, or to take its
 * fresh initial weights when the source has none), and a model's weights as NamedWeights.
 */
import * as tf from '@tensorflow/tfjs';
import { shareLastOutputState } from '../../shared/graph/tfjs-state-outputs';
import type { ModelSpec } from '../../shared/graph/types';
import { registerCustomLayers } from '../engine/layers/index';
import { matchWeights } from '../engine/weight-names';
import { ExportError, type NamedWeight } from './types';

// The classes Layerlab trains with (Subtract, SpatialDropout2D, the exponential activation) build exports too.
registerCustomLayers();

/**
 * tfjs' cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js..." on its first tensor; an
 * export's output is its file list and notes only (the engine silences it the same way, main/engine/backend.ts).
 */
async function quietBackend(): Promise<void> {
  await tf.ready();
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse) backend.firstUse = false;
}

export async function buildTfjsModel(spec: ModelSpec, weights?: readonly NamedWeight[]): Promise<tf.LayersModel> {
  await quietBackend();
  let model: tf.LayersModel;
  try {
    // tfjs reads the Keras 2 layout: Keras 3's 'Functional' is the same topology under the old class name.
    // shareLastOutputState: tfjs would dispose the tensor an RNN's output and its state h share (return_state).
    const json = shareLastOutputState(spec.class_name === 'Functional' ? { ...spec, class_name: 'Model' } : spec);
    model = (await tf.models.modelFromJSON({ modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'] })) as tf.LayersModel;
  } catch (err) {
    throw new ExportError(`tfjs cannot build this model: ${(err as Error).message}`);
  }
  if (weights) setNamedWeights(model, weights);
  return model;
}

/** @internal The inverse of setNamedWeights: tests compare a model's weights with the files written. */
export function namedWeights(model: tf.LayersModel): NamedWeight[] {
  return model.weights.map((w) => ({ name: w.originalName, shape: w.shape.slice() as number[], data: w.read().dataSync() as Float32Array }));
}

/** Sets the model's weights from the given ones, matched by name (weight-names.ts: Bidirectional's inner layers whatever tfjs counter they carry). */
export function setNamedWeights(model: tf.LayersModel, weights: readonly NamedWeight[]): void {
  const current = model.weights.map((v) => ({ name: v.originalName, shape: v.shape }));
  const values = matchWeights(current, weights).pairs.map(({ weight: v, given: w }) => {
    if (!w) throw new ExportError(`no weight named '${v.name}' among the given weights (${weights.slice(0, 6).map((g) => g.name).join(', ')}...).`);
    if (w.shape.join('x') !== v.shape.join('x')) throw new ExportError(`weight '${w.name}' has shape [${w.shape}] but the model needs [${v.shape}].`);
    return tf.tensor(w.data, w.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}
