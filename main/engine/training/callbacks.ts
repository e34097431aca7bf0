/**
 * The fit() callback that runs a training config's extras: learning-rate schedules, early stopping (with restored
 * best weights), pause/stop, throttled progress, validation metrics, telemetry and health checks.
 *
 * Hot path: onBatchEnd does no device sync except a few times per second (to read the loss and metrics for progress
 * and the NaN check). Everything heavy runs at epoch end, every `telemetry.every_n_epochs` epochs, with async data().
 *
 * Validation: pass the validation data here and NOT to fit(). One predict pass per epoch then yields val_loss,
 * the val metrics (written into the epoch logs, so History and early stopping see them) and the confusion matrix.
 * If fit() validates too, val metrics come from fit and the confusion matrix costs a second pass.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics, TelemetryEvent } from '../../../shared/telemetry';
import type { TrainingConfig } from '../../../shared/training';
import { METRIC_LOG_KEYS } from '../../../shared/training';
import { TrainingControl } from './control';
import { EarlyStopper, type EarlyStoppingState } from './early-stopping';
import { lossFunction, metricFunction } from './losses';
import { getLearningRate, setLearningRate } from './optimizers';
import { ReduceLROnPlateau, scheduledLearningRate, type PlateauState } from './schedules';
import { ActivationProbe } from './telemetry/activations';
import { confusionReport, labelsToIndices } from './telemetry/confusion';
import { regressionReport } from './telemetry/regression';
import { filterTiles } from './telemetry/filters';
import { deadReluWarnings, gradientReport, gradientWarnings, nanLossWarning, overfittingWarning } from './telemetry/health';
import { weightHistograms } from './telemetry/histograms';

export interface ValidationData {
  x: tf.Tensor;
  /** Class indices ([n] or [n, 1]), one-hot rows, or regression targets: as the loss expects them. */
  y: tf.Tensor;
  classNames?: string[];
}

/** Decision state of early stopping and ReduceLROnPlateau: plain JSON for a checkpoint's `extra`. */
export interface ResumableState {
  earlyStopping?: EarlyStoppingState;
  plateau?: PlateauState;
}

export interface TrainingCallbackContext {
  sink: (event: TelemetryEvent) => void;
  validation?: ValidationData;
  /** A small training batch for gradient and activation checks when there is no validation data. */
  sample?: { x: tf.Tensor; y: tf.Tensor };
  control?: TrainingControl;
  /** Epoch metrics of the run so far, when resuming from a checkpoint. */
  history?: EpochMetrics[];
  /** From TrainingCallbacks.resumableState() of the stopped run, when resuming. */
  resumeState?: ResumableState;
  /** Learning rate of epoch 0 for the schedules; defaults to config.optimizer.learning_rate. */
  initialLearningRate?: number;
  /** Awaited after each complete, finite epoch's telemetry, e.g. to write a checkpoint. */
  onEpochEnd?: (epoch: number, metrics: EpochMetrics) => Promise<void> | void;
  now?: () => number;
}

export type TrainingOutcome = 'completed' | 'early-stopped' | 'stopped' | 'nan-loss';

export interface TrainingCallbacks {
  /** Pass to model.fit({ callbacks }). */
  callbacks: tf.Callback[];
  history: EpochMetrics[];
  control: TrainingControl;
  earlyStopping: EarlyStopper | null;
  outcome(): TrainingOutcome;
  /** Save this with each checkpoint (e.g. in `extra`) and pass it back as ctx.resumeState. */
  resumableState(): ResumableState;
  /** Seconds spent in telemetry and health checks so far (not in training or validation): the overhead. */
  telemetrySeconds(): number;
  /** Releases the kept best weights; call after fit() returns. */
  dispose(): void;
}

type Logs = Record<string, number | tf.Tensor>;

const SAMPLE_ROWS = 64;
/** The gradient pass is the costliest telemetry (a forward and backward pass): keep its batch small. */
const GRADIENT_ROWS = 32;

