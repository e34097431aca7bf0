import type {
  BrowseResult,
  DatasetCard,
  DatasetPreview,
  DatasetSummary,
  EpochRecord,
  PredictResult,
  RunDetail,
  RunStatus,
  RunSummary,
  SystemInfo,
  TrainingActivations,
  TrainingConfusion,
  TrainingFilters,
  TrainingHistograms,
  TrainingProgress,
  TrainingRegression,
  TrainingWarning,
} from '../../../shared/api';
import type { Graph } from '../../../shared/graph/types';
import { LOSS_NAMES, OPTIMIZER_NAMES } from '../../../shared/training';
import { defaultForm, isClassificationLoss, toConfig, type TrainingForm } from './form';
import type { ConnectionState, Host } from '../host';

export { LOSS_NAMES, OPTIMIZER_NAMES, defaultForm, toConfig, type TrainingForm };

/** One confidently wrong validation example with its image, once loaded. */
export interface WrongExample {
  index: number;
  trueLabel: number;
  predicted: number;
  probability: number;
  /** PNG, base64; null while loading or when the dataset could not be read. */
  png: string | null;
}

/** How many of the most confidently wrong examples the gallery shows. */
export const WRONG_SHOWN = 12;
const ENDED: readonly RunStatus[] = ['completed', 'failed', 'stopped'];

/**
 * One window's view of training: the form, the current run and the telemetry pushed for it. Talks to the
 * backend only through a Host; without one (component tests, a page opened from disk) the panel says so.
 */
export class TrainingStore {
  connection = $state<ConnectionState | 'none'>('none');
  system = $state.raw<SystemInfo | null>(null);
  datasets = $state.raw<DatasetSummary[]>([]);
  form = $state<TrainingForm>(defaultForm());
  runId = $state<string | null>(null);
  status = $state<RunStatus | null>(null);
  message = $state<string | null>(null);
  progress = $state.raw<TrainingProgress | null>(null);
  history = $state.raw<EpochRecord[]>([]);
  histograms = $state.raw<TrainingHistograms | null>(null);
  filters = $state.raw<TrainingFilters | null>(null);
  confusion = $state.raw<TrainingConfusion | null>(null);
  /** A regression run's validation predictions (instead of a confusion matrix). */
  regression = $state.raw<TrainingRegression | null>(null);
  activations = $state.raw<TrainingActivations | null>(null);
  warnings = $state.raw<TrainingWarning[]>([]);
  prediction = $state.raw<PredictResult | null>(null);
  wrong = $state.raw<WrongExample[]>([]);
  /** Every run the backend knows (training.list), for the history table. */
  runs = $state.raw<RunSummary[]>([]);
  /** Runs picked in the history table to overlay in the charts, in the order picked (the first is the baseline). */
  compare = $state.raw<string[]>([]);
  /** Full runs (with their graphs) of `compare`, for the diff labels. */
  details = $state.raw<Record<string, RunDetail>>({});
  /** Sample images of the chosen dataset for the panel's preview grid. */
  samples = $state.raw<DatasetPreview | null>(null);
  /** The same samples as training sees them with the form's augmentation (null when augmentation is off). */
  augmented = $state.raw<DatasetPreview | null>(null);
  /** Changing it draws new random augmentations of the same samples. */
  augmentSeed = $state(1);
  /** "Your data...": what the user typed, the card the backend made of it, and the file browser's folder. */
  own = $state({ path: '', labelColumn: '', testPath: '', validationSplit: 0.2 });
  card = $state.raw<DatasetCard | null>(null);
  cardError = $state<string | null>(null);
  inspecting = $state(false);
  browsed = $state.raw<BrowseResult | null>(null);

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
        if (ENDED.includes(p.status) || p.status === 'queued') void this.loadRuns();
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
      host.on('training.confusion', (p) => {
        if (!mine(p)) return;
        this.confusion = p;
        void this.loadWrong(p);
      }),
      host.on('training.activations', (p) => mine(p) && (this.activations = p)),
      host.on('training.regression', (p) => mine(p) && (this.regression = p)),
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
      void this.loadRuns();
      void this.loadSamples();
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  /** With `projectPath`, the backend stores the ended run in that project file. */
  async start(graph: Graph, name: string, projectPath?: string | null): Promise<void> {
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
    this.regression = null;
    this.activations = null;
    this.warnings = [];
    this.prediction = null;
    this.wrong = [];
    try {
      const { runId, status } = await this.host.call('training.start', {
        graph,
        config: toConfig(this.form),
        name,
        ...(projectPath ? { projectPath } : {}),
      });
      this.runId = runId;
      this.status = status;
      void this.loadRuns();
    } catch (e) {
      this.status = 'failed';
      this.message = (e as Error).message;
    }
  }

