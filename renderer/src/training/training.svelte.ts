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
} from '../../../shared/api';
import { RUN_EVENT_API_NAMES, type ActivationMaps, type ConfusionReport, type RunEvent } from '../../../shared/run-events';
import { applyRunEvent, emptyRunState, latest, replayRunEvents, type RunState } from '../../../shared/run-state';
import type { Graph } from '../../../shared/graph/types';
import { AugmentationSchema } from '../../../shared/training';
import { defaultDraft, OWN_DATASET, runConfig, type TrainingDraft } from './form';
import { dataChangedNote, followTask } from './task-defaults';
import { NO_OWN_TEXT, ownTextParams } from './own-text';
import type { DataFingerprint, Task } from '../../../shared/data-preprocessing';
import type { ConnectionState, Host } from '../host';
import type { TextViewParams, TextViewResult } from '../../../shared/api-text';

const NO_AUGMENTATION = new Map(Object.entries(AugmentationSchema.parse({})));

/** Whether any augmentation is set away from its default (off). */
export function augmenting(a: TrainingDraft['config']['augmentation']): boolean {
  return Object.entries(a).some(([key, value]) => value !== NO_AUGMENTATION.get(key));
}

/** The entry of `epoch` in a per-epoch list, or the latest one before it; null epoch: the latest. */
function atEpoch<T extends { epoch: number }>(list: readonly T[], epoch: number | null): T | null {
  if (epoch === null) return latest(list);
  let found: T | null = null;
  for (const e of list) if (e.epoch <= epoch) found = e;
  return found ?? list[0] ?? null;
}

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
const ENDED: readonly RunStatus[] = ['completed', 'failed', 'stopped', 'interrupted'];

/**
 * One window's view of training: the form, the current run and the telemetry pushed for it. Talks to the
 * backend only through a Host; without one (component tests, a page opened from disk) the panel says so.
 */