function isTelemetryEpoch(config: TrainingConfig, epoch: number, startEpoch: number): boolean {
  return (epoch - startEpoch + 1) % config.telemetry.every_n_epochs === 0 || epoch === config.epochs - 1;
}

/** Batch points (with their loss and metrics) reported per epoch at least, for the dashboard's curves within epochs. */
const CURVE_POINTS_PER_EPOCH = 25;

class LayerlabCallback extends tf.Callback {
  readonly history: EpochMetrics[];
  outcome: TrainingOutcome = 'completed';
  private readonly now: () => number;
  private readonly lossFn;
  readonly plateau: ReduceLROnPlateau | null;
  private probe: ActivationProbe | null = null;
  private labelIndices: Int32Array | null = null;
  private epochStart = 0;
  private trainStart = 0;
  private samplesThisEpoch = 0;
  private samplesTotal = 0;
  private startEpoch = 0;
  private lastProgress = 0;
  private lr = 0;
  private epoch = 0;
  private overfitReported = false;
  telemetrySeconds = 0;

  constructor(
    private readonly config: TrainingConfig,
    private readonly ctx: TrainingCallbackContext,
    readonly control: TrainingControl,
    readonly earlyStopping: EarlyStopper | null,
    private readonly initialLr: number,
  ) {
    super();
    this.now = ctx.now ?? (() => performance.now());
    this.history = [...(ctx.history ?? [])];
    this.lossFn = lossFunction(config);
    const s = config.lr_schedule;
    this.plateau = s.kind === 'reduce_on_plateau' ? new ReduceLROnPlateau(s, initialLr) : null;
  }

  private get optimizer(): tf.Optimizer {
    return this.model.optimizer;
  }

  private get telemetryBatch(): { x: tf.Tensor; y: tf.Tensor } | null {
    return this.ctx.validation ?? this.ctx.sample ?? null;
  }

  override async onTrainBegin(): Promise<void> {
    this.trainStart = this.now();
    this.startEpoch = (this.params.initialEpoch as number | undefined) ?? 0;
    const anyProbe = this.config.telemetry.activations || this.config.telemetry.health_checks;
    if (anyProbe && !this.probe) this.probe = new ActivationProbe(this.model);
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epochStart = this.now();
    this.epoch = epoch;
    this.samplesThisEpoch = 0;
    const s = this.config.lr_schedule;
    if (s.kind === 'reduce_on_plateau') {
      if (this.plateau) setLearningRate(this.optimizer, this.plateau.lr);
    } else if (s.kind !== 'none') {
      setLearningRate(this.optimizer, scheduledLearningRate(s, this.initialLr, epoch));
    }
    this.lr = getLearningRate(this.optimizer);
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const size = typeof logs?.size === 'number' ? logs.size : 0;
    this.samplesThisEpoch += size;
    this.samplesTotal += size;
    const t = this.now();
    // A few per second, and at least CURVE_POINTS_PER_EPOCH per epoch: a short run still draws a curve within epochs.
    const batches = Math.ceil(((this.params.samples as number | undefined) ?? 0) / ((this.params.batchSize as number | undefined) ?? this.config.batch_size));
    const curvePoint = batches > 0 && (batch + 1) % Math.max(1, Math.floor(batches / CURVE_POINTS_PER_EPOCH)) === 0;
    if (curvePoint || t - this.lastProgress >= 1000 / this.config.telemetry.progress_per_second) {
      this.lastProgress = t;
      await this.emitProgress(batch, logs, t);
      this.telemetrySeconds += (this.now() - t) / 1000;
    }
    if (this.outcome === 'nan-loss') this.model.stopTraining = true;
    else if (await this.control.checkpoint(this.model)) this.outcome = 'stopped';
  }

