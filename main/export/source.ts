/**
 * What `layerlab export FILE` reads: a Keras model-config JSON, or a TF.js model.json with its weight files next to
 * it. Projects (.layerlab) are the projects engineer's format: extend loadExportSource there (marked below).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unwrapModelSpec } from './ir';
import { LOSS_NAMES, OPTIMIZER_NAMES, parseTrainingConfig } from '../../shared/training';
import { ExportError, type ExportSource, type ExportTrainingConfig, type NamedWeight } from './types';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

/** Decodes a TF.js weights manifest's float32 weights from the concatenated shard bytes. */
export function decodeTfjsWeights(specs: readonly WeightSpec[], data: Uint8Array): NamedWeight[] {
  const out: NamedWeight[] = [];
  let offset = 0;
  for (const s of specs) {
    if ((s.dtype ?? 'float32') !== 'float32' || s.quantization) throw new ExportError(`weight '${s.name}' is ${s.quantization ? 'quantized' : s.dtype}; only float32 weights can be exported. Save the model without quantization.`);
    const count = s.shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > data.byteLength) throw new ExportError(`the weight files end before weight '${s.name}': they are cut short or do not belong to this model.json.`);
    out.push({ name: s.name, shape: s.shape, data: new Float32Array(new Uint8Array(data.subarray(offset, offset + count * 4)).buffer) });
    offset += count * 4;
  }
  return out;
}

/** Keras' training_config (a tfjs model.json's trainingConfig) -> Layerlab's training document, where it says. */
function trainingFromKeras(tc: Record<string, unknown> | undefined): ExportTrainingConfig | undefined {
  if (!tc) return undefined;
  const opt = tc.optimizer_config as { class_name?: string; config?: Record<string, unknown> } | undefined;
  const name = String(opt?.class_name ?? 'Adam').toLowerCase();
  const c = opt?.config ?? {};
  const lossName = typeof tc.loss === 'string' ? tc.loss.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() : undefined;
  const optimizer: Record<string, unknown> = { name: (OPTIMIZER_NAMES as readonly string[]).includes(name) ? name : 'adam' };
  const lr = c.learning_rate ?? c.learningRate ?? c.lr;
  if (typeof lr === 'number') optimizer.learning_rate = lr;
  if (name === 'sgd' && typeof c.momentum === 'number') optimizer.momentum = c.momentum;
  const loss = lossName === 'mean_squared_error' ? 'mse' : lossName === 'mean_absolute_error' ? 'mae' : lossName;
  const parsed = parseTrainingConfig({ optimizer, ...((LOSS_NAMES as readonly string[]).includes(loss ?? '') ? { loss } : {}) });
  return parsed.ok ? parsed.config : undefined;
}

/**
 * EXTEND HERE for projects: when `path` ends in '.layerlab', read the project (main/projects), compile its graph
 * to a ModelSpec (shared/graph compileGraph), take the chosen run's weights and training settings, and return them.
 */
export async function loadExportSource(path: string): Promise<ExportSource> {
  if (path.endsWith('.layerlab')) throw new ExportError(`'${path}' is a Layerlab project; exporting projects is not wired yet. Export its model JSON, or a TF.js model.json.`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ExportError(`cannot read '${path}' as JSON: ${(err as Error).message}`);
  }
  const spec = unwrapModelSpec(json);
  const manifest = json.weightsManifest as { paths: string[]; weights: WeightSpec[] }[] | undefined;
  if (!manifest) return { spec, training: trainingFromKeras(json.trainingConfig as Record<string, unknown> | undefined) };
  const chunks: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      try {
        chunks.push(await readFile(join(dirname(path), p)));
      } catch {
        throw new ExportError(`weight file '${p}' listed in ${path} is missing; keep the .bin files next to model.json.`);
      }
    }
  }
  const all = new Uint8Array(chunks.reduce((a, c) => a + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.byteLength; }
  const weights = decodeTfjsWeights(manifest.flatMap((g) => g.weights), all);
  return { spec, weights, training: trainingFromKeras(json.trainingConfig as Record<string, unknown> | undefined) };
}
