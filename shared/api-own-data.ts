/**
 * The API's part for the user's own data: a dataset card for a path (datasets.inspect) and a listing of the
 * files and folders a path may name (datasets.browse), both confined to the folders the backend may use.
 */
import { z } from 'zod';
import { Path } from './api-base';
import { DataSourceSchema, type DataKind, type OwnDatasetConfig, type Task } from './data-preprocessing';

/** What the user typed in the "Your data..." form: DataSourceSchema without `kind` (detected from the path). */
export const InspectParamsSchema = DataSourceSchema.omit({ kind: true }).extend({
  path: Path,
  test_path: Path.optional(),
  label_column: z.string().min(1).max(256).optional(),
  /** The project file the data is for: the card's config then names the data relative to it where it can. */
  project: Path.optional(),
});
export type InspectParams = z.output<typeof InspectParamsSchema>;

/** Everything the window shows about the user's data before training on it. */
export interface DatasetCard {
  /** Ready to be put in a TrainingConfig as `dataset` (absolute paths, the fitted preprocessing, a fingerprint). */
  config: OwnDatasetConfig;
  kind: DataKind;
  task: Task;
  /** Samples that train, and that validate (the held-out last fraction or the test split). */
  splits: { train: number; validation: number };
  sampleShape: number[];
  /** Classification: each class with its count in the training part. */
  classes?: { name: string; count: number }[];
  /** Regression: the training targets' range and a 20-bin histogram over it. */
  target?: { min: number; max: number; histogram: number[] };
  /** Tables: each input column and how it is encoded. */
  features?: { name: string; type: 'numeric' | 'one-hot'; categories?: string[] }[];
  /** Images: the first few training images, PNG as base64, with their class. */
  images?: { png: string; label: string }[];
  /** Text: the first training samples as the model sees them (ids decoded back to words, [UNK] for unknown ones). */
  texts?: { text: string; label: string }[];
  /** Text: the vocabulary's size (padding and [UNK] included) and its most frequent words. */
  vocabulary?: { size: number; top: string[] };
  /** Tables: the header and the first rows as they are in the file. */
  table?: { columns: string[]; rows: string[][] };
  warnings: string[];
}

export const BrowseParamsSchema = z.strictObject({ path: Path.optional() });

export interface BrowseEntry {
  name: string;
  /** Absolute path, to pass back as a path. */
  path: string;
  type: 'folder' | 'file';
  /** What the data would be read as, for files with a known extension. */
  dataKind?: DataKind;
}

export interface BrowseResult {
  /** The folder listed (absolute). */
  path: string;
  /** Its parent, when that is still inside the allowed folders. */
  parent?: string;
  entries: BrowseEntry[];
}
