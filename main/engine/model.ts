/**
 * ModelSpec (Keras model-config JSON) -> compiled tf.LayersModel.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../shared/graph/types';
import { registerCustomLayers } from './layers/index';
import { shareLastOutputState } from '../../shared/graph/tfjs-state-outputs';

registerCustomLayers();

export interface BuildOptions {
  /**
   * Seeds every layer's random initialisers (kernel, bias, depthwise, pointwise, ...) from this base, so two builds
   * with the same seed start from identical weights. Without it tfjs draws fresh random weights.
   */
  seed?: number;
}

type Json = Record<string, unknown>;

function isInitializer(v: unknown): v is { class_name: string; config: Json } {
  return typeof v === 'object' && v !== null && typeof (v as Json).class_name === 'string' && typeof (v as Json).config === 'object';
}

/** A deep copy of the spec with `seed` set on every initializer that takes one (their config has a seed key). */
export function seedInitializers(spec: ModelSpec, seed: number): ModelSpec {
  const copy = structuredClone(spec);
  let n = 0;
  // Wrappers nest the wrapped layer's config (Bidirectional: {layer: {class_name, config}}): seed those too.
  const visit = (config: Json): void => {
    for (const [key, value] of Object.entries(config)) {
      if (key.endsWith('_initializer') && isInitializer(value)) {
        if (/^(Zeros|Ones|Constant|Identity|zeros|ones|constant)$/.test(value.class_name)) continue;
        value.config = { ...value.config, seed: seed + n++ };
      } else if (key === 'layer' && value && typeof value === 'object' && 'config' in value) {
        visit((value as { config: Json }).config);
      }
    }
  };
  for (const layer of copy.config.layers) visit(layer.config);
  return copy;
}

/** Accepts a ModelSpec, a TF.js model.json ({ modelTopology }) or a tf.keras to_json() string's parsed value. */
export function specFromJson(json: unknown): ModelSpec {
  const obj = json as Json | null;
  if (obj && typeof obj === 'object' && 'modelTopology' in obj) {
    const topo = obj.modelTopology as Json;
    return ('model_config' in topo ? topo.model_config : topo) as ModelSpec;
  }
  if (obj && typeof obj === 'object' && 'class_name' in obj && 'config' in obj) return obj as unknown as ModelSpec;
  throw new Error(
    'not a Keras model config: expected {"class_name": "Sequential"|"Functional"|"Model", "config": {...}} or a TF.js model.json with "modelTopology"',
  );
}

/** Builds the (uncompiled) model. Errors from tfjs are prefixed with what was being built. */
export async function buildModel(spec: ModelSpec, options: BuildOptions = {}): Promise<tf.LayersModel> {
  const topology = shareLastOutputState(options.seed === undefined ? spec : seedInitializers(spec, options.seed));
  try {
    return await tf.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot build the model '${spec.config?.name ?? '?'}' with tfjs: ${msg}`, { cause: err });
  }
}

/** Input shape of a single-input model without the batch axis, e.g. [28, 28, 1]. */
export function modelInputShape(model: tf.LayersModel): number[] {
  if (model.inputs.length !== 1) throw new Error(`the model has ${model.inputs.length} inputs; training takes models with exactly one`);
  const shape = model.inputs[0]!.shape.slice(1);
  if (shape.some((d) => d == null)) throw new Error(`the model's input shape [${shape.join(', ')}] has an undefined dimension; give the InputLayer a full shape`);
  return shape as number[];
}
