/**
 * What every exporter takes: a Keras model-config JSON (the ModelSpec the graph compiler produces), the weights of
 * a tfjs LayersModel when there are any, and the training settings the Python scripts reproduce.
 */
import type { ModelSpec, NodeGroup } from '../../shared/graph/types';
import { defaultTrainingConfig, type TrainingConfig } from '../../shared/training';
import type { LoadOptions } from '../datasets/index';

/** One weight tensor as tfjs names it: `<layer name>/<weight name>`, e.g. 'conv2d_1/kernel', in Keras layout. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * The training settings the Python scripts reproduce: Layerlab's own training document (shared/training.ts), so
 * every field the user set (optimizer parameters, schedule, early stopping, validation, preprocessing) carries over.
 */
export type ExportTrainingConfig = TrainingConfig;

/** The workshop's defaults, used when the source has no training settings. */
export function defaultExportTraining(): ExportTrainingConfig {
  return defaultTrainingConfig();
}

/** Everything an exporter needs; `weights` absent means the exported model starts from fresh initial weights. */
export interface ExportSource {
  spec: ModelSpec;
  /** What the model came from (a project or model file path, or a project name): an earlier export of the same
   * origin may be replaced in place. Defaults to the model's name. */
  origin?: string;
  weights?: NamedWeight[];
  training?: ExportTrainingConfig;
  /**
   * Layer name -> the nested model it belongs to, from the project's graph (the compiled spec is flat; a model file
   * with nested models carries them itself).
   */
  groups?: Record<string, NodeGroup>;
  /**
   * Where the run's catalog dataset files are (cache, mirrors, stand-in entries), for what an export reads from them:
   * the word index of a run on imdb/reuters. Default: the cache and mirrors of the environment.
   */
  datasets?: ExportDatasetSource;
}

export type ExportDatasetSource = Pick<LoadOptions, 'cacheDir' | 'mirror' | 'offline' | 'catalog'>;

export type ExportFormat = 'tfjs' | 'keras' | 'pytorch';
export type DistributionStrategy = 'none' | 'mirrored' | 'multiworker';

export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  /** Keras only. */
  strategy?: DistributionStrategy;
  /** Keras only: also write job.sbatch. */
  slurm?: boolean;
  /** Write into a non-empty folder that holds no earlier export of this model. */
  force?: boolean;
}

export interface ExportResult {
  format: ExportFormat;
  outDir: string;
  /** Paths relative to outDir, in the order written. */
  files: string[];
  /** Things the user should know (e.g. "no weights given: the model starts from fresh initial weights"). */
  notes: string[];
  /** Files of `files` that were in the folder before (an earlier export, or --force) and are now replaced. */
  replaced: string[];
}

/** What one format's exporter returns; exportModel adds `replaced`. */
export type FormatResult = Omit<ExportResult, 'replaced'>;

/** A model the exporters cannot express; the message names the layer, the value and what to change. */
export class ExportError extends Error {
  override name = 'ExportError';
}
