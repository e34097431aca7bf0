/**
 * Conversions between tfjs models / ModelArtifacts and the weights stored in a project (TF.js layers format). Here
 * in engine/ because it runs tfjs; main/projects only stores and reads the bytes.
 * `weightsIOHandler` is the custom IOHandler that lets `tf.loadLayersModel` read a run's weights directly.
 */
import * as tf from '@tensorflow/tfjs';
import { registerCustomLayers } from './layers/index';
import { parseOrThrow, tfjsModelJsonSchema } from '../../shared/format';
import type { StoredWeights } from '../projects/types';

function toUint8(data: tf.io.WeightData): Uint8Array {
  return new Uint8Array(tf.io.concatenateArrayBuffers(data));
}

/** From what a tfjs save handler receives. */
export function storedWeightsFromArtifacts(artifacts: tf.io.ModelArtifacts): StoredWeights {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('The model artifacts have no JSON model topology; only layers models (tf.LayersModel) can be stored in a project.');
  }
  const modelJson = parseOrThrow(
    tfjsModelJsonSchema,
    {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    },
    'model.json',
  );
  return { modelJson, weightData: artifacts.weightData ? toUint8(artifacts.weightData) : new Uint8Array(0) };
}

export function artifactsFromStoredWeights(weights: StoredWeights): tf.io.ModelArtifacts {
  const { modelJson, weightData } = weights;
  // Copy into an exact ArrayBuffer: weightData may be a view into a larger buffer.
  const buffer = weightData.slice().buffer;
  return {
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy ?? null,
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: buffer,
    ...(modelJson.trainingConfig ? { trainingConfig: modelJson.trainingConfig as unknown as tf.io.TrainingConfig } : {}),
    ...(modelJson.userDefinedMetadata ? { userDefinedMetadata: modelJson.userDefinedMetadata as Record<string, unknown> as {} } : {}),
  };
}

/** `tf.loadLayersModel(weightsIOHandler(w))` rebuilds the trained model. */
export function weightsIOHandler(weights: StoredWeights): tf.io.IOHandler {
  return { load: async () => artifactsFromStoredWeights(weights) };
}

/** Captures a model's topology and weights as they would be saved, without touching the disk. */
export async function captureModelWeights(model: tf.LayersModel): Promise<StoredWeights> {
  let captured: StoredWeights | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = storedWeightsFromArtifacts(artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('tfjs did not hand the model artifacts to the save handler.');
  return captured;
}

export async function loadModelFromWeights(weights: StoredWeights): Promise<tf.LayersModel> {
  // The layer classes Layerlab trains with beyond stock tfjs (Subtract, SpatialDropout2D, exponential, ...).
  registerCustomLayers();
  return tf.loadLayersModel(weightsIOHandler(weights));
}