export class TrainingStore {
  connection = $state<ConnectionState | 'none'>('none');
  system = $state.raw<SystemInfo | null>(null);
  datasets = $state.raw<DatasetSummary[]>([]);
  form = $state<TrainingDraft>(defaultDraft());
  runId = $state<string | null>(null);
  status = $state<RunStatus | null>(null);
  message = $state<string | null>(null);
  /**
   * Everything the shown run has shown, folded from its events by the shared reducer (the server keeps and stores
   * runs with the same one): a live run's pushed events, or a past run's from training.telemetry.
   */
  run = $state.raw<RunState>(emptyRunState());
  progress = $derived(this.run.progress);
  history = $derived<EpochRecord[]>(this.run.history);
  /** The epoch the inspection views show (histograms, filters, activations, confusion); null follows the latest. */
  shownEpoch = $state<number | null>(null);
  /** Epochs with a telemetry snapshot, for the epoch slider. */
  snapshotEpochs = $derived([...new Set([...this.run.histograms, ...this.run.filters, ...this.run.activations, ...this.run.confusion].map((e) => e.epoch))].sort((a, b) => a - b));
  histograms = $derived(atEpoch(this.run.histograms, this.shownEpoch));
  filters = $derived(atEpoch(this.run.filters, this.shownEpoch));
  confusion = $derived(atEpoch(this.run.confusion, this.shownEpoch));
  /** A regression run's validation predictions (instead of a confusion matrix). */
  regression = $derived(atEpoch(this.run.regression, this.shownEpoch));
  /** The activations of an image the user picked (an index, a wrong example); null shows the run's own probe. */
  probe = $state.raw<ActivationMaps | null>(null);
  activations = $derived(this.probe ?? atEpoch(this.run.activations, this.shownEpoch));
  warnings = $derived(this.run.warnings);
  /** The backend the shown run trained on, when the backend said. */
  backend = $state<string | null>(null);
  prediction = $state.raw<PredictResult | null>(null);
  /** The last digit drawn (28 x 28, preprocessed), kept across runs so that it is asked again of each new run. */
  drawing = $state.raw<number[] | null>(null);
  /** `prediction` came from an earlier run; the current run is asked again once it has finished an epoch. */
  predictionStale = $state(false);
  wrong = $state.raw<WrongExample[]>([]);
  /** The open project's runs (training.list of its file or recovery store), for the history table. */
  runs = $state.raw<RunSummary[]>([]);
  /** The open project's file; null while it is Untitled. */
  projectPath = $state<string | null>(null);
  /**
   * An Untitled project's recovery store, where its runs are kept until the first save (given by the backend with
   * the first run); null before that and once the project has a file.
   */
  recoveryId = $state<string | null>(null);
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
  own = $state({ ...NO_OWN_TEXT, path: '', labelColumn: '', testPath: '', validationSplit: 0.2 });
  card = $state.raw<DatasetCard | null>(null);
  cardError = $state<string | null>(null);
  inspecting = $state(false);
  browsed = $state.raw<BrowseResult | null>(null);
  /** What the form changed when the dataset's task called for another loss (shown under the dataset picker). */
  taskNote = $state<string | null>(null);
  /** The own data the form's config (a project's, or an applied run's) was made with: its path and fingerprint. */
  storedData = $state.raw<{ path: string; fingerprint: DataFingerprint } | null>(null);
  /** Set when the data just read is not the data the config was made with. */
  dataChanged = $derived(
    this.card && this.storedData?.path === this.card.config.source.path ? dataChangedNote(this.storedData.fingerprint, this.card.config.fingerprint, 'this configuration was made') : null,
  );

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
      ...Object.values(RUN_EVENT_API_NAMES).map((name) =>
        host.on(name, (p) => {
          if (mine(p)) this.onRunEvent(p as RunEvent);
        }),
      ),
    ];
  }

  private onRunEvent(event: RunEvent): void {
    this.run = applyRunEvent(this.run, event);
    if (event.type === 'epoch' && this.drawing && this.predictionStale) void this.predict(this.drawing, [28, 28, 1]);
    if (event.type === 'confusion' && this.confusion === event) void this.loadWrong(event);
  }

  /**
   * Shows a run of the history in the dashboard as it looked (a stored run rebuilt from its project file with the
   * same reducer a live run uses); a live one goes on updating. Draw-a-digit then asks this run's weights.
   */
  async showRun(runId: string): Promise<void> {
    if (!this.host) return;
    try {
      const telemetry = await this.host.call('training.telemetry', { runId });
      const summary = this.runs.find((r) => r.runId === runId);
      this.clearRun();
      this.runId = runId;
      this.status = summary?.status ?? null;
      this.message = summary?.message ?? null;
      this.backend = telemetry.backend ?? null;
      this.run = replayRunEvents(telemetry.events);
      if (this.confusion) void this.loadWrong(this.confusion);
      if (this.drawing) void this.predict(this.drawing, [28, 28, 1]);
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  /**
   * Shows validation image `index` (the test split) through every layer with the shown run's weights; null goes
   * back to the run's own probe image.
   */
  async probeImage(index: number | null): Promise<void> {
    if (index === null) {
      this.probe = null;
      return;
    }
    const runId = this.runId ?? this.predictRunId;
    if (!this.host || !runId) return;
    try {
      this.probe = await this.host.call('training.probe', { runId, index });
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  /** Which epoch the inspection views show (null: the latest, following a live run). */
  showEpoch(epoch: number | null): void {
    const last = this.snapshotEpochs.at(-1);
    this.shownEpoch = epoch === null || epoch === last ? null : epoch;
    if (this.confusion) void this.loadWrong(this.confusion);
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

  /**
   * Another project is open: the run history lists that project's runs only, and the dashboard no longer shows
   * the previous project's run.
   */
  setProject(projectPath: string | null): void {
    this.projectPath = projectPath;
    this.recoveryId = null;
    this.compare = [];
    this.clearRun();
    void this.loadRuns();
  }

  /** The Untitled project already has a recovery store (a model imported with its weights: run "imported"). */
  adoptRecovery(recoveryId: string): void {
    this.recoveryId = recoveryId;
    void this.loadRuns();
  }

  /** The project was saved to `path` (an Untitled one's runs moved there with it): the current run stays shown. */
  projectSaved(path: string): void {
    this.projectPath = path;
    this.recoveryId = null;
    void this.loadRuns();
  }

  private clearRun(): void {
    this.runId = null;
    this.status = null;
    this.message = null;
    this.run = emptyRunState();
    this.shownEpoch = null;
    this.backend = null;
    this.probe = null;
    // The drawing and its prediction stay, marked as the previous run's, until this run can answer (see epoch).
    this.predictionStale = this.prediction !== null;
    this.wrong = [];
  }

  /** The run is stored in the project as it happens: in its file, or in the Untitled project's recovery store. */
  /** Starts a run of `graph` with the form's settings; with `initFrom`, from that run's trained weights (fine-tuning). */
  async start(graph: Graph, name: string, projectPath: string | null = this.projectPath, initFrom?: string): Promise<void> {
    if (!this.host) {
      this.message = 'No backend connected: run `layerlab serve` or the desktop app to train.';
      return;
    }
    this.clearRun();
    try {
      const started = await this.host.call('training.start', {
        graph,
        config: $state.snapshot(runConfig(this.form)),
        name,
        ...(projectPath ? { projectPath } : this.recoveryId ? { recoveryId: this.recoveryId } : {}),
        ...(initFrom ? { initFrom } : {}),
      });
      this.runId = started.runId;
      this.status = started.status;
      if (started.recoveryId) this.recoveryId = started.recoveryId;
      void this.loadRuns();
    } catch (e) {
      this.status = 'failed';
      this.message = (e as Error).message;
    }
  }

  /** The form's loss and metrics for the dataset's task, with a note saying what changed. */
  private followTask(task: Task, dataset: string): void {
    this.taskNote = followTask(this.form, task, dataset);
  }

  /** The dataset picker changed to `name`: a catalog dataset sets the loss for its task; own data waits for its card. */
  datasetChosen(name: string): void {
    this.form.config.dataset = { name };
    this.taskNote = null;
    if (name === OWN_DATASET) return;
    this.followTask(this.datasets.find((d) => d.name === name)?.task ?? 'classification', name);
  }

  /** Reads the data a loaded config names (a project's own data) again, to show its card and whether it changed. */
  async checkStoredData(): Promise<void> {
    const source = this.form.ownData?.source;
    if (!source) return;
    this.own = {
      path: source.path, labelColumn: source.label_column ?? '', testPath: source.test_path ?? '', validationSplit: source.validation_split ?? 0.2,
      textColumn: source.text_column ?? '', maxTokens: source.max_tokens ?? null, sequenceLength: source.sequence_length ?? null, multiHot: source.multi_hot ?? false,
    };
    await this.inspectOwn();
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
        ...ownTextParams(o),
        ...(this.projectPath ? { project: this.projectPath } : {}),
      });
      // The config being replaced remembers which data it was made with, for the "data changed" note.
      const before = this.form.ownData;
      if (before?.fingerprint && before !== this.card?.config) this.storedData = { path: before.source.path, fingerprint: before.fingerprint };
      this.card = card;
      this.form.ownData = card.config;
      this.followTask(card.task, card.config.name);
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

  /**
   * Continues a run of the history from its last checkpoint (a stopped one, or one interrupted when the app was
   * killed), into the same entry of the project; the dashboard follows it.
   */
  async resumeRun(runId: string): Promise<void> {
    if (!this.host) return;
    try {
      // What the run showed before (its stored telemetry): the resumed run's dashboard goes on from it, as its
      // stored entry does, rather than from its epoch metrics alone. Asked first: the resumed worker's events come
      // after it starts.
      const shown = await this.host.call('training.telemetry', { runId }).catch(() => null);
      const run = await this.host.call('training.resume', { runId });
      this.clearRun();
      this.runId = runId;
      this.status = run.status;
      this.run = replayRunEvents(shown ? shown.events : run.history.map((h) => ({ type: 'epoch' as const, ...h })));
      void this.loadRuns();
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

  /** The text view's questions about the run draw-a-digit asks (a run trained on text); null without a run. */
  async textView(params: Omit<TextViewParams, 'runId'>): Promise<TextViewResult | null> {
    const runId = this.predictRunId;
    if (!this.host || !runId) return null;
    return this.host.call('training.text', { runId, ...params });
  }

  async predict(pixels: number[], shape: number[]): Promise<void> {
    const runId = this.predictRunId;
    this.drawing = pixels;
    if (!this.host || !runId) return;
    try {
      this.prediction = await this.host.call('training.predict', { runId, input: { pixels, shape } });
      this.predictionStale = false;
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  async loadRuns(): Promise<void> {
    if (!this.host) return;
    try {
      const scope = this.projectPath ? { projectPath: this.projectPath } : this.recoveryId ? { recoveryId: this.recoveryId } : null;
      // An Untitled project without a run yet has no runs to list.
      this.runs = scope ? (await this.host.call('training.list', scope)).runs : [];
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
  async loadWrong(confusion: ConfusionReport): Promise<void> {
    const picked = [...confusion.confidentlyWrong].sort((a, b) => b.probability - a.probability).slice(0, WRONG_SHOWN);
    this.wrong = picked.map((w) => ({ ...w, png: null }));
    const host = this.host;
    if (!host) return;
    const run = this.runs.find((r) => r.runId === this.runId);
    const name = run?.config.dataset.name ?? this.form.config.dataset.name;
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
    const augmentation = $state.snapshot(this.form.config.augmentation);
    if (!augmenting(augmentation)) {
      this.augmented = null;
      return;
    }
    const name = this.form.config.dataset.name;
    const seed = this.augmentSeed;
    try {
      const preview = await this.host.call('datasets.preview', { name, split: 'train', offset: 0, count, augmentation, seed });
      if (this.form.config.dataset.name === name && this.augmentSeed === seed) this.augmented = preview;
    } catch {
      this.augmented = null;
    }
  }

  async loadSamples(count = 16): Promise<void> {
    if (!this.host) return;
    const name = this.form.config.dataset.name;
    try {
      const preview = await this.host.call('datasets.preview', { name, split: 'train', offset: 0, count });
      if (this.form.config.dataset.name === name) this.samples = preview;
    } catch {
      // A dataset that is not downloaded yet has no preview; the panel shows none.
      this.samples = null;
    }
  }
}
