/**
 * Checkpoints a stopped run can resume from: model weights, optimizer state (moments, iteration count), the
 * number of finished epochs, the learning rate and the metrics history. A directory holds a JSON manifest and two
 * plain little-endian float32/int32 blobs; no model.json, because the model is rebuilt from its ModelSpec.
 * Each save writes its blobs under names of their own (weights-<epoch>.bin, named in the manifest) and the manifest
 * last, via rename, then removes the older blobs: a process killed at any moment of a save (the kill tests do it)
 * leaves the previous checkpoint whole, never a manifest of one epoch over blobs of another.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../../shared/telemetry';
import { getLearningRate, setLearningRate } from './optimizers';

export const CHECKPOINT_MANIFEST = 'checkpoint.json';
const WEIGHTS_FILE = 'weights.bin';
const OPTIMIZER_FILE = 'optimizer.bin';

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in its blob. */
  offset: number;
}

export interface CheckpointManifest {
  format: 'layerlab-checkpoint';
  version: 1;
  /** Epochs finished: fit({ initialEpoch: epoch }) continues with the next one. */
  epoch: number;
  learningRate: number;
  optimizerClass: string;
  history: EpochMetrics[];
  weights: TensorEntry[];
  optimizer: TensorEntry[];
  savedAt: string;
  /** Caller state (schedule, early stopping, run id): plain JSON. */
  extra?: Record<string, unknown>;
  /** The blobs of this checkpoint; absent in checkpoints written before they were named per save. */
  files?: { weights: string; optimizer: string };
  /**
   * The run's best epoch so far (training/best-weights.ts), so that a resumed run's best counts its earlier
   * sessions. `file` holds its weights (entries as `weights`); absent when the best epoch is this checkpoint's
   * last, whose weights are the checkpoint's own. Absent in older checkpoints.
   */
  best?: { epoch: number; monitor: string; value: number; file?: string; entries?: TensorEntry[] };
}

/** The best epoch so far and its weights (in the model's weight order), as the checkpoint keeps it. */
export interface CheckpointBest {
  epoch: number;
  monitor: string;
  value: number;
  weights: tf.Tensor[];
}

export interface CheckpointState {
  epoch: number;
  history: EpochMetrics[];
  extra?: Record<string, unknown>;
  best?: CheckpointBest | null;
}

async function packTensors(named: { name: string; tensor: tf.Tensor }[]): Promise<{ entries: TensorEntry[]; blob: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new Error(`checkpoint: tensor '${name}' has dtype ${tensor.dtype}; only float32 and int32 weights can be saved`);
    }
    const data = await tensor.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({ name, shape: tensor.shape.slice(), dtype: tensor.dtype, offset });
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  const blob = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    blob.set(p, at);
    at += p.byteLength;
  }
  return { entries, blob };
}

function unpackTensor(entry: TensorEntry, blob: Uint8Array, file: string): tf.Tensor {
  const size = entry.shape.reduce((a, b) => a * b, 1);
  const end = entry.offset + size * 4;
  if (end > blob.byteLength) {
    throw new Error(`checkpoint: ${file} is truncated (tensor '${entry.name}' needs bytes up to ${end}, file has ${blob.byteLength}): the checkpoint is damaged, use an older one`);
  }
  const buf = blob.buffer.slice(blob.byteOffset + entry.offset, blob.byteOffset + end);
  const values = entry.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
  return tf.tensor(values, entry.shape, entry.dtype);
}

