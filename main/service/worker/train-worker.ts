/**
 * The service's training worker: one run per thread. Builds the compiled Keras model with the engine, loads the
 * dataset, fits with the engine's training callbacks (schedules, early stopping, pause/stop between batches, full
 * telemetry, health checks), writes a checkpoint each epoch, and then stays alive to answer predictions with the
 * final weights.
 *
 * TODO(engine): if main/engine ships its own worker entry, runner.ts can point at it through an adapter; the
 * message protocol (../protocol.ts) is what the run manager relies on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TelemetryEvent, WeightHistogram, FilterTiles } from '../../../shared/telemetry';
import { selectBackend } from '../../engine/backend';
import { buildModel } from '../../engine/model';
import { createTrainingCallbacks } from '../../engine/training/callbacks';
import { loadCheckpoint, saveCheckpoint } from '../../engine/training/checkpoint';
import { TrainingControl } from '../../engine/training/control';
import { fitArgsFromConfig, splitForValidation } from '../../engine/training/fit-args';
import { compileArgs } from '../../engine/training/losses';
import { loadDataset } from '../../datasets/index';
import type { LoadedSplit } from '../../datasets/types';
import type { FromWorker, RunSpec, ToWorker } from '../protocol';

const port = parentPort!;
const spec = (workerData as { spec: RunSpec }).spec;
const post = (message: FromWorker): void => port.postMessage(message);
const control = new TrainingControl();
let model: tf.LayersModel | undefined;
let inputShape: number[] = [];

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'pause':
      control.pause();
      post({ type: 'state', state: 'paused' });
      break;
    case 'resume':
      control.resume();
      post({ type: 'state', state: 'running' });
      break;
    case 'stop':
      control.stop();
      break;
    case 'predict':
      predict(message.requestId, message.pixels);
      break;
    case 'weights':
      void sendWeights(message.requestId);
      break;
  }
});

function predict(requestId: number, pixels: number[]): void {
  if (!model) return post({ type: 'prediction-error', requestId, message: 'the model is not built yet: wait until training has started' });
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (pixels.length !== want) {
    return post({
      type: 'prediction-error',
      requestId,
      message: `training.predict: the input has ${pixels.length} values but the model takes [${inputShape.join(', ')}] = ${want} values: resize the input`,
    });
  }
  const out = tf.tidy(() => model!.predict(tf.tensor(Float32Array.from(pixels, (v) => v / 255), [1, ...inputShape])) as tf.Tensor);
  const probabilities = Array.from(out.dataSync());
  out.dispose();
  post({ type: 'prediction', requestId, probabilities });
}

async function sendWeights(requestId: number): Promise<void> {
  const weights = [];
  for (const w of model?.weights ?? []) {
    weights.push({ name: w.originalName, shape: w.shape.map((d) => d ?? 1), data: (await w.read().data()) as Float32Array });
  }
  post({ type: 'weights', requestId, weights });
}

/** Pixels scaled to [0, 1] in the model's input shape; labels as the loss expects them (indices or one-hot). */
function tensorsFor(split: LoadedSplit, oneHot: boolean, classes: number): { x: tf.Tensor; y: tf.Tensor } {
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (per !== want) {
    throw new Error(
      `the dataset's samples are [${split.sampleShape.join(', ')}] = ${per} values but the model input is [${inputShape.join(', ')}] = ${want}: change the InputLayer shape to [null, ${split.sampleShape.join(', ')}]`,
    );
  }
  const scale = split.x instanceof Uint8Array ? 1 / 255 : 1;
  const x = tf.tensor(Float32Array.from(split.x, (v) => v * scale), [split.count, ...inputShape]);
  const labels = Int32Array.from(split.y as ArrayLike<number>);
  const y = oneHot ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat()) : tf.tensor2d(Float32Array.from(labels), [split.count, 1]);
  return { x, y };
}

