/**
 * The training worker thread, the only one in Layerlab: waits for 'start', runs main/engine/train.ts, forwards its
 * events, and turns any failure into one 'error' message. stop/pause/resume act between batches. Once the model is
 * built it answers predictions (during and after training), weights and artifacts, until its owner ends it.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { captureModelWeights } from '../stored-weights';
import { loadForInference, normaliseInput, runTraining, type LoadedModel } from '../train';
import { TrainingControl } from '../training/control';
import { ActivationProbe } from '../training/telemetry/activations';
import type { FromWorker, ToWorker, WorkerWeight } from './protocol';
import { describeFailure } from './failure';

const port = parentPort;
if (!port) throw new Error('train-worker.ts runs as a worker thread; start it with startTrainingWorker()');
const post = (m: FromWorker): void => port.postMessage(m);
const control = new TrainingControl();
let started = false;
let loaded: LoadedModel | undefined;

async function predict(requestId: number, pixels: number[]): Promise<void> {
  if (!loaded) return post({ type: 'request-error', requestId, message: 'the model is not built yet: wait until training has started' });
  const { model, inputShape, normaliser } = loaded;
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (pixels.length !== want) {
    return post({
      type: 'request-error',
      requestId,
      message: `training.predict: the input has ${pixels.length} values but the model takes [${inputShape.join(', ')}] = ${want} values: resize the input`,
    });
  }
  const out = tf.tidy(() => model.predict(tf.tensor(normaliseInput(pixels, normaliser), [1, ...inputShape])) as tf.Tensor);
  // Asynchronous: the webgpu backend has no synchronous read in Node (tfjs reads it back through an OffscreenCanvas).
  const probabilities = Array.from(await out.data());
  out.dispose();
  post({ type: 'prediction', requestId, probabilities });
}

/** The activations of every layer for one sample chosen by the user (the dashboard's activation probe). */
async function probe(message: Extract<ToWorker, { type: 'probe' }>): Promise<void> {
  const { requestId, pixels, index, label, epoch } = message;
  if (!loaded) return post({ type: 'request-error', requestId, message: 'the model is not built yet: wait until training has started' });
  const { model, inputShape, normaliser } = loaded;
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (pixels.length !== want) return post({ type: 'request-error', requestId, message: `training.probe: the sample has ${pixels.length} values but the model takes [${inputShape.join(', ')}] = ${want}` });
  const x = tf.tensor(normaliseInput(pixels, normaliser), [1, ...inputShape]);
  try {
    post({ type: 'probe', requestId, activations: await new ActivationProbe(model).maps(x, epoch, index, label) });
  } finally {
    x.dispose();
  }
}

async function answer(requestId: number, kind: 'weights' | 'artifacts'): Promise<void> {
  try {
    if (!loaded) throw new Error('the model is not built yet: wait until training has started');
    if (kind === 'artifacts') return post({ type: 'artifacts', requestId, artifacts: await captureModelWeights(loaded.model) });
    const weights: WorkerWeight[] = [];
    for (const w of loaded.model.weights) {
      weights.push({ name: w.originalName, shape: w.shape.map((d) => d ?? 1), data: (await w.read().data()) as Float32Array });
    }
    post({ type: 'weights', requestId, weights });
  } catch (err) {
    post({ type: 'request-error', requestId, message: err instanceof Error ? err.message : String(err) });
  }
}

/** A worker trains or loads one model, once; any failure becomes the one 'error' message. */
function runOnce(work: () => Promise<unknown>): void {
  if (started) return post({ type: 'error', message: 'this worker already holds a model; start a new worker for another run' });
  started = true;
  void work().catch((err: unknown) => {
    post({ type: 'error', message: describeFailure(err), stack: err instanceof Error ? err.stack : undefined });
  });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      runOnce(() => runTraining(message.request, post, { control, onModel: (m) => (loaded = m) }));
      break;
    case 'load':
      runOnce(async () => {
        const t0 = performance.now();
        loaded = await loadForInference(message.request, post);
        post({ type: 'done', status: 'completed', epochsCompleted: 0, stopped: false, seconds: (performance.now() - t0) / 1000, telemetrySeconds: 0, history: [], message: 'loaded for predictions' });
      });
      break;
    case 'stop':
      control.stop();
      break;
    case 'pause':
      control.pause();
      post({ type: 'state', state: 'paused' });
      break;
    case 'resume':
      control.resume();
      post({ type: 'state', state: 'running' });
      break;
    case 'predict':
      predict(message.requestId, message.pixels).catch((err: unknown) => {
        post({ type: 'request-error', requestId: message.requestId, message: err instanceof Error ? err.message : String(err) });
      });
      break;
    case 'probe':
      probe(message).catch((err: unknown) => {
        post({ type: 'request-error', requestId: message.requestId, message: err instanceof Error ? err.message : String(err) });
      });
      break;
    case 'best-artifacts':
      (loaded?.bestWeights?.() ?? Promise.resolve(null)).then(
        (best) => post({ type: 'best-artifacts', requestId: message.requestId, best }),
        (err: unknown) => post({ type: 'request-error', requestId: message.requestId, message: err instanceof Error ? err.message : String(err) }),
      );
      break;
    case 'weights':
    case 'artifacts':
      void answer(message.requestId, message.type);
      break;
  }
});
