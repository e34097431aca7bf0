/**
 * The TF.js "layers-model" model.json (as `model.save()` writes it) that a run's weights are stored in, so that
 * `tf.loadLayersModel` reads them back. Only the fields Layerlab relies on are checked; the rest pass through.
 */
import { z } from 'zod';

export const weightDtypeSchema = z.enum(['float32', 'int32', 'bool', 'complex64', 'string']);

export const weightSpecSchema = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: weightDtypeSchema,
  quantization: z
    .looseObject({ dtype: z.enum(['uint8', 'uint16', 'float16']) })
    .optional(),
});

export const weightsManifestGroupSchema = z.object({
  paths: z.array(z.string().min(1)),
  weights: z.array(weightSpecSchema),
});

export const tfjsModelJsonSchema = z.looseObject({
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(weightsManifestGroupSchema),
  trainingConfig: z.record(z.string(), z.unknown()).optional(),
  userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
});

export type WeightSpec = z.infer<typeof weightSpecSchema>;
export type TfjsModelJson = z.infer<typeof tfjsModelJsonSchema>;

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights of `specs` take in a weights .bin; null when unknown (string tensors carry their lengths). */
export function weightsByteLength(specs: readonly WeightSpec[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = bytesPerElement[dtype];
    if (bytes === undefined) return null;
    total += bytes * spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
