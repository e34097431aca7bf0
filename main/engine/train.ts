/**
 * One training run, everything a TrainingConfig asks for: backend, seeded model from its ModelSpec, data through the
 * dataset manager (limits, normalisation, seeded per-epoch shuffling, augmentation, validation split or test set),
 * compile, fitDataset over the feeder's batches with the training callbacks (telemetry, schedules, early stopping,
 * pause/stop, NaN detection), a checkpoint after every epoch, and resuming from one.
 *
 * worker/train-worker.ts runs it in a worker thread (the normal way); tests and tools may call it directly.
 */
import { withSeededMathRandom, type SeededRandom } from './training/seeded-random';
import * as tf from '@tensorflow/tfjs';
import { catalog, createFeeder, type Feeder } from '../datasets/index';
import { augmentConfigFromSettings, type AugmentConfig } from '../datasets/augment';
import type { Normaliser } from '../datasets/preprocess';
import type { LoadedDataset } from '../datasets/types';
import type { EpochMetrics, FilterTiles, TelemetryEvent, WeightHistogram } from '../../shared/telemetry';
import type { TrainingConfig } from '../../shared/training';
import { LOSSES, lossOutputProblem } from '../../shared/losses';
import { ownDatasetOf } from '../../shared/data-preprocessing';
import { catalogTextOptions } from '../datasets/keras-text-catalog';
import { selectBackend } from './backend';
import { checkMemoryBudget } from './memory-budget';
import { loadData } from './data';
import { inputShapeMismatch } from './input-shape-mismatch';
import { buildModel, modelInputShape } from './model';
import { applyInitialWeights } from './training/init-weights';
import { createTrainingCallbacks, type ResumableState, type ValidationData } from './training/callbacks';
import { loadCheckpoint, loadCheckpointBest, saveCheckpoint, type CheckpointManifest } from './training/checkpoint';
import { TrainingControl } from './training/control';
import { compileArgs } from './training/losses';
import type { DoneEvent, FromWorker, LoadRequest, StartRequest } from './worker/protocol';
import { loadModelFromWeights } from './stored-weights';
import { BestWeightsKeeper, type BestWeights } from './training/best-weights';

/** A built model plus what is needed to feed it raw samples as training did. */
export interface LoadedModel {
  model: tf.LayersModel;
  inputShape: number[];
  normaliser: Normaliser;
  classNames?: string[];
  /** After training: the best epoch's weights by the run's monitor (training/best-weights.ts). */
  bestWeights?: () => Promise<BestWeights | null>;
}

export interface RunHooks {
  control?: TrainingControl;
  /** Called once the model is built (and resumed), before the first batch: predictions may start. */
  onModel?: (loaded: LoadedModel) => void;
  now?: () => number;
}

export interface TrainingResult extends LoadedModel {
  done: DoneEvent;
  history: EpochMetrics[];
}

/** Raw values (0..255 for images) to model input, normalised exactly as the training batches were. */
export function normaliseInput(pixels: ArrayLike<number>, norm: Normaliser): Float32Array {
  const out = new Float32Array(pixels.length);
  const c = norm.channels;
  for (let i = 0; i < out.length; i++) out[i] = ((pixels[i] as number) - norm.offset[i % c]!) * norm.scale[i % c]!;
  return out;
}

/** The dataset manager's augmenter settings for a TrainingConfig, or undefined when it augments nothing. */
export function augmentFromConfig(config: TrainingConfig): AugmentConfig | undefined {
  return augmentConfigFromSettings(config.augmentation, { clamp01: config.preprocessing.normalize === 'scale', seed: config.seed });
}

/** The feeder a config asks for, for a model taking `inputShape`. */
export function feederFor(data: LoadedDataset, config: TrainingConfig, inputShape: number[]): Feeder {
  return createFeeder(data, {
    batchSize: config.batch_size,
    // Token ids must reach the Embedding unchanged (scaled to [0, 1] they would all read as id 0).
    normalisation: data.raw ? 'none' : config.preprocessing.normalize === 'standardize' ? 'standardise' : 'scale',
    labels: LOSSES[config.loss].labels,
    validation: config.validation.kind === 'split' ? config.validation.fraction : 'test',
    seed: config.seed,
    shuffle: config.shuffle,
    inputShape,
    augment: augmentFromConfig(config),
  });
}

