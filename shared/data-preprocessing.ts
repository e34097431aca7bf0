/**
 * The user's own data, as a run records it: where the data is (DataSource) and everything done to it before the
 * model sees it (DataPreprocessing: task, label column, standardisation, one-hot columns, image size and colour,
 * validation split, classes). One JSON-serialisable record, stored in a run's config under `dataset`, so that
 * predictions and exported programs apply exactly what training applied.
 *
 * Pure: zod only (no Node, no DOM, no tfjs).
 */
import { z } from 'zod';
import { textVectorizationSchema } from './text/vectorization';

export const DATA_PREPROCESSING_VERSION = 1;

/** 'text': a CSV with a text column, or a folder of .txt files per class (aclImdb layout), tokenized. */
export const DATA_KINDS = ['image-folder', 'csv', 'npz', 'npy', 'idx', 'text'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const TaskSchema = z.enum(['classification', 'regression'], { error: "task must be 'classification' or 'regression'" });
export type Task = z.output<typeof TaskSchema>;

/** Most classes a classification label may name (labels 0..K-1, K <= this). */
export const MAX_CLASSES = 10_000;

/** One feature column of a table, in model-input order after one-hot expansion. */
export const FeatureColumnSchema = z.discriminatedUnion('type', [
  /** x' = (x - mean) / std, mean and std of the training split (std 1 where a column is constant). */
  z.strictObject({ name: z.string(), type: z.literal('numeric'), mean: z.number(), std: z.number().positive() }),
  /** One input per category, in this order: 1 for the row's category, 0 for the others (unseen: all 0). */
  z.strictObject({ name: z.string(), type: z.literal('one-hot'), categories: z.array(z.string()).min(1) }),
]);
export type FeatureColumn = z.output<typeof FeatureColumnSchema>;

export const ValidationRecordSchema = z.discriminatedUnion('kind', [
  /** Keras' validation_split: the LAST `fraction` of the rows, in file order, before any shuffling. */
  z.strictObject({ kind: z.literal('last-fraction'), fraction: z.number().gt(0).lt(1) }),
  /** The data's own test split (a --test path, an .npz's x_test/y_test, a test/ folder). */
  z.strictObject({ kind: z.literal('test-split') }),
]);
export type ValidationRecord = z.output<typeof ValidationRecordSchema>;

export const DataPreprocessingSchema = z.strictObject({
  version: z.literal(DATA_PREPROCESSING_VERSION).default(DATA_PREPROCESSING_VERSION),
  kind: z.enum(DATA_KINDS),
  task: TaskSchema,
  /** Shape of one sample as the model receives it (after one-hot expansion), channels last. */
  sample_shape: z.array(z.number().int().positive()),
  validation: ValidationRecordSchema,
  /** Classification: class names in label order. */
  class_names: z.array(z.string()).max(MAX_CLASSES).optional(),
  /** Tables: the label column's name. */
  label_column: z.string().optional(),
  /** Tables: the feature columns in input order. */
  features: z.array(FeatureColumnSchema).optional(),
  /** Images (folders and IDX): decoded to this size and colour, then scaled by 1/255. */
  image: z
    .strictObject({ height: z.number().int().positive(), width: z.number().int().positive(), color: z.enum(['grayscale', 'rgb']) })
    .optional(),
  /** Regression: the training targets' range (for the dashboard's axes). */
  target: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  /** Text: the CSV's text column (absent for folders of .txt files). */
  text_column: z.string().optional(),
  /** Text: the tokenizer with the vocabulary adapted on the training split; predictions map a sentence with it. */
  text: textVectorizationSchema.optional(),
});
export type DataPreprocessing = z.output<typeof DataPreprocessingSchema>;

/** Where the data is and how the user asked to read it: what `--dataset PATH ...` flags say. */
export const DataSourceSchema = z.strictObject({
  kind: z.enum(DATA_KINDS),
  /** The training data (a file or folder); absolute, or relative to the project file. */
  path: z.string().min(1, { error: 'give the path of a data file or folder' }),
  /** A separate test file or folder (same format), used for validation instead of a fraction. */
  test_path: z.string().min(1).optional(),
  label_column: z.string().min(1).optional(),
  task: TaskSchema.optional(),
  /** Images: [height, width]. */
  image_size: z.tuple([z.number().int().positive().max(4096), z.number().int().positive().max(4096)]).optional(),
  color: z.enum(['grayscale', 'rgb']).optional(),
  /** Refuse files that are not images instead of skipping them with a warning. */
  strict: z.boolean().optional(),
  /** Held-out last fraction when there is no test split. */
  validation_split: z.number().gt(0).lt(1).optional(),
  /** Text: the CSV column with the text (default: the string column with the most words per row). */
  text_column: z.string().min(1).max(256).optional(),
  /** Text: vocabulary size, padding and OOV included (Keras' max_tokens; default 10000). */
  max_tokens: z.number().int().min(3).max(1_000_000).optional(),
  /** Text: ids per sample, padded with 0 / truncated at the end (default 200). */
  sequence_length: z.number().int().positive().max(100_000).optional(),
  /** Text: one 0/1 input per vocabulary word (bag of words) instead of a sequence of ids. */
  multi_hot: z.boolean().optional(),
});
export type DataSource = z.output<typeof DataSourceSchema>;

/** Size and sha256 of the data's files, to warn when the data changed since a run. */
export const DataFingerprintSchema = z.strictObject({
  bytes: z.number().int().min(0),
  files: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DataFingerprint = z.output<typeof DataFingerprintSchema>;

/** What a run's `config.dataset` holds for the user's own data (catalog datasets have only `name`). */
export const OwnDatasetConfigSchema = z.strictObject({
  name: z.string().min(1),
  source: DataSourceSchema,
  preprocessing: DataPreprocessingSchema,
  fingerprint: DataFingerprintSchema.optional(),
});
export type OwnDatasetConfig = z.output<typeof OwnDatasetConfigSchema>;

/** The own-data record of a run's config.dataset, or undefined for a catalog dataset. Throws on a malformed one. */
export function ownDatasetOf(dataset: { name: string } & Record<string, unknown>): OwnDatasetConfig | undefined {
  if (dataset.source === undefined) return undefined;
  const parsed = OwnDatasetConfigSchema.safeParse(dataset);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`config.dataset.${first.path.join('.')}: ${first.message}`);
  }
  return parsed.data;
}
