import type {
  DatasetSummary,
  EpochRecord,
  PredictResult,
  RunStatus,
  SystemInfo,
  TrainingActivations,
  TrainingConfusion,
  TrainingFilters,
  TrainingHistograms,
  TrainingProgress,
  TrainingWarning,
} from '../../../shared/api';
import type { Graph } from '../../../shared/graph/types';
import { LOSS_NAMES, OPTIMIZER_NAMES, type LossName, type OptimizerName, type TrainingConfigInput } from '../../../shared/training';
import type { ConnectionState, Host } from '../host';

export { LOSS_NAMES, OPTIMIZER_NAMES };

/** The panel's form: the fields a workshop run changes; everything else keeps TrainingConfig's defaults. */
export interface TrainingForm {
  dataset: string;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  loss: LossName;
  batchSize: number;
  epochs: number;
  /** Training samples to use; null for the whole split. */
  limit: number | null;
}

export function toConfig(form: TrainingForm): TrainingConfigInput {
  const optimizer =
    form.optimizer === 'sgd' || form.optimizer === 'rmsprop'
      ? { name: form.optimizer, learning_rate: form.learningRate, momentum: form.momentum }
      : { name: form.optimizer, learning_rate: form.learningRate };
  return {
    dataset: { name: form.dataset },
    optimizer: optimizer as TrainingConfigInput['optimizer'],
    loss: form.loss,
    batch_size: form.batchSize,
    epochs: form.epochs,
    limit_train: form.limit,
    // Validation on a matching slice of the test split keeps a quick run quick.
    limit_test: form.limit === null ? null : Math.max(100, Math.round(form.limit / 5)),
  };
}

/**
 * One window's view of training: the form, the current run and the telemetry pushed for it. Talks to the
 * backend only through a Host; without one (component tests, a page opened from disk) the panel says so.
 */
export class TrainingStore {
  connection = $state<ConnectionState | 'none'>('none');
  system = $state.raw<SystemInfo | null>(null);
  datasets = $state.raw<DatasetSummary[]>([]);
  form = $state<TrainingForm>({
    dataset: 'mnist',
    optimizer: 'sgd',
    learningRate: 0.01,
    momentum: 0.9,
    loss: 'sparse_categorical_crossentropy',
    batchSize: 64,
    epochs: 1,
    limit: 2000,
  });
  runId = $state<string | null>(null);
  status = $state<RunStatus | null>(null);
  message = $state<string | null>(null);
  progress = $state.raw<TrainingProgress | null>(null);
  history = $state.raw<EpochRecord[]>([]);
  histograms = $state.raw<TrainingHistograms | null>(null);
  filters = $state.raw<TrainingFilters | null>(null);
  confusion = $state.raw<TrainingConfusion | null>(null);
  activations = $state.raw<TrainingActivations | null>(null);
  warnings = $state.raw<TrainingWarning[]>([]);
  prediction = $state.raw<PredictResult | null>(null);

  running = $derived(this.status === 'running' || this.status === 'queued' || this.status === 'paused');

  private host: Host | null = null;
  private unsubscribe: (() => void)[] = [];

  attach(host: Host): void {
    this.detach();
    this.host = host;
    const mine = (p: { runId: string }) => p.runId === this.runId;
    this.unsubscribe = [
      host.onConnection((s) => {
        this.connection = s;
        if (s === 'open') void this.loadInfo();
      }),
      host.on('training.status', (p) => {
        if (!mine(p)) return;
        this.status = p.status;
        this.message = p.message ?? null;
      }),
      host.on('training.progress', (p) => mine(p) && (this.progress = p)),
      host.on('training.epoch', (p) => {
        if (mine(p)) this.history = [...this.history, { epoch: p.epoch, metrics: p.metrics, lr: p.lr, seconds: p.seconds }];
      }),
      host.on('training.histograms', (p) => mine(p) && (this.histograms = p)),
      host.on('training.filters', (p) => mine(p) && (this.filters = p)),
      host.on('training.confusion', (p) => mine(p) && (this.confusion = p)),
      host.on('training.activations', (p) => mine(p) && (this.activations = p)),
      host.on('training.warning', (p) => mine(p) && (this.warnings = [...this.warnings, p])),
    ];
  }

  detach(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.host = null;
  }

  private async loadInfo(): Promise<void> {
    if (!this.host) return;
    try {
      const [system, list] = await Promise.all([this.host.call('system.info'), this.host.call('datasets.list')]);
      this.system = system;
      this.datasets = list.datasets;
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  async start(graph: Graph, name: string): Promise<void> {
    if (!this.host) {
      this.message = 'No backend connected: run `layerlab serve` or the desktop app to train.';
      return;
    }
    this.message = null;
    this.progress = null;
    this.history = [];
    this.histograms = null;
    this.filters = null;
    this.confusion = null;
    this.activations = null;
    this.warnings = [];
    this.prediction = null;
    try {
      const { runId, status } = await this.host.call('training.start', { graph, config: toConfig(this.form), name });
      this.runId = runId;
      this.status = status;
    } catch (e) {
      this.status = 'failed';
      this.message = (e as Error).message;
    }
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (!this.host || !this.runId) return;
    try {
      const run = await this.host.call(`training.${action}`, { runId: this.runId });
      this.status = run.status;
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  async predict(pixels: number[], shape: number[]): Promise<void> {
    if (!this.host || !this.runId) return;
    try {
      this.prediction = await this.host.call('training.predict', { runId: this.runId, input: { pixels, shape } });
    } catch (e) {
      this.message = (e as Error).message;
    }
  }
}
