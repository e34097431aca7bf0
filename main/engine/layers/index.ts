/**
 * Layer classes our models need beyond stock tfjs-layers, registered for tf.models.modelFromJSON.
 */
import * as tf from '@tensorflow/tfjs';
import { registerBooleanGradients } from '../kernels/boolean-grads';
import { CausalConv1D } from './causal-conv1d';
import { DilationTrainableConv2D } from './dilated-conv2d';
import { Exponential } from './exponential';
import { FusedLSTM } from './fused-lstm';
import { FusedReluDense } from './fused-relu';
import { KerasGRU } from './keras-gru';
import { MaskedGlobalAveragePooling1D } from './masked-global-average-pooling1d';
import { MaskPassingELU, MaskPassingLeakyReLU } from './mask-passing-activations';
import { SpatialDropout2D } from './spatial-dropout2d';
import { Subtract } from './subtract';
import { clearMasksAfterApply } from './stale-mask';
import { kerasMergeMasks } from './merge-masks';
import { kerasMergeValues } from './merge-values';
import { kerasMaskedBatchNormalization } from './masked-batch-normalization';

export { CausalConv1D, DilationTrainableConv2D, Exponential, KerasGRU, SpatialDropout2D, Subtract };

type Registrable = tf.serialization.SerializableConstructor<tf.layers.Layer>;

let registered = false;

/** Idempotent. Called when main/engine/model.ts loads. */
export function registerCustomLayers(): void {
  if (registered) return;
  registered = true;
  tf.serialization.registerClass(SpatialDropout2D);
  tf.serialization.registerClass(Exponential);
  tf.serialization.registerClass(Subtract as unknown as Registrable);
  tf.serialization.registerClass(DilationTrainableConv2D as unknown as Registrable);
  // Dense + ReLU as one kernel each way on wasm, also while training (see fused-relu.ts).
  tf.serialization.registerClass(FusedReluDense as unknown as Registrable);
  // Keras' GRU default (reset_after=True) and Conv1D padding='causal', which stock tfjs refuses.
  tf.serialization.registerClass(KerasGRU as unknown as Registrable);
  tf.serialization.registerClass(CausalConv1D as unknown as Registrable);
  // LSTM as one op per sequence each way on wasm (see fused-lstm.ts); tfjs' own loop elsewhere.
  tf.serialization.registerClass(FusedLSTM as unknown as Registrable);
  // Keras' mean over the unmasked steps only; tfjs averages the padding in.
  tf.serialization.registerClass(MaskedGlobalAveragePooling1D as unknown as Registrable);
  // Keras hands a mask on through LeakyReLU and ELU; tfjs dropped it there.
  tf.serialization.registerClass(MaskPassingLeakyReLU as unknown as Registrable);
  tf.serialization.registerClass(MaskPassingELU as unknown as Registrable);
  // Masking's mask ops have no tfjs gradient; without one nothing before a Masking layer trains.
  registerBooleanGradients();
  // tfjs leaves a layer's mask in the kwargs the next layers get (stale-mask.ts).
  clearMasksAfterApply();
  // Merged sequences' masks as Keras combines them; tfjs' Add of two masked sequences failed (merge-masks.ts).
  kerasMergeMasks();
  // ...and Multiply/Maximum/Minimum read a masked step as Keras 3 does (merge-values.ts).
  kerasMergeValues();
  // Keras 3's BatchNormalization takes its training statistics over the unmasked steps only (masked-batch-normalization.ts).
  kerasMaskedBatchNormalization();
}