  private async emitProgress(batch: number, logs: Logs | undefined, t: number): Promise<void> {
    const epoch = this.epoch;
    const samples = (this.params.samples as number | undefined) ?? 0;
    const batchSize = (this.params.batchSize as number | undefined) ?? this.config.batch_size;
    const epochs = (this.params.epochs as number | undefined) ?? this.config.epochs;
    const elapsed = (t - this.trainStart) / 1000;
    const samplesPerSec = elapsed > 0 ? this.samplesTotal / elapsed : 0;
    const remaining = (epochs - epoch - 1) * samples + Math.max(0, samples - this.samplesThisEpoch);
    const { loss, ...metrics } = await batchScalars(logs);
    this.ctx.sink({
      type: 'batch', epoch, batch, batches: Math.ceil(samples / batchSize), samplesPerSec,
      etaSeconds: samplesPerSec > 0 ? remaining / samplesPerSec : 0, ...(loss !== undefined ? { loss } : {}),
      ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    });
    if (loss !== undefined && !Number.isFinite(loss)) await this.onNaN(epoch);
  }

  private async onNaN(epoch: number): Promise<void> {
    if (this.outcome === 'nan-loss') return;
    this.outcome = 'nan-loss';
    this.model.stopTraining = true;
    let layer: string | undefined;
    const batch = this.telemetryBatch;
    if (batch && this.probe) {
      const x = sliceRows(batch.x, 0, SAMPLE_ROWS);
      layer = await this.probe.firstNonFiniteLayer(x);
      x.dispose();
    }
    layer ??= await firstNonFiniteWeightLayer(this.model);
    this.ctx.sink(nanLossWarning(epoch, layer, this.lr));
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const raw = logs ?? {};
    const metrics = await resolveLogs(raw);
    const samples = (this.params.samples as number | undefined) ?? 0;
    // tfjs ends a stopped epoch with onEpochEnd too; its metrics cover only some batches, and a checkpoint of it
    // could not be resumed exactly, so it is not recorded (its weights stay in the model).
    if (this.outcome === 'stopped' && this.samplesThisEpoch < samples) return;
    const telemetryEpoch = isTelemetryEpoch(this.config, epoch, this.startEpoch);
    const v = this.ctx.validation;
    let probabilities: tf.Tensor | null = null;
    if (v && (metrics.val_loss === undefined || (telemetryEpoch && this.config.telemetry.confusion_matrix))) {
      probabilities = this.model.predict(v.x, { batchSize: Math.max(this.config.batch_size, 256) }) as tf.Tensor;
      if (metrics.val_loss === undefined) {
        Object.assign(metrics, await this.validationMetrics(v.y, probabilities));
        Object.assign(raw, metrics);
      }
    }
    const trainSeconds = (this.now() - this.epochStart) / 1000;
    const record: EpochMetrics = { type: 'epoch', epoch, metrics, lr: this.lr, seconds: trainSeconds };
    this.history.push(record);
    this.ctx.sink(record);

    const telemetryStart = this.now();
    if (!Number.isFinite(metrics.loss ?? 0)) await this.onNaN(epoch);
    try {
      if (this.outcome !== 'nan-loss' && telemetryEpoch) await this.telemetry(epoch, probabilities);
    } finally {
      probabilities?.dispose();
    }
    if (this.config.telemetry.health_checks) this.checkOverfitting(epoch);
    this.telemetrySeconds += (this.now() - telemetryStart) / 1000;

    if (this.plateau) {
      const value = metrics[this.plateau.config.monitor];
      const reduced = value === undefined ? null : this.plateau.update(value);
      if (reduced !== null) {
        this.ctx.sink({ type: 'notice', epoch, kind: 'lr-reduced', value: reduced, message: `${this.plateau.config.monitor} stopped improving: learning rate reduced to ${reduced}` });
      }
    }
    if (this.earlyStopping && this.outcome === 'completed' && this.earlyStopping.update(epoch, metrics, this.model)) {
      this.outcome = 'early-stopped';
      this.model.stopTraining = true;
      const es = this.earlyStopping;
      this.ctx.sink({
        type: 'notice', epoch, kind: 'early-stopped', value: es.bestEpoch,
        message: `${es.config.monitor} did not improve for ${es.config.patience} epochs; best was ${es.bestValue} at epoch ${es.bestEpoch + 1}`,
      });
    }
    // A NaN epoch must not overwrite the last good checkpoint.
    if (this.outcome !== 'nan-loss') await this.ctx.onEpochEnd?.(epoch, record);
  }