/** Sparse labels go to tfjs as a float [n, 1] column (what its sparse losses and metrics accept everywhere). */
function batchTensors(b: { xs: Float32Array; xShape: number[]; ys: Float32Array | Int32Array; yShape: number[] }): { xs: tf.Tensor; ys: tf.Tensor } {
  const ys = b.yShape.length === 1 ? tf.tensor2d(Float32Array.from(b.ys), [b.yShape[0]!, 1]) : tf.tensor(b.ys, b.yShape, 'float32');
  return { xs: tf.tensor(b.xs, b.xShape, 'float32'), ys };
}

/** The whole validation set as two tensors (one predict pass per epoch serves metrics and confusion matrix). */
function validationTensors(feeder: Feeder): { x: tf.Tensor; y: tf.Tensor } | undefined {
  if (feeder.validationCount === 0) return undefined;
  const xs: Float32Array[] = [];
  const ys: (Float32Array | Int32Array)[] = [];
  let yShape: number[] = [];
  for (const b of feeder.validationBatches()) {
    xs.push(b.xs);
    ys.push(b.ys);
    yShape = b.yShape;
  }
  const n = feeder.validationCount;
  const x = new Float32Array(xs.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of xs) {
    x.set(a, at);
    at += a.length;
  }
  const y = new Float32Array(ys.reduce((s, a) => s + a.length, 0));
  at = 0;
  for (const a of ys) {
    y.set(a, at);
    at += a.length;
  }
  return { x: tf.tensor(x, feeder.xShape(n), 'float32'), y: yShape.length === 1 ? tf.tensor2d(y, [n, 1]) : tf.tensor2d(y, [n, yShape[1]!]) };
}

/** Fills the params fitDataset leaves empty (it counts no samples), which progress and ETA need. */
class DatasetParams extends tf.Callback {
  constructor(private readonly fill: Record<string, number>, private readonly onEpoch: (epoch: number) => void) {
    super();
  }
  override async onTrainBegin(): Promise<void> {
    Object.assign(this.params, this.fill);
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.onEpoch(epoch);
  }
}

/** Measures training time per epoch (first batch to last), for samples/s without validation or telemetry. */
class EpochClock extends tf.Callback {
  start = 0;
  lastBatchEnd = 0;
  samples = 0;
  constructor(private readonly now: () => number) {
    super();
  }
  override async onEpochBegin(): Promise<void> {
    this.start = this.now();
    this.lastBatchEnd = this.start;
    this.samples = 0;
  }
  override async onBatchEnd(_batch: number, logs?: tf.Logs): Promise<void> {
    this.lastBatchEnd = this.now();
    this.samples += typeof logs?.size === 'number' ? logs.size : 0;
  }
}

/** Picks the backend (and says which) and loads the run's dataset with the config's limits. */
async function backendAndData(request: StartRequest | LoadRequest, emit: (e: FromWorker) => void): Promise<LoadedDataset> {
  const { config } = request;
  emit({ type: 'backend', choice: await selectBackend({ force: request.backend }) });
  const source = request.data ?? {};
  const own = ownDatasetOf(config.dataset);
  const text = catalogTextOptions(config.dataset);
  return loadData({
    dataset: config.dataset.name,
    ...(own ? { own } : {}),
    ...(text ? { text } : {}),
    dataDir: source.dataDir,
    cacheDir: source.cacheDir,
    mirror: source.mirror,
    offline: source.offline,
    ...(source.catalog ? { catalog: source.catalog } : {}),
    limitTrain: config.limit_train ?? undefined,
    limitTest: config.limit_test ?? undefined,
  });
}

/**
 * A stored run's model for predictions: its weights, and the normaliser its training fitted (fitted again on the
 * same training data with the same settings, so inputs are scaled exactly as in training).
 */
export async function loadForInference(request: LoadRequest, emit: (e: FromWorker) => void): Promise<LoadedModel> {
  const { config } = request;
  const data = await backendAndData(request, emit);
  const model = await loadModelFromWeights(request.stored);
  const inputShape = modelInputShape(model);
  const { normaliser } = feederFor(data, config, inputShape);
  return { model, inputShape, normaliser, ...(data.classNames ? { classNames: data.classNames } : {}) };
}

/**
 * Runs the request to its end and returns the trained model (the caller disposes it). Emits backend, ready,
 * telemetry, histograms, filters, epoch, checkpoint, and finally done; failures (NaN loss included) are thrown.
 */
