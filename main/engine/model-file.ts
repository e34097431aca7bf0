/**
 * Reads the model files the CLI accepts: a Keras model-config JSON (tf.keras to_json(), tfjs model.toJSON()),
 * a TF.js model.json ({ modelTopology, weightsManifest }), or a Layerlab project (.layerlab).
 */
import { readFile } from 'node:fs/promises';
import { compileGraph, importModelJson } from '../../shared/graph/index';
import type { Graph, ModelSpec } from '../../shared/graph/types';
import { openProject } from '../projects/service';
import { jsonSyntaxProblem } from '../../shared/json-bounds';
import { specFromJson } from './model';

export interface ModelFile {
  graph: Graph;
  /** What tfjs builds: the file's own topology, or the compiled graph of a project. */
  spec: ModelSpec;
  name: string;
}

export async function readModelFile(file: string): Promise<ModelFile> {
  if (/\.layerlab$/i.test(file)) {
    const { doc, graph } = await openProject(file);
    if (graph.nodes.length === 0) throw new Error(`${file}: the project's model is empty; add layers first`);
    return { graph, spec: compileGraph(graph), name: doc.project.name };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${jsonSyntaxProblem(err)}); expected a Keras model config or a TF.js model.json`, { cause: err });
  }
  // tf.keras' to_json() output is sometimes saved double-encoded (a JSON string holding the JSON).
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch {
      throw new Error(`${file} holds a JSON string that is not itself a model config`);
    }
  }
  let graph: Graph;
  try {
    graph = importModelJson(json);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const spec = specFromJson(json);
  return { graph, spec, name: spec.config?.name ?? file };
}
