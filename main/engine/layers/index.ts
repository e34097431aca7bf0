/**
 * Layer classes our models need beyond stock tfjs-layers, registered for tf.models.modelFromJSON.
 */
import * as tf from '@tensorflow/tfjs';
import { DilationTrainableConv2D } from './dilated-conv2d';
import { Exponential } from './exponential';
import { SpatialDropout2D } from './spatial-dropout2d';
import { Subtract } from './subtract';

export { DilationTrainableConv2D, Exponential, SpatialDropout2D, Subtract };

let registered = false;

/** Idempotent. Called when main/engine/model.ts loads. */
export function registerCustomLayers(): void {
  if (registered) return;
  registered = true;
  tf.serialization.registerClass(SpatialDropout2D);
  tf.serialization.registerClass(Exponential);
  tf.serialization.registerClass(Subtract as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
  tf.serialization.registerClass(DilationTrainableConv2D as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}