export async function runTraining(request: StartRequest, emit: (e: FromWorker) => void, hooks: RunHooks = {}): Promise<TrainingResult> {
  return withSeededMathRandom(request.config.seed, (random) => train(request, emit, hooks, random));
}

async function train(request: StartRequest, emit: (e: FromWorker) => void, hooks: RunHooks, random: SeededRandom): Promise<TrainingResult> {
  const { config } = request;
  const now = hooks.now ?? (() => performance.now());
  const start = now();
  const control = hooks.control ?? new TrainingControl();
  if (config.epochs < 1 || config.batch_size < 1) throw new Error(`epochs and batch_size must be positive, got ${config.epochs} and ${config.batch_size}`);

  const data = await backendAndData(request, emit);
  // Before any weight is allocated: a model that cannot fit ends here with its size, not in an abort later.
  checkMemoryBudget(request.spec, config, tf.getBackend());
  const model = await buildModel(request.spec, { seed: config.seed });
  let handedOver = false;
  try {
    model.compile(compileArgs(config));
    const inputShape = modelInputShape(model);
    const outShape = model.outputs[0]!.shape;
    const units = outShape[outShape.length - 1] ?? 0;
    if (!units) throw new Error(`the model's output shape [${outShape.join(', ')}] has no class axis; end with Dense(units=number of classes)`);
    const sampleSize = data.train.sampleShape.reduce((a, b) => a * b, 1);
    if (sampleSize !== inputShape.reduce((a, b) => a * b, 1)) {
      const isText = catalog.find((e) => e.name === config.dataset.name)?.layout.kind === 'keras-text' || ownDatasetOf(config.dataset)?.source.kind === 'text';
      throw new Error(inputShapeMismatch(data.train.sampleShape, inputShape, isText));
    }
    if (data.task === 'regression' && LOSSES[config.loss].task === 'classification') {
      throw new Error(`${data.name} is a regression task (numeric targets) but the loss is ${config.loss}: use loss mse (and metric mae), or pass --task classification if the targets are classes`);
    }
    const activation = model.layers.at(-1)?.getConfig()['activation'];
    const mismatch = lossOutputProblem(config.loss, { units, ...(typeof activation === 'string' ? { activation } : {}) });
    if (mismatch) throw new Error(mismatch);
    // A softmax output has one unit per class (binary cross-entropy's sigmoid has one for two classes).
    if (LOSSES[config.loss].output === 'softmax') {
      const classes = data.classNames?.length ?? 0;
      if (classes > units) throw new Error(`${data.name} has ${classes} classes but the model has ${units} outputs: the last Dense layer needs units=${classes}`);
    }
    const feeder = feederFor(data, config, inputShape);
    if (request.initFrom && !request.resumeFrom) applyInitialWeights(model, request.initFrom);
    const resumed: CheckpointManifest | undefined = request.resumeFrom ? await loadCheckpoint(request.resumeFrom, model) : undefined;
    const initialEpoch = resumed?.epoch ?? 0;
    // Dropout masks of the resumed epochs continue the stream an uninterrupted run would have drawn from.
    if (typeof resumed?.extra?.randomState === 'number') random.restore(resumed.extra.randomState);
    if (initialEpoch >= config.epochs) {
      throw new Error(`the checkpoint at ${request.resumeFrom} has already trained ${initialEpoch} epochs and the config asks for ${config.epochs}: ask for more epochs to continue`);
    }
    const loaded: LoadedModel = { model, inputShape, normaliser: feeder.normaliser, ...(data.classNames ? { classNames: data.classNames } : {}) };
    hooks.onModel?.(loaded);
    emit({
      type: 'ready', trainCount: feeder.trainCount, testCount: feeder.validationCount, params: model.countParams(),
      batchesPerEpoch: feeder.stepsPerEpoch, inputShape, initialEpoch, ...(data.classNames ? { classNames: data.classNames } : {}),
    });

    const validation = validationTensors(feeder);
    let histograms: WeightHistogram[] = [];
    let filters: FilterTiles[] = [];
    const flush = (): void => {
      if (histograms.length > 0) emit({ type: 'telemetry', event: { type: 'histograms', epoch: histograms[0]!.epoch, histograms } });
      if (filters.length > 0) emit({ type: 'telemetry', event: { type: 'filters', epoch: filters[0]!.epoch, layers: filters } });
      histograms = [];
      filters = [];
    };
    const clock = new EpochClock(now);
    const sink = (event: TelemetryEvent): void => {
      if (event.type === 'histogram') histograms.push(event);
      else if (event.type === 'filters') filters.push(event);
      else {
        emit({ type: 'telemetry', event });
        if (event.type === 'epoch') {
          const trainSeconds = Math.max(1e-9, (clock.lastBatchEnd - clock.start) / 1000);
          emit({ type: 'epoch', epoch: event.epoch, logs: event.metrics, lr: event.lr, seconds: event.seconds, samplesPerSecond: clock.samples / trainSeconds });
        }
      }
    };
    const valData: ValidationData | undefined = validation ? { ...validation, ...(data.classNames ? { classNames: data.classNames } : {}) } : undefined;
    const resumeState = (resumed?.extra?.resumable ?? undefined) as ResumableState | undefined;
    const best = new BestWeightsKeeper(config, valData !== undefined);
    // A resumed run's best so far (its earlier sessions' epochs) competes with the new ones.
    const earlierBest = resumed ? await loadCheckpointBest(request.resumeFrom!, resumed, model) : null;
    if (earlierBest) best.restore(earlierBest);
    const training = createTrainingCallbacks(model, config, {
      sink,
      control,
      ...(valData ? { validation: valData } : {}),
      ...(resumed ? { history: resumed.history } : {}),
      ...(resumeState ? { resumeState } : {}),
      onEpochEnd: async (epoch, record) => {
        flush();
        best.update(epoch, record.metrics, model);
        if (!request.checkpointDir) return;
        await saveCheckpoint(request.checkpointDir, model, {
          epoch: epoch + 1,
          history: training.history,
          extra: { runId: request.runId ?? 'run', resumable: training.resumableState() as Record<string, unknown>, randomState: random.state() },
          best: best.snapshot(),
        });
        emit({ type: 'checkpoint', path: request.checkpointDir, epoch });
      },
    });

    let epochOfIterator = initialEpoch;
    const dataset = tf.data.generator(function* () {
      for (const b of feeder.trainBatches(epochOfIterator)) yield batchTensors(b);
    } as unknown as () => Iterator<tf.TensorContainer>);
    const fill = { samples: feeder.trainCount, batchSize: config.batch_size, initialEpoch };
    emit({ type: 'state', state: 'running' });
    try {
      await model.fitDataset(dataset, {
        epochs: config.epochs,
        initialEpoch,
        ...(config.class_weight ? { classWeight: Object.fromEntries(Object.entries(config.class_weight).map(([k, v]) => [Number(k), v])) } : {}),
        callbacks: [new DatasetParams(fill, (e) => (epochOfIterator = e)), clock, ...training.callbacks],
        yieldEvery: 'never',
        verbose: 0,
      });
    } finally {
      flush();
      training.dispose();
      if (validation) tf.dispose([validation.x, validation.y]);
    }
    const outcome = training.outcome();
    if (outcome === 'nan-loss') {
      throw new Error('the loss became NaN or infinite, so training stopped: lower the learning rate (the warning names the layer)');
    }
    const status = outcome === 'stopped' ? 'stopped' : outcome === 'early-stopped' ? 'early-stopped' : 'completed';
    const message =
      status === 'stopped' ? 'stopped on request; the weights trained so far are kept' : status === 'early-stopped' ? 'early stopping ended the run' : undefined;
    const done: DoneEvent = {
      type: 'done', status, stopped: status === 'stopped', epochsCompleted: training.history.length, seconds: (now() - start) / 1000,
      telemetrySeconds: training.telemetrySeconds(), history: training.history, ...(message ? { message } : {}),
    };
    // The weights the model ends with: the restored best epoch's, a stopped epoch's part (no epoch's), or the last's.
    const es = training.earlyStopping;
    const finalEpoch = es?.config.restore_best_weights && es.bestEpoch >= 0 ? es.bestEpoch : status === 'stopped' ? null : (training.history.at(-1)?.epoch ?? null);
    loaded.bestWeights = () => best.capture(model, finalEpoch);
    emit(done);
    handedOver = true;
    return { ...loaded, done, history: training.history };
  } finally {
    if (!handedOver) model.dispose();
  }
}
