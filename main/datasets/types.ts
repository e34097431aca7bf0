/**
 * What the dataset manager hands to training. Pixel data stays uint8 until it is normalised into one
 * Float32Array (see the preprocessing module); labels are class indices (or regression targets for CSV data).
 */
export interface LoadedSplit {
  /** Raw values, row-major, one sample after another: N * prod(sampleShape). */
  x: Uint8Array | Float32Array;
  /** Class index per sample (Uint8/Int32) or regression target (Float32). */
  y: Uint8Array | Int32Array | Float32Array;
  /** Shape of one sample, channels last, e.g. [28, 28, 1] or [32, 32, 3] or [13] for tabular data. */
  sampleShape: number[];
  count: number;
}

export interface LoadedDataset {
  name: string;
  train: LoadedSplit;
  test?: LoadedSplit;
  /** Class names in label order; absent for regression. */
  classNames?: string[];
  /** Absent means classification (every catalog dataset); CSV imports may be regression. */
  task?: 'classification' | 'regression';
  /** Column names of tabular (CSV) features, in sample order. */
  featureNames?: string[];
  /** Token ids (an Embedding's input) or multi-hot words: fed as they are, never scaled or standardised. */
  raw?: boolean;
  /** Things the user should know that did not stop loading (e.g. skipped files that are not images). */
  warnings?: string[];
  /**
   * Set for the user's own data: the validation fraction is the LAST rows in file order (Keras' validation_split),
   * not a seeded shuffle; and, for tables, the training split's standardisation, used instead of fitting one.
   */
  own?: { validation: 'last'; normaliser?: { offset: Float32Array; scale: Float32Array } };
}