  /** Reads the data at own.path into a card; the form then trains on it (mse + mae for a regression). */
  async inspectOwn(): Promise<void> {
    if (!this.host || !this.own.path.trim()) return;
    this.inspecting = true;
    this.cardError = null;
    try {
      const o = this.own;
      const card = await this.host.call('datasets.inspect', {
        path: o.path.trim(),
        ...(o.labelColumn.trim() ? { label_column: o.labelColumn.trim() } : {}),
        ...(o.testPath.trim() ? { test_path: o.testPath.trim() } : {}),
        validation_split: o.validationSplit,
      });
      this.card = card;
      this.form.ownData = card.config;
      if (card.task === 'regression' && isClassificationLoss(this.form.loss)) {
        this.form.loss = 'mse';
        this.form.metrics = { mae: true, mse: false };
      } else if (card.task === 'classification' && !isClassificationLoss(this.form.loss)) {
        this.form.loss = 'sparse_categorical_crossentropy';
      }
    } catch (e) {
      this.card = null;
      this.form.ownData = null;
      this.cardError = (e as Error).message;
    } finally {
      this.inspecting = false;
    }
  }

  /** Lists a folder inside the allowed ones (default: the backend's base folder) for picking data. */
  async browseOwn(path?: string): Promise<void> {
    if (!this.host) return;
    try {
      this.browsed = await this.host.call('datasets.browse', path ? { path } : {});
    } catch (e) {
      this.cardError = (e as Error).message;
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

  /** The run draw-a-digit asks: the current run, else the newest completed one (a reopened project's stored run). */
  get predictRunId(): string | null {
    if (this.runId) return this.runId;
    const done = this.runs.filter((r) => r.status === 'completed');
    return done.length ? done.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b)).runId : null;
  }

  async predict(pixels: number[], shape: number[]): Promise<void> {
    const runId = this.predictRunId;
    if (!this.host || !runId) return;
    try {
      this.prediction = await this.host.call('training.predict', { runId, input: { pixels, shape } });
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  async loadRuns(): Promise<void> {
    if (!this.host) return;
    try {
      this.runs = (await this.host.call('training.list')).runs;
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  /** Loads a run in full (graph, last telemetry); cached, since an ended run no longer changes. */
  async getRun(runId: string): Promise<RunDetail | null> {
    const cached = this.details[runId];
    if (cached && !['running', 'queued', 'paused'].includes(cached.status)) return cached;
    if (!this.host) return null;
    try {
      const run = await this.host.call('training.get', { runId });
      this.details = { ...this.details, [runId]: run };
      return run;
    } catch (e) {
      this.message = (e as Error).message;
      return null;
    }
  }

  /** Adds or removes a run from the overlay. */
  toggleCompare(runId: string): void {
    if (this.compare.includes(runId)) {
      this.compare = this.compare.filter((id) => id !== runId);
      return;
    }
    this.compare = [...this.compare, runId];
    void this.getRun(runId);
  }

  /** The images of the most confidently wrong validation examples (the test split, as the run validates on it). */
  async loadWrong(confusion: TrainingConfusion): Promise<void> {
    const picked = [...confusion.confidentlyWrong].sort((a, b) => b.probability - a.probability).slice(0, WRONG_SHOWN);
    this.wrong = picked.map((w) => ({ ...w, png: null }));
    const host = this.host;
    if (!host) return;
    const run = this.runs.find((r) => r.runId === confusion.runId);
    const name = run?.config.dataset.name ?? this.form.dataset;
    const images = await Promise.all(
      picked.map((w) =>
        host
          .call('datasets.preview', { name, split: 'test', offset: w.index, count: 1 })
          .then((p) => p.images[0]?.png ?? null)
          .catch(() => null),
      ),
    );
    // A newer confusion report may have arrived while these loaded.
    if (this.confusion !== confusion) return;
    this.wrong = picked.map((w, i) => ({ ...w, png: images[i] }));
  }

  /** Renders the preview samples through the engine's augmenter with the current settings (seeded). */
  async loadAugmentedSamples(count = 16): Promise<void> {
    if (!this.host) return;
    const augmentation = toConfig(this.form).augmentation;
    const a = this.form.augmentation;
    if (!(a.rotation > 0 || a.widthShift > 0 || a.heightShift > 0 || a.zoom > 0 || a.noise > 0 || a.horizontalFlip)) {
      this.augmented = null;
      return;
    }
    const name = this.form.dataset;
    const seed = this.augmentSeed;
    try {
      const preview = await this.host.call('datasets.preview', { name, split: 'train', offset: 0, count, augmentation, seed });
      if (this.form.dataset === name && this.augmentSeed === seed) this.augmented = preview;
    } catch {
      this.augmented = null;
    }
  }

  async loadSamples(count = 16): Promise<void> {
    if (!this.host) return;
    const name = this.form.dataset;
    try {
      const preview = await this.host.call('datasets.preview', { name, split: 'train', offset: 0, count });
      if (this.form.dataset === name) this.samples = preview;
    } catch {
      // A dataset that is not downloaded yet has no preview; the panel shows none.
      this.samples = null;
    }
  }
}
