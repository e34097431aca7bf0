/**
 * One training run from a ModelSpec and a data reference: backend, data, model, fit with events. Runs wherever it is
 * called; worker/train-worker.ts calls it in a worker thread (the normal way), tests and tools may call it directly.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';
import { loadData, toTensors } from './data';
import type { SplitTensors } from './data';
import { buildModel, compileModel, modelInputShape } from './model';
import { TrainingControl } from './training/control';
import type { FromWorker, StartRequest } from './worker/protocol';

/** What a callback hook module gets (see TrainOptions.callbackModules). */
export interface CallbackHookContext {
  model: tf.LayersModel;
  request: StartRequest;
  emit: (event: FromWorker) => void;
  control: TrainingControl;
  train: SplitTensors;
  validation?: SplitTensors;
}

export type CallbackHook = (ctx: CallbackHookContext) => tf.Callback[] | Promise<tf.Callback[]>;

export interface RunHooks {
  control?: TrainingControl;
  /** Callbacks added in-process (the worker adds those of TrainOptions.callbackModules). */
  callbackHooks?: CallbackHook[];
  now?: () => number;
}

/** tfjs hands callbacks its logs as numbers or as still-pending scalar tensors, depending on the path. */
function numericLogs(logs: tf.Logs | Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (typeof v === 'number') out[k] = v;
    else if (v instanceof tf.Tensor && v.size === 1) out[k] = v.dataSync()[0] as number;
  }
  return out;
}

class ProgressCallback extends tf.Callback {
  private epochStart = 0;
  private lastBatchEnd = 0;
  private lastProgress = 0;
  epochsCompleted = 0;

  constructor(
    private readonly emit: (e: FromWorker) => void,
    private readonly control: TrainingControl,
    private readonly modelRef: () => tf.LayersModel,
    private readonly batchesPerEpoch: number,
    private readonly trainCount: number,
    private readonly everyMs: number,
    private readonly now: () => number,
  ) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
    this.epochStart = this.now();
    this.lastBatchEnd = this.epochStart;
    this.lastProgress = 0;
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    const t = this.now();
    this.lastBatchEnd = t;
    const last = batch === this.batchesPerEpoch - 1;
    if (last || t - this.lastProgress >= this.everyMs) {
      this.lastProgress = t;
      const loss = numericLogs(logs).loss;
      this.emit({ type: 'progress', epoch: this.currentEpoch, batch, batchesPerEpoch: this.batchesPerEpoch, loss, epochSeconds: (t - this.epochStart) / 1000 });
    }
    await this.control.checkpoint(this.modelRef());
  }

  currentEpoch = 0;

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const t = this.now();
    const trainSeconds = Math.max(1e-9, (this.lastBatchEnd - this.epochStart) / 1000);
    const clean = numericLogs(logs);
    this.epochsCompleted = epoch + 1;
    this.emit({ type: 'epoch', epoch, logs: clean, seconds: (t - this.epochStart) / 1000, samplesPerSecond: this.trainCount / trainSeconds });
  }
}

/** Runs the whole request, emitting backend, ready, progress, epoch and finally done (errors are thrown). */
export async function runTraining(request: StartRequest, emit: (e: FromWorker) => void, hooks: RunHooks = {}): Promise<void> {
  const { options } = request;
  const now = hooks.now ?? (() => performance.now());
  const start = now();
  const control = hooks.control ?? new TrainingControl();
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`epochs must be a positive integer, got ${options.epochs}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${options.batchSize}`);

  emit({ type: 'backend', choice: await selectBackend({ force: options.backend }) });
  const data = await loadData(request.data);
  const model = await buildModel(request.spec, { seed: options.seed });
  compileModel(model, { optimizer: options.optimizer, loss: options.loss, metrics: options.metrics });
  const inputShape = modelInputShape(model);
  const outShape = model.outputs[0]!.shape;
  const classes = outShape[outShape.length - 1] ?? 0;
  if (!classes) throw new Error(`the model's output shape [${outShape.join(', ')}] has no class axis; end with Dense(units=number of classes)`);
  const train = toTensors(data.train, inputShape, classes);
  const validation = options.validate !== false && data.test ? toTensors(data.test, inputShape, classes) : undefined;
  const batchesPerEpoch = Math.ceil(train.count / options.batchSize);
  emit({ type: 'ready', trainCount: train.count, testCount: validation?.count ?? 0, params: model.countParams(), batchesPerEpoch, inputShape });

  const progress = new ProgressCallback(emit, control, () => model, batchesPerEpoch, train.count, options.progressEveryMs ?? 100, now);
  const extra: tf.Callback[] = [];
  for (const hook of hooks.callbackHooks ?? []) extra.push(...(await hook({ model, request, emit, control, train, validation })));
  try {
    await model.fit(train.x, train.y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: options.shuffle ?? true,
      validationData: validation ? [validation.x, validation.y] : undefined,
      callbacks: [progress, ...extra],
      verbose: 0,
    });
  } finally {
    tf.dispose([train.x, train.y]);
    if (validation) tf.dispose([validation.x, validation.y]);
  }
  emit({ type: 'done', epochsCompleted: progress.epochsCompleted, stopped: control.current === 'stopping', seconds: (now() - start) / 1000 });
  model.dispose();
}
