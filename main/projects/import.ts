/**
 * Opens a TF.js model.json (with its weight files beside it) or a Keras model-config JSON as a new, unsaved
 * project: the graph is rebuilt by shared/graph's importModelJson, laid out with elk, and a TF.js model's weights
 * are attached as an 'imported' run, so the model can be evaluated or fine-tuned at once.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, normalize, sep } from 'node:path';
import { CURRENT_FORMAT_VERSION, parseOrThrow, tfjsModelJsonSchema, weightsByteLength, type RunJson } from '../../shared/format';
import { importModelJson } from '../../shared/graph';
import { jsonBoundsProblem, jsonSyntaxProblem } from '../../shared/json-bounds';
import { defaultTrainingConfig } from '../../shared/training';
import { APP_VERSION } from './app-version';
import { layoutGraphLayered } from './layout';
import type { ProjectDocument, StoredWeights } from './types';

export const IMPORTED_RUN_ID = 'imported';

/** Model JSON files are small; a multi-hundred-megabyte one is not a model config. */
const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A weights path from a manifest, resolved inside the model's folder; manifests cannot point elsewhere. */
function weightFilePath(modelPath: string, entry: string): string {
  const rel = normalize(entry.replaceAll('/', sep));
  if (isAbsolute(entry) || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new Error(`${modelPath}: the weights manifest names '${entry}', which is outside the model's folder; weight files must lie beside model.json.`);
  }
  return join(dirname(modelPath), rel);
}

async function readTfjsWeights(modelPath: string, json: Record<string, unknown>): Promise<StoredWeights> {
  const modelJson = parseOrThrow(tfjsModelJsonSchema, json, basename(modelPath));
  const expectedBytes = weightsByteLength(modelJson.weightsManifest.flatMap((g) => g.weights));
  const parts: Uint8Array[] = [];
  let declared = 0;
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      const file = weightFilePath(modelPath, p);
      // Checked before reading: a link to a device or a file far larger than the manifest is never read whole.
      const info = await stat(file).catch(() => null);
      if (info && !info.isFile()) throw new Error(`${modelPath}: the weight file '${p}' is not a regular file; copy the real weights next to the model.json.`);
      declared += info?.size ?? 0;
      if (expectedBytes !== null && declared > expectedBytes) {
        throw new Error(`${modelPath}: the weight files hold more than the ${expectedBytes} bytes the manifest describes; they do not belong to this model.json.`);
      }
      try {
        parts.push(new Uint8Array(await readFile(file)));
      } catch (err) {
        throw new Error(`${modelPath}: cannot read the weight file '${p}' (${(err as NodeJS.ErrnoException).code ?? String(err)}); copy it next to the model.json.`, { cause: err });
      }
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    weightData.set(p, off);
    off += p.length;
  }
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const expected = weightsByteLength(specs);
  if (expected !== null && expected !== total) {
    throw new Error(`${modelPath}: the weight files hold ${total} bytes but the manifest describes ${expected}; they do not belong to this model.json.`);
  }
  return { modelJson: { ...modelJson, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }, weightData };
}

export interface ImportOptions {
  /** Project name; defaults to the file name without extension. */
  name?: string;
  now?: Date;
}

export async function importModelFile(path: string, options: ImportOptions = {}): Promise<ProjectDocument> {
  const info = await stat(path);
  // A device (/dev/zero) or a FIFO reports size 0 and would be read forever: only regular files are models.
  if (!info.isFile()) throw new Error(`${path}: not a model file (not a regular file); expected a TF.js model.json or a Keras model config.`);
  if (info.size > MAX_MODEL_JSON_BYTES) throw new Error(`${path}: ${info.size} bytes is too large for a model JSON file.`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw err;
    // Never the parser's excerpt of the text: the path may name any file the user can read.
    throw new Error(`${path}: not a model file (${jsonSyntaxProblem(err)}); expected a TF.js model.json or a Keras model config.`, { cause: err });
  }
  const tooDeep = jsonBoundsProblem(json);
  if (tooDeep) throw new Error(`${path}: not a model file (its JSON is ${tooDeep}); expected a TF.js model.json or a Keras model config.`);
  const graph = await layoutGraphLayered(importModelJson(json));
  const hasWeights = isObject(json) && Array.isArray(json.weightsManifest) && json.weightsManifest.length > 0;
  const weights = hasWeights ? await readTfjsWeights(path, json as Record<string, unknown>) : null;

  const now = (options.now ?? new Date()).toISOString();
  const name = options.name ?? basename(path, extname(path));
  const training = defaultTrainingConfig();
  const runs: ProjectDocument['runs'] = [];
  if (weights) {
    const meta: RunJson = {
      id: IMPORTED_RUN_ID,
      number: 1,
      name: `Imported from ${basename(path)}`,
      status: 'imported',
      created: now,
      config: training,
      graph,
      history: [],
      best: {},
      durationSeconds: 0,
      hasWeights: true,
    };
    runs.push({ meta, weights: { kind: 'memory', weights } });
  }
  return {
    path: null,
    project: {
      formatVersion: CURRENT_FORMAT_VERSION,
      appVersion: APP_VERSION,
      name,
      created: now,
      modified: now,
      graph,
      viewport: { x: 0, y: 0, zoom: 1 },
      training,
      dataset: null,
      notes: `Imported from ${path}${weights ? ' with its trained weights (run "imported")' : ' (topology only, no weights)'}.`,
    },
    runs,
  };
}
