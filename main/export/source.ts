/**
 * What `layerlab export FILE` reads: a Keras model-config JSON, or a TF.js model.json with its weight files next to
 * it. Projects (.layerlab) are the projects engineer's format: extend loadExportSource there (marked below).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { modelTopology, ModelImportError } from '../../shared/graph/import';
import type { Graph, ModelSpec, NodeGroup } from '../../shared/graph/types';
import { LOSS_NAMES, OPTIMIZER_NAMES, parseTrainingConfig } from '../../shared/training';
import { withResolvedData } from '../datasets/project-relative';
import type { StoredWeights } from '../projects/types';
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

/** A stored run's weights (a project's runs/<id>/ model.json manifest and weight bytes), decoded. */
export function decodeStoredWeights(stored: StoredWeights): NamedWeight[] {
  const manifest = stored.modelJson.weightsManifest as { weights: WeightSpec[] }[];
  return decodeTfjsWeights(manifest.flatMap((g) => g.weights), stored.weightData);
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

/** The Keras model config inside a file (the importer's own unwrapping); exportGraph reads and checks it. */
function unwrapModelSpec(json: unknown): ModelSpec {
  try {
    return modelTopology(json) as unknown as ModelSpec;
  } catch (err) {
    if (err instanceof ModelImportError) throw new ExportError(err.message);
    throw err;
  }
}

/** Which run's trained weights a project export takes: a run id, 'latest' (the newest run with weights), or 'none'. */
export type RunChoice = string;

/** Which of the run's weights: its final ones, or its best epoch's by the run's monitor (run.json bestWeights). */
export type WeightsChoice = 'final' | 'best';

/**
 * A project's model: the chosen run's graph, weights and training settings (what was actually trained), or the
 * project's current graph and settings with freshly initialised weights when there is no run or 'none' is asked.
 */
async function loadProjectSource(path: string, run: RunChoice, which: WeightsChoice): Promise<ExportSource> {
  const { openProject, loadRunWeights } = await import('../projects/service');
  const { findStoredRun } = await import('../projects/run-numbers');
  const { compileGraph } = await import('../../shared/graph');
  const opened = await openProject(path);
  const withWeights = opened.doc.runs.filter((r) => r.meta.hasWeights);
  const named = run === 'none' || run === 'latest' ? undefined : findStoredRun(opened.doc, run);
  const chosen = run === 'latest' ? withWeights.at(-1) : named && opened.doc.runs.find((r) => r.meta === named.meta);
  if (run !== 'none' && run !== 'latest' && !chosen) {
    const ids = opened.doc.runs.map((r) => r.meta.id).join(', ') || 'none';
    throw new ExportError(`project '${path}' has no run '${run}' (its runs: ${ids}). Pass --run latest, --run none, a #number or one of those ids.`);
  }
  if (chosen && !chosen.meta.hasWeights) throw new ExportError(`run '${chosen.meta.id}' of '${path}' has no saved weights (status ${chosen.meta.status}). Pick another run or --run none.`);
  // Own data stored relative to the project: the exported programs get it as an absolute path (their --data default).
  const training = (config: unknown) => {
    const parsed = parseTrainingConfig(config);
    return parsed.ok ? withResolvedData(parsed.config, path) : undefined;
  };
  if (!chosen) {
    if (opened.configIssues.length) throw new ExportError(`project '${path}' has an invalid training config: ${opened.configIssues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    return { spec: compileGraph(opened.graph), training: training(opened.config), groups: groupsByLayer(opened.graph) };
  }
  if (which === 'best' && !chosen.meta.bestWeights) {
    throw new ExportError(`run '${chosen.meta.id}' of '${path}' has no best weights (it was trained before runs kept them): export its final weights (--weights final).`);
  }
  const stored = await loadRunWeights(opened.doc, chosen.meta.id, which);
  return {
    spec: unwrapModelSpec(stored.modelJson as unknown as Record<string, unknown>),
    weights: decodeStoredWeights(stored),
    training: training(chosen.meta.config) ?? training(opened.config),
    groups: groupsByLayer(chosen.meta.graph ?? opened.graph),
  };
}

/** The nested model of each layer that belongs to one (the compiled spec is flat). */
function groupsByLayer(graph: Graph): Record<string, NodeGroup> {
  return Object.fromEntries(graph.nodes.flatMap((n) => (n.group ? [[n.name, n.group]] : [])));
}

/**
 * Reads what to export: a Layerlab project (.layerlab; `run` picks the run whose weights go along), a Keras
 * model-config JSON, or a TF.js model.json with its weight files next to it.
 */
export async function loadExportSource(path: string, run: RunChoice = 'latest', which: WeightsChoice = 'final'): Promise<ExportSource> {
  if (path.endsWith('.layerlab')) return loadProjectSource(path, run, which);
  if (which !== 'final') throw new ExportError(`--weights ${which} applies to a project's run; '${path}' has one set of weights only: leave --weights out.`);
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
