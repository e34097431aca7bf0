/**
 * `layerlab train ... --dataset PATH`: the flags that say how to read the user's own data, the training config such
 * data implies (its record in config.dataset, Keras' last-fraction validation or the --test split, mse + mae for
 * regression), and how a regression run's epochs and final result are printed.
 */
import { isClassificationLoss } from '../../shared/losses';
import { ownDatasetOf, type DataSource } from '../../shared/data-preprocessing';
import { findCatalogEntry } from '../datasets/catalog';
import { fingerprintOf, type OwnData } from '../datasets/own-data';

export const OWN_DATA_OPTIONS = {
  test: { type: 'string' },
  'validation-split': { type: 'string' },
  'label-column': { type: 'string' },
  task: { type: 'string' },
  'image-size': { type: 'string' },
  color: { type: 'string' },
  strict: { type: 'boolean' },
} as const;

export type OwnDataFlags = Omit<DataSource, 'path' | 'kind'>;

type Values = { [K in keyof typeof OWN_DATA_OPTIONS]?: (typeof OWN_DATA_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The own-data flags given, checked; undefined when none is. */
export function ownDataFlags(values: Values): OwnDataFlags | undefined {
  const out: OwnDataFlags = {};
  if (values.test !== undefined) out.test_path = values.test;
  const split = values['validation-split'];
  if (split !== undefined) {
    const f = Number(split);
    if (!(f > 0 && f < 1)) throw new Error(`--validation-split must be a fraction between 0 and 1 (exclusive), e.g. 0.2; got '${split}'`);
    out.validation_split = f;
  }
  if (values['label-column'] !== undefined) out.label_column = values['label-column'];
  if (values.task !== undefined) {
    if (values.task !== 'classification' && values.task !== 'regression') throw new Error(`--task must be classification or regression, got '${values.task}'`);
    out.task = values.task;
  }
  const size = values['image-size'];
  if (size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(size);
    const [h, w] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (!m || h < 1 || w < 1 || h > 4096 || w > 4096) throw new Error(`--image-size must be HEIGHTxWIDTH in pixels (1..4096), e.g. 28x28; got '${size}'`);
    out.image_size = [h, w];
  }
  if (values.color !== undefined) {
    const c = values.color.toLowerCase();
    if (c !== 'grayscale' && c !== 'rgb') throw new Error(`--color must be grayscale or rgb, got '${values.color}'`);
    out.color = c;
  }
  if (values.strict) out.strict = true;
  return Object.keys(out).length ? out : undefined;
}

/**
 * The base config with the own data in it: config.dataset holds the source, the preprocessing record and the
 * fingerprint; validation is the data's test split or the held-out last fraction; a regression task trains with
 * mse and reports mae unless the config already chose a regression loss and metrics.
 */
export function configForOwnData(base: Record<string, unknown>, own: OwnData): Record<string, unknown> {
  const c: Record<string, unknown> = structuredClone(base);
  const record = own.config.preprocessing;
  c.dataset = own.config;
  c.validation = record.validation.kind === 'test-split' ? { kind: 'test' } : { kind: 'split', fraction: record.validation.fraction };
  return record.task === 'regression' ? regressionDefaults(c) : c;
}

/** mse and mae, unless the config already chose a regression loss and metrics; no class weights. */
export function regressionDefaults(base: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = structuredClone(base);
  if (c.loss === undefined || isClassificationLoss(String(c.loss))) c.loss = 'mse';
  const metrics = c.metrics as string[] | undefined;
  if (metrics === undefined || metrics.includes('accuracy')) c.metrics = ['mae'];
  c.class_weight = null;
  return c;
}

/** Whether a run's config trains a regression: its own data says so, or its catalog dataset is one. */
export function isRegressionConfig(dataset: { name: string } & Record<string, unknown>): boolean {
  return ownDatasetOf(dataset)?.preprocessing.task === 'regression' || findCatalogEntry(dataset.name)?.task === 'regression';
}

/**
 * Why a config cannot train: a classification loss (cross-entropy) on a regression dataset, whose targets are
 * real numbers, not classes. Undefined when the loss fits the task.
 */
export function regressionLossProblem(config: { dataset: { name: string } & Record<string, unknown>; loss: string }): string | undefined {
  if (!isClassificationLoss(config.loss) || !isRegressionConfig(config.dataset)) return undefined;
  return `loss ${config.loss} needs class labels, but ${config.dataset.name} is a regression dataset (real-valued targets): use loss mse (or mae/huber) with metric mae`;
}

/** A regression epoch as --json prints it: loss, mae, val_loss, val_mae (no accuracy). */
export function regressionEpoch(l: Record<string, number>): { loss: number | null; mae: number | null; val_loss: number | null; val_mae: number | null } {
  return { loss: l.loss ?? null, mae: l.mae ?? null, val_loss: l.val_loss ?? null, val_mae: l.val_mae ?? null };
}

/** The final line of a regression run: validation MAE and RMSE (the root of val mse, the loss or a metric). */
export function regressionSummary(l: Record<string, number>, loss: string): string {
  const mse = loss === 'mse' ? l.val_loss : l.val_mse;
  const parts = [
    `val MAE ${l.val_mae === undefined ? 'n/a (add the mae metric)' : l.val_mae.toFixed(4)}`,
    `val RMSE ${mse === undefined ? 'n/a (add the mse metric)' : Math.sqrt(mse).toFixed(4)}`,
  ];
  return `regression result (last epoch): ${parts.join(', ')}`;
}

/**
 * A config (a project's) that trains on own data records the data's fingerprint: when the files changed since, the
 * run still applies the stored preprocessing, and the user should know. Undefined when nothing changed (or no record).
 */
export async function dataChangedWarning(base: Record<string, unknown>): Promise<string | undefined> {
  const dataset = base.dataset as ({ name: string } & Record<string, unknown>) | undefined;
  const own = dataset && ownDatasetOf(dataset);
  if (!own?.fingerprint) return undefined;
  const roots = [own.source.path, ...(own.source.test_path ? [own.source.test_path] : [])];
  let now;
  try {
    now = await fingerprintOf(roots);
  } catch (err) {
    return `the data at ${own.source.path} cannot be read (${(err as Error).message}): restore it, or pass --dataset PATH`;
  }
  if (now.sha256 === own.fingerprint.sha256) return undefined;
  return (
    `the data at ${own.source.path} changed since this configuration was made (${own.fingerprint.files} files, ${own.fingerprint.bytes} bytes then; ` +
    `${now.files} files, ${now.bytes} bytes now): the stored preprocessing (standardisation, classes) is applied as it was; pass --dataset ${own.source.path} to fit it again`
  );
}