  private async validationMetrics(y: tf.Tensor, pred: tf.Tensor): Promise<Record<string, number>> {
    const units = pred.shape[pred.shape.length - 1] ?? 1;
    const names = ['val_loss', ...this.config.metrics.map((m) => `val_${METRIC_LOG_KEYS[m]}`)];
    const values = tf.tidy(() =>
      tf.stack([
        tf.mean(this.lossFn(y, pred)),
        ...this.config.metrics.map((m) => tf.mean(metricFunction(m, this.config.loss, units)(y, pred))),
      ]),
    );
    const data = await values.data();
    values.dispose();
    return Object.fromEntries(names.map((n, i) => [n, data[i]!]));
  }

  private async labels(): Promise<Int32Array> {
    if (!this.labelIndices) {
      const y = this.ctx.validation!.y;
      this.labelIndices = labelsToIndices((await y.data()) as Float32Array, y.shape);
    }
    return this.labelIndices;
  }

  private async telemetry(epoch: number, probabilities: tf.Tensor | null): Promise<void> {
    const opts = this.config.telemetry;
    const sink = this.ctx.sink;
    if (opts.histograms) for (const h of await weightHistograms(this.model, opts.histogram_bins, epoch)) sink(h);
    if (opts.filters) for (const f of await filterTiles(this.model, epoch)) sink(f);
    const v = this.ctx.validation;
    if (probabilities) await this.confusion(epoch, probabilities);
    if (v && this.probe && opts.activations) {
      const index = Math.min(opts.activation_probe_index, (v.x.shape[0] ?? 1) - 1);
      const x = sliceRows(v.x, index, 1);
      const label = this.config.loss === 'mse' || this.config.loss === 'mae' || this.config.loss === 'huber' ? undefined : (await this.labels())[index];
      sink(await this.probe.maps(x, epoch, index, label));
      x.dispose();
    }
    const batch = this.telemetryBatch;
    if (!batch) return;
    if (opts.health_checks && this.probe) {
      const x = sliceRows(batch.x, 0, SAMPLE_ROWS);
      for (const w of deadReluWarnings(await this.probe.deadReluFractions(x), epoch)) sink(w);
      x.dispose();
    }
    if (opts.gradient_histograms) {
      const x = sliceRows(batch.x, 0, GRADIENT_ROWS);
      const y = sliceRows(batch.y, 0, GRADIENT_ROWS);
      const report = await gradientReport(this.model, this.lossFn, x, y, epoch, opts.histogram_bins);
      tf.dispose([x, y]);
      for (const h of report.histograms) sink(h);
      if (opts.health_checks) for (const w of gradientWarnings(report, epoch)) sink(w);
    }
  }

  /** The confusion matrix (and most confidently wrong examples) of `probabilities` on the validation set. */
  private async confusion(epoch: number, probabilities: tf.Tensor): Promise<void> {
    const v = this.ctx.validation;
    if (!v || !this.config.telemetry.confusion_matrix) return;
    const classes = probabilities.shape[probabilities.shape.length - 1] ?? 1;
    if (this.config.loss === 'mse' || this.config.loss === 'mae' || this.config.loss === 'huber') {
      // A regression's counterpart, for one output per sample: predicted vs true, residuals and the worst rows.
      if (classes === 1) {
        this.ctx.sink(regressionReport({ predicted: await probabilities.data(), actual: await v.y.data(), epoch, worst: this.config.telemetry.confidently_wrong }));
      }
      return;
    }
    this.ctx.sink(confusionReport({
      probabilities: (await probabilities.data()) as Float32Array, classes, labels: await this.labels(), epoch,
      topWrong: this.config.telemetry.confidently_wrong, ...(v.classNames ? { classNames: v.classNames } : {}),
    }));
  }

  private checkOverfitting(epoch: number): void {
    const warning = overfittingWarning(this.history.map((h) => h.metrics), epoch, this.config.telemetry.overfitting_patience);
    // Report the onset once, not every epoch it persists.
    if (warning && !this.overfitReported) this.ctx.sink(warning);
    this.overfitReported = warning !== null;
  }