/** Writes a checkpoint of `model` (compiled, so it has its optimizer) into `dir`, replacing an older one. */
export async function saveCheckpoint(dir: string, model: tf.LayersModel, state: CheckpointState): Promise<CheckpointManifest> {
  await mkdir(dir, { recursive: true });
  const values = model.getWeights();
  const weights = await packTensors(model.weights.map((w, i) => ({ name: w.originalName ?? w.name, tensor: values[i]! })));
  const optimizerWeights = await model.optimizer.getWeights();
  const optimizer = await packTensors(optimizerWeights.map((w) => ({ name: w.name, tensor: w.tensor })));
  const manifest: CheckpointManifest = {
    format: 'layerlab-checkpoint', version: 1, epoch: state.epoch, learningRate: getLearningRate(model.optimizer),
    optimizerClass: model.optimizer.getClassName(), history: state.history, weights: weights.entries, optimizer: optimizer.entries,
    savedAt: new Date().toISOString(), ...(state.extra ? { extra: state.extra } : {}),
    files: { weights: `weights-${state.epoch}.bin`, optimizer: `optimizer-${state.epoch}.bin` },
  };
  await writeFile(join(dir, manifest.files!.weights), weights.blob);
  await writeFile(join(dir, manifest.files!.optimizer), optimizer.blob);
  const best = state.best;
  if (best) {
    const { epoch, monitor, value } = best;
    manifest.best = { epoch, monitor, value };
    // The last finished epoch's weights are the checkpoint's own; an earlier best gets its own blob, named by its
    // epoch. The previous checkpoint may name the same blob, so it is replaced by rename (whole, old or new, at any
    // moment of a kill), and not rewritten at all when it is there already (same epoch, same weights).
    if (epoch !== state.epoch - 1) {
      const packed = await packTensors(model.weights.map((w, i) => ({ name: w.originalName ?? w.name, tensor: best.weights[i]! })));
      const file = `best-${epoch}.bin`;
      manifest.best = { ...manifest.best, file, entries: packed.entries };
      const there = await stat(join(dir, file)).then((s) => s.size, () => -1);
      if (there !== packed.blob.byteLength) {
        await writeFile(join(dir, `${file}.tmp`), packed.blob);
        await rename(join(dir, `${file}.tmp`), join(dir, file));
      }
    }
  }
  const tmp = join(dir, `${CHECKPOINT_MANIFEST}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest));
  await rename(tmp, join(dir, CHECKPOINT_MANIFEST));
  // Only now are the previous checkpoint's blobs (and those of a save killed midway) no longer needed.
  const keep = new Set([CHECKPOINT_MANIFEST, manifest.files!.weights, manifest.files!.optimizer, ...(manifest.best?.file ? [manifest.best.file] : [])]);
  for (const name of await readdir(dir)) {
    if (!keep.has(name) && /^(weights|optimizer|best)(-\d+)?\.bin(\.tmp)?$/.test(name)) await rm(join(dir, name), { force: true });
  }
  return manifest;
}

export async function readCheckpointManifest(dir: string): Promise<CheckpointManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_MANIFEST), 'utf8');
  } catch {
    throw new Error(`no checkpoint in ${dir} (missing ${CHECKPOINT_MANIFEST}): pass the checkpoint directory of a run that finished at least one epoch`);
  }
  const manifest = JSON.parse(text) as CheckpointManifest;
  if (manifest.format !== 'layerlab-checkpoint' || manifest.version !== 1) {
    throw new Error(`${join(dir, CHECKPOINT_MANIFEST)} is not a version 1 Layerlab checkpoint`);
  }
  return manifest;
}

/**
 * Loads a checkpoint into `model`, which must be built from the same ModelSpec and compiled with the same
 * optimizer kind. Returns the manifest: continue with fit({ initialEpoch: manifest.epoch }).
 */
export async function loadCheckpoint(dir: string, model: tf.LayersModel): Promise<CheckpointManifest> {
  const manifest = await readCheckpointManifest(dir);
  if (!model.optimizer) throw new Error('loadCheckpoint: compile the model before loading a checkpoint into it');
  if (manifest.optimizerClass !== model.optimizer.getClassName()) {
    throw new Error(`checkpoint was saved with optimizer ${manifest.optimizerClass} but the model is compiled with ${model.optimizer.getClassName()}: resume with the run's own config`);
  }
  const current = model.weights;
  if (current.length !== manifest.weights.length) {
    throw new Error(`checkpoint has ${manifest.weights.length} weights, the model ${current.length}: it belongs to a different model graph`);
  }
  manifest.weights.forEach((e, i) => {
    const shape = current[i]!.shape;
    if (shape.length !== e.shape.length || shape.some((d, j) => d !== e.shape[j])) {
      throw new Error(`checkpoint weight '${e.name}' has shape [${e.shape}] but the model's weight ${i} ('${current[i]!.name}') has [${shape}]: it belongs to a different model graph`);
    }
  });
  const files = manifest.files ?? { weights: WEIGHTS_FILE, optimizer: OPTIMIZER_FILE };
  const weightsBlob = new Uint8Array(await readFile(join(dir, files.weights)));
  const weights = manifest.weights.map((e) => unpackTensor(e, weightsBlob, files.weights));
  model.setWeights(weights);
  tf.dispose(weights);
  const optimizerBlob = new Uint8Array(await readFile(join(dir, files.optimizer)));
  const optimizerWeights = manifest.optimizer.map((e) => ({ name: e.name, tensor: unpackTensor(e, optimizerBlob, files.optimizer) }));
  await model.optimizer.setWeights(optimizerWeights);
  // The optimizer's variables share (and reference-count) these tensors' data, so ours can go.
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  setLearningRate(model.optimizer, manifest.learningRate);
  return manifest;
}

/**
 * The best epoch a checkpoint recorded, with its weights, for a model just loaded from that checkpoint (its own
 * weights are the best ones when the best epoch is its last); null for checkpoints written before runs kept it.
 */
export async function loadCheckpointBest(dir: string, manifest: CheckpointManifest, model: tf.LayersModel): Promise<CheckpointBest | null> {
  const best = manifest.best;
  if (!best) return null;
  const { epoch, monitor, value } = best;
  if (!best.file || !best.entries) return { epoch, monitor, value, weights: model.getWeights().map((w) => w.clone()) };
  const blob = new Uint8Array(await readFile(join(dir, best.file)));
  return { epoch, monitor, value, weights: best.entries.map((e) => unpackTensor(e, blob, best.file!)) };
}
