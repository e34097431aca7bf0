/**
 * `layerlab train FILE ...`: trains a model file or a project (.layerlab) in the training worker, with a progress
 * bar on stderr, one line (or with --json one JSON object on stdout) per epoch, health warnings, a final confusion
 * matrix, and a checkpoint after every epoch that --resume continues from. A project's run is stored in the project.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MEMORY_BUDGET_ENV, parseMemoryAmount } from '../engine/memory-budget';
import cliProgress from 'cli-progress';
import { compileGraph } from '../../shared/graph/index';
import type { EpochMetrics } from '../../shared/format';
import type { Graph, ModelSpec } from '../../shared/graph/types';
import type { ConfusionReport, HealthWarning, TrainingNotice } from '../../shared/telemetry';
import { OPTIMIZER_NAMES, parseTrainingConfig, type TrainingConfig } from '../../shared/training';
import { findCatalogEntry } from '../datasets/catalog';
import { openOwnData, type OwnData } from '../datasets/own-data';
import { resolveCacheDir } from '../datasets/paths';
import { formatBackendChoice } from '../engine/backend';
import { readModelFile } from '../engine/model-file';
import { CHECKPOINT_MANIFEST, readCheckpointManifest } from '../engine/training/checkpoint';
import { startTrainingWorker } from '../engine/worker/client';
import type { FromWorker, StartRequest } from '../engine/worker/protocol';
import { openProject } from '../projects/service';
import { withProjectRelativeData, withResolvedData } from '../datasets/project-relative';
import { initialWeights } from './train-init-from';
import { ownTextFlags, TEXT_OPTIONS, textFlags, withCatalogText, type TextFlags } from './train-text';
import { configForOwnData, dataChangedWarning, isRegressionConfig, OWN_DATA_OPTIONS, regressionDefaults, ownDataFlags, regressionEpoch, regressionSummary, type OwnDataFlags } from './train-own-data';
import { noSuchRun, resumeConflicts, storedCheckpoint, storedDashboard, type StoredDashboard } from './train-resume';
import { findStoredRun } from '../projects/run-numbers';
import { CliRunStore } from './train-store';
import type { Command } from './types';

const USAGE =
  'train FILE [--config CONFIG.json] [--dataset mnist|fashion-mnist] [--epochs N] [--batch-size B] [--optimizer sgd|adam|rmsprop|adagrad|adadelta|adamax] ' +
  '[--learning-rate X] [--momentum M] [--limit-train N] [--limit-test N] [--seed S] [--backend NAME] [--data-dir DIR] ' +
  '[--checkpoint-dir DIR] [--resume RUN|CHECKPOINT_DIR] [--init-from RUN | --fresh] [--json] ' +
  '[--dataset PATH [--test PATH] [--validation-split F] [--label-column NAME] [--task classification|regression] [--image-size HxW] [--color grayscale|rgb] [--strict]] ' +
  '[--text-column NAME] [--max-tokens N] [--sequence-length L] [--multi-hot] [--num-words N] [--skip-top N] [--maxlen N] [--shuffle-seed S] [--start-char N] [--oov-char N] [--index-from N]';

/** What the command line says, before the model file, project or config file is read. */
export interface TrainArgs {
  file: string;
  json: boolean;
  configFile?: string;
  backend?: string;
  dataDir?: string;
  checkpointDir?: string;
  resume?: string;
  /** A run of the project (id or number) whose trained weights the new run starts from. */
  initFrom?: string;
  /** A TF.js model.json trains from its own weights unless --fresh. */
  fresh?: boolean;
  /** How to read the user's own data when --dataset is a path (see ownDataFlags). */
  own?: OwnDataFlags;
  /** Text flags: the tokenizer of own text, or imdb/reuters' load options (see train-text.ts). */
  text?: TextFlags;
  /** --memory-budget, checked; applied through LAYERLAB_MEMORY_BUDGET, which the training worker reads. */
  memoryBudget?: string;
  /** Flag values that override the config. */
  overrides: {
    dataset?: string;
    epochs?: number;
    batchSize?: number;
    optimizer?: string;
    learningRate?: number;
    momentum?: number;
    limitTrain?: number;
    limitTest?: number;
    seed?: number;
  };
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function nonNegative(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${v}'`);
  return n;
}

const isProject = (file: string) => /\.layerlab$/i.test(file);

/**
 * `--epochs -1` as `--epochs=-1`: node's parseArgs refuses a value starting with '-' as "ambiguous", a message about
 * its own syntax; joined, the value reaches our check, which states the rule (a positive integer).
 */
export function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][a-z-]*$/.test(arg) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses the argv tail of `layerlab train`; checks what can be checked without reading files. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      dataset: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      optimizer: { type: 'string' },
      'learning-rate': { type: 'string' },
      momentum: { type: 'string' },
      'limit-train': { type: 'string' },
      'limit-test': { type: 'string' },
      backend: { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      'checkpoint-dir': { type: 'string' },
      resume: { type: 'string' },
      'init-from': { type: 'string' },
      fresh: { type: 'boolean' },
      'memory-budget': { type: 'string' },
      json: { type: 'boolean', default: false },
      ...OWN_DATA_OPTIONS,
      ...TEXT_OPTIONS,
    },
  });
  const own = ownDataFlags(values);
  if (values['init-from'] !== undefined && values.resume !== undefined) throw new Error('--init-from starts a new run from a run\'s weights and --resume continues a run: give one of them');
  const text = textFlags(values);
  if (values['memory-budget'] !== undefined) parseMemoryAmount(values['memory-budget']);
  if (positionals.length !== 1) throw new Error(`expected one model file or project; usage: layerlab ${USAGE}`);
  const file = positionals[0]!;
  const hasConfig = values.config !== undefined || isProject(file);
  if (!values.dataset && !hasConfig) throw new Error('--dataset is required (mnist or fashion-mnist), unless --config or a project gives it');
  const epochs = positiveInt('epochs', values.epochs);
  if (epochs === undefined && !hasConfig) throw new Error('--epochs is required, e.g. --epochs 5 (or give a --config or a project)');
  const optimizer = values.optimizer?.toLowerCase();
  if (optimizer !== undefined && !(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
    throw new Error(`unknown --optimizer '${values.optimizer}'; use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new Error(`--seed must be a whole number >= 0, got '${values.seed}'`);
  const overrides: TrainArgs['overrides'] = {
    dataset: values.dataset,
    epochs,
    batchSize: positiveInt('batch-size', values['batch-size']),
    optimizer,
    learningRate: nonNegative('learning-rate', values['learning-rate']),
    momentum: nonNegative('momentum', values.momentum),
    limitTrain: positiveInt('limit-train', values['limit-train']),
    limitTest: positiveInt('limit-test', values['limit-test']),
    seed,
  };
  for (const k of Object.keys(overrides) as (keyof typeof overrides)[]) if (overrides[k] === undefined) delete overrides[k];
  return {
    file,
    json: values.json ?? false,
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['checkpoint-dir'] !== undefined ? { checkpointDir: values['checkpoint-dir'] } : {}),
    ...(values.resume !== undefined ? { resume: values.resume } : {}),
    ...(values['init-from'] !== undefined ? { initFrom: values['init-from'] } : {}),
    ...(values.fresh ? { fresh: true } : {}),
    ...(own ? { own } : {}),
    ...(Object.keys(text).length ? { text } : {}),
    ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
    overrides,
  };
}

/** The run's config: `base` (a --config file, the project's, or issue 2's CLI defaults) with the flags applied. */
export function applyOverrides(base: Record<string, unknown>, o: TrainArgs['overrides']): TrainingConfig {
  const c: Record<string, unknown> = structuredClone(base);
  if (o.dataset !== undefined) c.dataset = { name: o.dataset };
  if (o.epochs !== undefined) c.epochs = o.epochs;
  if (o.batchSize !== undefined) c.batch_size = o.batchSize;
  if (o.seed !== undefined) c.seed = o.seed;
  if (o.limitTrain !== undefined) c.limit_train = o.limitTrain;
  if (o.limitTest !== undefined) c.limit_test = o.limitTest;
  const previous = (c.optimizer ?? { name: 'adam' }) as Record<string, unknown>;
  const optimizer: Record<string, unknown> = o.optimizer !== undefined && o.optimizer !== previous.name ? { name: o.optimizer } : { ...previous };
  if (o.learningRate !== undefined) optimizer.learning_rate = o.learningRate;
  if (o.momentum !== undefined) {
    if (optimizer.name !== 'sgd' && optimizer.name !== 'rmsprop') throw new Error(`--momentum applies to sgd and rmsprop, not ${String(optimizer.name)}`);
    optimizer.momentum = o.momentum;
  }
  c.optimizer = optimizer;
  const parsed = parseTrainingConfig(c);
  if (!parsed.ok) throw new Error(`the training config is not valid:\n${parsed.message}`);
  return parsed.config;
}

/** Issue 2's defaults for a bare model file: SGD, batch 32, validation on the test split. */
const CLI_DEFAULTS: Record<string, unknown> = { optimizer: { name: 'sgd' }, batch_size: 32 };

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${what} ${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** RUN (a run id under the checkpoint root, as the service and this command name them) or a checkpoint folder. */
function resolveResume(resume: string, root: string): string {
  for (const dir of [resume, join(root, resume)]) if (existsSync(join(dir, CHECKPOINT_MANIFEST))) return dir;
  throw new Error(`--resume ${resume}: no checkpoint there or in ${join(root, resume)}: pass a run id from ${root} or a folder holding ${CHECKPOINT_MANIFEST}`);
}

export interface PreparedRun {
  request: StartRequest;
  graph: Graph;
  name: string;
  /** The project file that receives the run. */
  project?: string;
  /** Things to tell the user about their data (e.g. skipped files). */
  warnings?: string[];
  /** A run stored in the project that this one continues (--resume #N): its entry, number and what it had. */
  continues?: { number: number; created: string; history: EpochMetrics[]; durationSeconds: number; shown?: StoredDashboard };
}

/** Reads the model file or project and the config file, and builds the worker request. */
export async function prepareRun(args: TrainArgs): Promise<PreparedRun> {
  if (isProject(args.file) && args.resume !== undefined) {
    const continued = await prepareStoredResume(args);
    if (continued) return continued;
  }
  let spec: ModelSpec;
  let graph: Graph;
  let name: string;
  let base: Record<string, unknown> = CLI_DEFAULTS;
  if (isProject(args.file)) {
    const opened = await openProject(args.file);
    if (opened.graph.nodes.length === 0) throw new Error(`${args.file}: the project's model is empty; add layers first`);
    graph = opened.graph;
    spec = compileGraph(graph);
    name = opened.doc.project.name;
    if (!args.configFile) {
      if (!opened.config) {
        throw new Error(`${args.file}: the project's training config is not valid (${opened.configIssues.map((i) => `${i.path || '(config)'}: ${i.message}`).join('; ')}): fix it or pass --config`);
      }
      // Own data stored relative to the project (it moved with its data) is read from the project's folder.
      base = withResolvedData(opened.config, args.file);
    }
  } else {
    ({ spec, graph, name } = await readModelFile(args.file));
  }
  if (args.configFile) base = await readJson(args.configFile, 'config file');
  let ownData: OwnData | undefined;
  if (args.overrides.dataset !== undefined && !findCatalogEntry(args.overrides.dataset)) {
    ownData = await openOwnData({ path: args.overrides.dataset, ...args.own, ...ownTextFlags(args.text) });
    base = configForOwnData(base, ownData);
  } else if (args.overrides.dataset !== undefined && findCatalogEntry(args.overrides.dataset)?.task === 'regression') {
    // Like Keras' Boston example: standardised features, mse, mae.
    base = { ...regressionDefaults(base), preprocessing: { normalize: 'standardize' } };
  }
  const stale = ownData ? undefined : await dataChangedWarning(base);
  if (args.own && !ownData) {
    throw new Error(`${Object.keys(args.own).map((k) => `--${k.replace(/_/g, '-')}`).join(', ')} apply to your own data: pass --dataset PATH (a folder, .csv, .npz, .npy or IDX folder)`);
  }
  let config = applyOverrides(base, ownData ? { ...args.overrides, dataset: undefined } : args.overrides);
  if (!ownData && args.text) config = withCatalogText(config, args.text);
  const root = args.checkpointDir ?? join(resolveCacheDir(), 'checkpoints');
  const resumeFrom = args.resume ? resolveResume(args.resume, root) : undefined;
  const initFrom = await initialWeights(args.file, { ...(args.initFrom ? { initFrom: args.initFrom } : {}), ...(args.fresh ? { fresh: true } : {}) });
  // A project's run keeps this id as its entry's id (runs/<id>/ in the file), from its first epoch on.
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const runId = isProject(args.file) ? `run-${stamp}-${randomBytes(3).toString('hex')}` : `cli-${stamp}-${randomBytes(2).toString('hex')}`;
  return {
    ...(ownData ? { warnings: ownData.warnings } : stale ? { warnings: [stale] } : {}),
    request: {
      runId,
      spec,
      config,
      ...(args.dataDir ? { data: { dataDir: args.dataDir } } : {}),
      // --backend wins over LAYERLAB_BACKEND, as in the app.
      ...(args.backend || process.env.LAYERLAB_BACKEND ? { backend: (args.backend || process.env.LAYERLAB_BACKEND)! } : {}),
      // A resumed run keeps writing to its own checkpoint, so --resume works again after another stop.
      checkpointDir: resumeFrom ?? join(root, runId),
      ...(resumeFrom ? { resumeFrom } : {}),
      ...(initFrom ? { initFrom } : {}),
    },
    graph,
    name,
    ...(isProject(args.file) ? { project: args.file } : {}),
  };
}

/**
 * `--resume RUN` naming a run stored in the project (#N, N or its id): that run's own config and graph, its
 * checkpoint, its entry (train-resume.ts says which flags may go with it). Undefined when RUN names no stored run
 * (then it is a checkpoint folder or a run id under the checkpoint root, as for a model file).
 */
async function prepareStoredResume(args: TrainArgs): Promise<PreparedRun | undefined> {
  const ref = args.resume!;
  const { doc } = await openProject(args.file);
  const found = findStoredRun(doc, ref);
  if (!found) {
    if (/^#?\d+$/.test(ref.trim())) throw noSuchRun(args.file, ref, doc);
    return undefined;
  }
  const { meta, number } = found;
  if (meta.status === 'running') {
    const by = meta.trainer ? `process ${meta.trainer.pid} on ${meta.trainer.host}` : 'another process';
    throw new Error(`--resume ${ref}: run #${number} is being trained now by ${by}: wait for it to end, or stop it there, then resume it`);
  }
  const checkpoint = storedCheckpoint(meta);
  if (!checkpoint) {
    const where = (meta.telemetry as { checkpoint?: unknown } | undefined)?.checkpoint;
    throw new Error(
      `--resume ${ref}: run #${number} (${meta.status}) has no checkpoint to continue from (${typeof where === 'string' ? `${where} is gone` : 'it ended before its first epoch'}): train a new run without --resume`,
    );
  }
  const done = (await readCheckpointManifest(checkpoint)).epoch;
  const stored = withResolvedData(structuredClone(meta.config), args.file);
  const conflicts = resumeConflicts(args, found, stored, done);
  if (conflicts.length) throw new Error(`cannot resume run #${number}:\n  ${conflicts.join('\n  ')}`);
  const config = applyOverrides(stored, args.overrides.epochs === undefined ? {} : { epochs: args.overrides.epochs });
  const shown = await storedDashboard(args.file, meta);
  return {
    ...(shown.warning ? { warnings: [shown.warning] } : {}),
    request: {
      runId: meta.id,
      spec: compileGraph(meta.graph),
      config,
      ...(args.dataDir ? { data: { dataDir: args.dataDir } } : {}),
      ...(args.backend || process.env.LAYERLAB_BACKEND ? { backend: (args.backend || process.env.LAYERLAB_BACKEND)! } : {}),
      checkpointDir: checkpoint,
      resumeFrom: checkpoint,
    },
    graph: meta.graph,
    name: meta.name,
    project: args.file,
    continues: { number, created: meta.created, history: meta.history, durationSeconds: meta.durationSeconds, ...(shown.dashboard ? { shown: shown.dashboard } : {}) },
  };
}

const fmt = (v: number | undefined) => (v === undefined || v === null ? 'n/a' : v.toFixed(4));
const pct = (v: number | null) => (v === null ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`);

/** The confusion matrix as a table (rows: true class, columns: predicted), with per-class precision and recall. */
export function formatConfusion(c: ConfusionReport, classNames?: string[]): string {
  // A model may have more outputs than the data has classes (9 digit folders, 10 units): number the rest.
  const given = c.classNames ?? classNames ?? [];
  const names = c.matrix.map((_, i) => given[i] ?? String(i));
  const w = Math.max(5, ...names.map((n) => n.length), ...c.matrix.flat().map((v) => String(v).length)) + 1;
  const head = `${'true\\pred'.padEnd(12)}${names.map((n) => n.padStart(w)).join('')}   precision  recall`;
  const rows = c.matrix.map(
    (row, i) => `${names[i]!.slice(0, 11).padEnd(12)}${row.map((v) => String(v).padStart(w)).join('')}   ${pct(c.precision[i] ?? null).padStart(9)}  ${pct(c.recall[i] ?? null)}`,
  );
  return [`confusion matrix (epoch ${c.epoch + 1}, ${c.samples} validation samples, accuracy ${(c.accuracy * 100).toFixed(2)}%):`, head, ...rows].join('\n');
}

const formatWarning = (w: HealthWarning) => `warning (epoch ${w.epoch + 1}${w.layer ? `, layer ${w.layer}` : ''}): ${w.message}; ${w.suggestion}`;
const formatNotice = (n: TrainingNotice) => `note (epoch ${n.epoch + 1}): ${n.message}`;

export const trainCommand: Command = {
  name: 'train',
  usage: 'train FILE [--config CONFIG.json] [--dataset NAME] [--epochs N] [--resume RUN] [options]',
  summary: 'train a model file or project (progress on stderr; --json: one JSON line per epoch; a project stores the run)',
  help: `FILE is a Keras model-config JSON, a TF.js model.json or a Layerlab project (.layerlab). A project trains with
its own training config and stores the run (config, graph, metrics, weights) in the file.

Options (flags override --config, which overrides the project's config):
  --config FILE          a TrainingConfig JSON (optimizer, loss, schedule, early stopping, augmentation, ...)
  --dataset NAME|PATH    mnist | fashion-mnist | cifar-10 | cifar-100 | imdb | reuters | boston-housing, or your own data:
                         a folder with one sub-folder of images per class, a .csv/.csv.gz table with a header,
                         a Keras-layout .npz (x_train, y_train[, x_test, y_test]), .npy files, or a folder of IDX files
  --test PATH            your data's test split (same format); default: hold out the last --validation-split
  --validation-split F   the LAST fraction F of the rows (file order, before shuffling, as Keras does); default 0.2
  --label-column NAME    the CSV's label column (default: the one named label, target, class or y)
  --task T               classification | regression (default: integers with <= 100 distinct values classify)
  --image-size HxW       resize images to H x W (default: the first image's size)
  --color C              grayscale | rgb (default: the first image's)
  --strict               refuse files in an image folder that are not images (default: skip them, with a warning)
  --text-column NAME     text: the CSV's text column (default: the string column with the longest values); a CSV
                         with sentences, or a folder of .txt files per class (aclImdb: train/pos, train/neg, test/...),
                         is read as text: lower-cased, punctuation stripped, split on whitespace
  --max-tokens N         text: vocabulary size incl. padding (0) and unknown words (1) (default 10000)
  --sequence-length L    text: word ids per sample, padded/truncated (default 200; imdb/reuters: pad_sequences)
  --multi-hot            text: one 0/1 input per vocabulary word (bag of words) instead of ids
  --num-words N          imdb/reuters: keep the N most frequent words (Keras' num_words, default 10000)
  --skip-top N           imdb/reuters: the N most frequent words become --oov-char too (Keras' skip_top, default 0)
  --maxlen N             imdb/reuters: drop reviews/newswires of N ids or more (Keras' maxlen, default none)
  --shuffle-seed S       imdb/reuters: seed of load_data's shuffle (Keras' seed, default 113; named apart from
                         --seed, which seeds the weights and the batch order)
  --start-char N         imdb/reuters: the id marking each sequence's start (default 1; none: no mark)
  --oov-char N           imdb/reuters: the id of cut and unknown words (default 2; none: leave them out)
  --index-from N         imdb/reuters: a word of frequency rank r gets id r + N (default 3)
  --epochs N             number of epochs
  --batch-size B         batch size (default 32)
  --optimizer NAME       sgd | adam | rmsprop | adagrad | adadelta | adamax
  --learning-rate X      learning rate
  --momentum M           SGD momentum
  --limit-train N        train on the first N training samples (quick experiments)
  --limit-test N         validate on the first N test samples
  --seed S               seed for weight initialisation and shuffling
  --backend NAME         tfjs-node-gpu | webgpu | tfjs-node | wasm | cpu (default: the best that loads)
  --data-dir DIR         read the dataset's files from DIR (a mirror folder, e.g. ../shared/datasets/mnist)
  --checkpoint-dir DIR   where each epoch's checkpoint goes (DIR/<run id>)
  --resume RUN           continue a run from its last checkpoint: for a project, a stored run by #number or id
                         (an interrupted, stopped or failed one; see layerlab info) with its own config and graph,
                         into its own entry; flags that change the run (--optimizer, --learning-rate, --batch-size,
                         --dataset, --seed, --limit-*, --config) are refused; --epochs N above the epochs trained
                         extends it. RUN may also be a checkpoint folder, or a run id under --checkpoint-dir
  --init-from RUN        start from the trained weights of the project's run RUN (#number or id): fine-tuning
  --fresh                a TF.js model.json with weight files trains from those weights; --fresh starts anew
  --memory-budget SIZE   refuse models estimated to need more (e.g. 6G, 40%; default half the memory, 2G on wasm;
                         also LAYERLAB_MEMORY_BUDGET)
  --json                 one JSON object per epoch on stdout; progress goes to stderr

Examples:
  layerlab train boston.layerlab --dataset ../data/housing.csv --label-column MEDV --epochs 100
  layerlab train text.json --dataset train.csv --test test.csv --max-tokens 5000 --sequence-length 32 --epochs 5
  layerlab train model.json --dataset mnist --epochs 2 --limit-train 2000 --optimizer sgd --learning-rate 0.01 --momentum 0.9`,
  async run(argv) {
    const args = parseTrainArgs(argv);
    if (args.memoryBudget !== undefined) process.env[MEMORY_BUDGET_ENV] = args.memoryBudget;
    const { request, graph, name, project, warnings: dataWarnings, continues } = await prepareRun(args);
    const { config } = request;
    // Stored with the flags' values, before the CLI turns off the telemetry nobody sees here.
    const storedConfig = project ? withProjectRelativeData(structuredClone(config), project) : undefined;
    for (const w of dataWarnings ?? []) process.stderr.write(`warning: ${w}\n`);
    const regression = isRegressionConfig(config.dataset);
    // The CLI shows metrics, warnings and the confusion matrix, not pictures: without a project to keep them in (where
    // the window's dashboard shows the run), skip the telemetry nobody sees.
    if (!project) config.telemetry = { ...config.telemetry, histograms: false, filters: false, activations: false, gradient_histograms: false };
    const json = args.json;
    const info = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
    const warn = (line: string) => process.stderr.write(`${line}\n`);
    let backend = '';
    let bar: cliProgress.SingleBar | null = null;
    let confusion: ConfusionReport | undefined;
    let classNames: string[] | undefined;
    const warnings: HealthWarning[] = [];
    const notices: TrainingNotice[] = [];
    const speeds: number[] = [];
    let lastLogs: Record<string, number> | undefined;
    const epochs = config.epochs;
    const onEvent = (e: FromWorker): void => {
      switch (e.type) {
        case 'backend':
          backend = e.choice.backend;
          info(formatBackendChoice(e.choice));
          break;
        case 'ready':
          classNames = e.classNames;
          info(
            `data: ${e.trainCount} training and ${e.testCount} ${config.validation.kind === 'test' ? 'test' : 'validation'} samples, input [${e.inputShape.join(', ')}]; ` +
              `${e.params.toLocaleString('en-US')} parameters`,
          );
          if (e.initialEpoch > 0) info(`resuming ${continues ? `run #${continues.number} ` : ''}from ${request.resumeFrom} after epoch ${e.initialEpoch}`);
          if (request.initFrom) info(`weights: from ${request.initFrom.run} (the optimizer starts afresh)`);
          info(`checkpoints: ${request.checkpointDir} (continue later with --resume ${project ? request.runId : (request.resumeFrom ?? request.runId)})`);
          void runStore?.begin(e.initialEpoch, { backend, checkpoint: request.checkpointDir }).catch(storeFailed);
          break;
        case 'telemetry': {
          const t = e.event;
          runStore?.show(t);
          if (t.type === 'batch') {
            if (!bar) {
              bar = new cliProgress.SingleBar(
                { stream: process.stderr, format: 'epoch {ep}/{epochs} [{bar}] {value}/{total} batches | loss {loss} | ETA {eta_formatted}', hideCursor: false, clearOnComplete: true, etaBuffer: 20 },
                cliProgress.Presets.shades_classic,
              );
              bar.start(t.batches, 0, { ep: t.epoch + 1, epochs, loss: 'n/a' });
            }
            bar.update(t.batch + 1, { ep: t.epoch + 1, epochs, loss: fmt(t.loss) });
          } else if (t.type === 'confusion') confusion = t;
          else if (t.type === 'health') {
            warnings.push(t);
            warn(formatWarning(t));
          } else if (t.type === 'notice') {
            notices.push(t);
            info(formatNotice(t));
          }
          break;
        }
        case 'epoch': {
          bar?.stop();
          bar = null;
          speeds.push(e.samplesPerSecond);
          const l = e.logs;
          lastLogs = l;
          runStore?.epoch(e.epoch, { ...l, lr: e.lr }, e.seconds);
          if (json && regression) {
            process.stdout.write(`${JSON.stringify({ epoch: e.epoch + 1, ...regressionEpoch(l), seconds: e.seconds, samples_per_second: e.samplesPerSecond, backend })}\n`);
          } else if (json) {
            process.stdout.write(
              `${JSON.stringify({ epoch: e.epoch + 1, loss: l.loss ?? null, acc: l.acc ?? l.accuracy ?? null, val_loss: l.val_loss ?? null, val_acc: l.val_acc ?? l.val_accuracy ?? null, seconds: e.seconds, samples_per_second: e.samplesPerSecond, backend })}\n`,
            );
          } else if (regression) {
            const r = regressionEpoch(l);
            process.stdout.write(
              `epoch ${e.epoch + 1}/${epochs}: loss ${fmt(r.loss ?? undefined)} mae ${fmt(r.mae ?? undefined)} val_loss ${fmt(r.val_loss ?? undefined)} val_mae ${fmt(r.val_mae ?? undefined)} ` +
                `(${e.seconds.toFixed(1)} s, ${e.samplesPerSecond.toFixed(1)} samples/s) lr ${Number(e.lr.toPrecision(4))}\n`,
            );
          } else {
            const shown = new Set(['loss', 'acc', 'val_loss', 'val_acc']);
            const extra = Object.entries(l).filter(([k]) => !shown.has(k)).map(([k, v]) => ` ${k} ${fmt(v)}`).join('');
            process.stdout.write(
              `epoch ${e.epoch + 1}/${epochs}: loss ${fmt(l.loss)} acc ${fmt(l.acc)} val_loss ${fmt(l.val_loss)} val_acc ${fmt(l.val_acc)} ` +
                `(${e.seconds.toFixed(1)} s, ${e.samplesPerSecond.toFixed(1)} samples/s) lr ${Number(e.lr.toPrecision(4))}${extra}\n`,
            );
          }
          break;
        }
        case 'checkpoint':
          // After the epoch's pictures: the entry stores the epoch whole, as --resume continues after it.
          void runStore?.checkpointed().catch(storeFailed);
          break;
        default:
          break;
      }
    };
    // The run is in the project from its first epoch on (train-store.ts); a failed write is said once (the final
    // write, with the weights, reports its own failure).
    let storeWarned = false;
    const storeFailed = (err: Error) => {
      if (!storeWarned) warn(`warning: could not store the run in ${project} yet (${err.message}); trying again after the next epoch`);
      storeWarned = true;
    };
    const runName = continues ? name : `${name}: ${config.optimizer.name} lr=${config.optimizer.learning_rate}`;
    const runStore = project
      ? new CliRunStore(project, {
          id: request.runId!,
          name: runName,
          created: continues?.created ?? new Date().toISOString(),
          config: storedConfig!,
          graph,
          history: continues?.history ?? [],
          durationSeconds: continues?.durationSeconds ?? 0,
          ...(continues?.shown ? { shown: continues.shown } : {}),
        })
      : undefined;
    const handle = startTrainingWorker(request, onEvent, { keepAlive: true });
    const onSigint = () => {
      process.stderr.write('\nstopping after the current batch (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => void handle.terminate());
      handle.stop();
    };
    process.once('SIGINT', onSigint);
    try {
      const end = await handle.finished;
      process.removeListener('SIGINT', onSigint);
      (bar as cliProgress.SingleBar | null)?.stop();
      if (end.type === 'error') {
        await runStore?.end({ status: 'failed', error: end.message }).catch(() => {});
        throw new Error(end.message);
      }
      if (confusion) info(formatConfusion(confusion, classNames));
      if (regression && lastLogs) info(regressionSummary(lastLogs, config.loss));
      if (end.stopped) info(`stopped after ${end.epochsCompleted} of ${epochs} epochs`);
      if (end.status === 'early-stopped') info(`early stopping ended the run after ${end.epochsCompleted} of ${epochs} epochs`);
      if (project && runStore) {
        await runStore.end({
          status: end.status,
          history: end.history,
          telemetry: {
            backend,
            outcome: end.status,
            samplesPerSecond: speeds.length ? speeds.reduce((a, b) => a + b, 0) / speeds.length : 0,
            telemetrySeconds: end.telemetrySeconds,
            checkpoint: request.checkpointDir,
            warnings: warnings.map((w) => ({ epoch: w.epoch, kind: w.kind, message: w.message, ...(w.layer ? { layer: w.layer } : {}) })),
            notices: notices.map((n) => ({ epoch: n.epoch, kind: n.kind, message: n.message })),
            ...(confusion ? { confusion: { epoch: confusion.epoch, matrix: confusion.matrix, precision: confusion.precision, recall: confusion.recall, accuracy: confusion.accuracy, samples: confusion.samples } } : {}),
          },
          telemetrySeconds: end.telemetrySeconds,
          weights: await handle.artifacts(),
          best: await handle.bestArtifacts(),
        });
        info(`saved run ${request.runId}${continues ? ` (#${continues.number})` : ''} to ${project}`);
      }
    } finally {
      await handle.terminate();
    }
    return 0;
  },
};