/** Groups per-layer telemetry of one epoch into one event each, and tags everything with the run id. */
function createSink(nodeOfLayer: Map<string, string>) {
  let histograms: WeightHistogram[] = [];
  let filters: FilterTiles[] = [];
  const runId = spec.runId;
  const flush = (): void => {
    if (histograms.length > 0) post({ type: 'event', event: 'training.histograms', payload: { runId, epoch: histograms[0]!.epoch, histograms } });
    if (filters.length > 0) post({ type: 'event', event: 'training.filters', payload: { runId, epoch: filters[0]!.epoch, layers: filters } });
    histograms = [];
    filters = [];
  };
  const sink = (event: TelemetryEvent): void => {
    switch (event.type) {
      case 'batch':
        return post({ type: 'event', event: 'training.progress', payload: { ...event, runId } });
      case 'epoch':
        return post({ type: 'event', event: 'training.epoch', payload: { ...event, runId } });
      case 'histogram':
        histograms.push(event);
        return;
      case 'filters':
        filters.push(event);
        return;
      case 'activations':
        return post({ type: 'event', event: 'training.activations', payload: { ...event, runId } });
      case 'confusion':
        return post({ type: 'event', event: 'training.confusion', payload: { ...event, runId } });
      case 'health': {
        const nodeId = event.layer ? nodeOfLayer.get(event.layer) : undefined;
        return post({ type: 'event', event: 'training.warning', payload: { ...event, runId, ...(nodeId ? { nodeId } : {}) } });
      }
      case 'notice':
        return post({ type: 'event', event: 'training.notice', payload: { ...event, runId } });
    }
  };
  return { sink, flush };
}

async function run(): Promise<void> {
  const { config } = spec;
  await selectBackend({ force: process.env.LAYERLAB_BACKEND });
  const data = await loadDataset(config.dataset.name, {
    ...spec.datasets,
    limitTrain: config.limit_train ?? undefined,
    limitTest: config.limit_test ?? undefined,
  });
  model = await buildModel(spec.modelSpec, { seed: config.seed });
  inputShape = (model.inputs[0]!.shape.slice(1) as (number | null)[]).map((d) => d ?? 1);
  model.compile(compileArgs(config));
  // Resuming: same weights, optimizer state and epoch count as when the checkpoint was written.
  const resumed = spec.resumeFrom ? await loadCheckpoint(spec.resumeFrom, model) : undefined;
  const classes = (model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] as number | null) ?? 1;
  const oneHot = config.loss === 'categorical_crossentropy';
  const all = tensorsFor(data.train, oneHot, classes);
  let train = all;
  let validation: { x: tf.Tensor; y: tf.Tensor } | undefined;
  if (config.validation.kind === 'split') {
    const split = splitForValidation(all.x, all.y, config.validation.fraction);
    tf.dispose([all.x, all.y]);
    train = split.train;
    validation = split.validation;
  } else if (data.test) {
    validation = tensorsFor(data.test, oneHot, classes);
  }
  const nodeOfLayer = new Map(spec.graph.nodes.map((n) => [n.name, n.id]));
  const { sink, flush } = createSink(nodeOfLayer);
  const training = createTrainingCallbacks(model, config, {
    sink,
    control,
    history: resumed?.history,
    validation: validation ? { ...validation, classNames: data.classNames } : undefined,
    onEpochEnd: async (epoch) => {
      flush();
      if (!spec.checkpointDir) return;
      const dir = join(spec.checkpointDir, spec.runId);
      await saveCheckpoint(dir, model!, { epoch: epoch + 1, history: training.history, extra: { runId: spec.runId } });
      post({ type: 'checkpoint', path: dir, epoch });
    },
  });
  post({ type: 'state', state: 'running' });
  try {
    await model.fit(train.x, train.y, {
      ...fitArgsFromConfig(config),
      initialEpoch: resumed?.epoch ?? 0,
      callbacks: training.callbacks,
      yieldEvery: 'never',
      verbose: 0,
    });
  } finally {
    flush();
    training.dispose();
    tf.dispose([train.x, train.y, validation?.x, validation?.y].filter((t): t is tf.Tensor => t !== undefined));
  }
  const outcome = training.outcome();
  if (outcome === 'nan-loss') {
    post({ type: 'failed', message: 'the loss became NaN or infinite, so training stopped: lower the learning rate (see the warning for the layer)' });
  } else if (outcome === 'stopped') {
    post({ type: 'done', status: 'stopped', message: 'stopped on request; the weights trained so far are kept' });
  } else {
    post({ type: 'done', status: 'completed', message: outcome === 'early-stopped' ? 'early stopping ended the run' : undefined });
  }
}

run().catch((err: unknown) => {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
});