  override async onTrainEnd(): Promise<void> {
    const epoch = this.history.at(-1)?.epoch ?? this.startEpoch;
    if (this.earlyStopping?.restore(this.model)) {
      const best = this.earlyStopping.bestEpoch;
      this.ctx.sink({
        type: 'notice', epoch, kind: 'restored-best-weights', value: best,
        message: `restored the weights of epoch ${best + 1} (best ${this.earlyStopping.config.monitor} ${this.earlyStopping.bestValue})`,
      });
      // The last confusion matrix was of the last epoch's weights; the run ends with the restored ones.
      const v = this.ctx.validation;
      if (v && best !== epoch) {
        const probabilities = this.model.predict(v.x, { batchSize: Math.max(this.config.batch_size, 256) }) as tf.Tensor;
        try {
          await this.confusion(best, probabilities);
        } finally {
          probabilities.dispose();
        }
      }
    }
    if (this.outcome === 'stopped') this.ctx.sink({ type: 'notice', epoch, kind: 'stopped', message: 'training stopped by the user; the weights trained so far are kept' });
  }
}

function sliceRows(t: tf.Tensor, start: number, count: number): tf.Tensor {
  const n = t.shape[0] ?? 0;
  const s = Math.max(0, Math.min(start, n - 1));
  return tf.slice(t, [s], [Math.min(count, n - s)]);
}

/** Keys of tfjs batch logs that are bookkeeping, not scalars of the model. */
const BATCH_LOG_BOOKKEEPING = new Set(['batch', 'size']);

/**
 * The loss and every compiled metric (acc, mae, ...) of the batch just finished, as numbers. The logs' tensors stay
 * owned by tfjs (it disposes them after the callbacks); after the first read the others are already on the host.
 */
async function batchScalars(logs: Logs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (BATCH_LOG_BOOKKEEPING.has(key)) continue;
    out[key] = typeof value === 'number' ? value : (await value.data())[0]!;
  }
  return out;
}

/** Resolves every tensor in the logs to a number in place (so History stores numbers) and returns the numbers. */
async function resolveLogs(logs: Logs): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value === 'number') out[key] = value;
    else {
      out[key] = (await value.data())[0]!;
      value.dispose();
      logs[key] = out[key];
    }
  }
  return out;
}

/** Fallback when no input is at hand: the first layer whose weights hold NaN/Inf. */
async function firstNonFiniteWeightLayer(model: tf.LayersModel): Promise<string | undefined> {
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(w.read()))));
      const flag = (await bad.data())[0];
      bad.dispose();
      if (flag) return layer.name;
    }
  }
  return undefined;
}

/**
 * Builds the callbacks for one fit() of `model` (compiled with compileArgs(config)) under `config`.
 */
export function createTrainingCallbacks(model: tf.LayersModel, config: TrainingConfig, ctx: TrainingCallbackContext): TrainingCallbacks {
  if (!model.optimizer) throw new Error('createTrainingCallbacks: compile the model first (model.compile(compileArgs(config)))');
  const control = ctx.control ?? new TrainingControl();
  const earlyStopping = config.early_stopping ? new EarlyStopper(config.early_stopping) : null;
  const initialLr = ctx.initialLearningRate ?? config.optimizer.learning_rate;
  const cb = new LayerlabCallback(config, ctx, control, earlyStopping, initialLr);
  if (ctx.resumeState?.earlyStopping) earlyStopping?.restoreState(ctx.resumeState.earlyStopping);
  if (ctx.resumeState?.plateau) cb.plateau?.restore(ctx.resumeState.plateau);
  return {
    callbacks: [cb],
    history: cb.history,
    control,
    earlyStopping,
    outcome: () => cb.outcome,
    telemetrySeconds: () => cb.telemetrySeconds,
    resumableState: () => ({
      ...(earlyStopping ? { earlyStopping: earlyStopping.state() } : {}),
      ...(cb.plateau ? { plateau: cb.plateau.state() } : {}),
    }),
    dispose: () => earlyStopping?.dispose(),
  };
}
