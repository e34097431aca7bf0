/**
 * Label checks for the user's own data, made BEFORE anything is allocated by a label's value: one pass over the
 * labels with a fixed amount of memory (at most 101 distinct values remembered), so a label of 2147483647 or -3 is
 * an error message, not an out-of-memory crash or a class named -3.
 */
import { MAX_CLASSES, type Task } from '../../shared/data-preprocessing';
import { DatasetError } from './errors';

/** Integer labels with at most this many distinct values are a classification task (unless --task says otherwise). */
export const MAX_INFERRED_CLASSES = 100;

export interface LabelSummary {
  integral: boolean;
  /** Distinct values, capped: MAX_INFERRED_CLASSES + 1 means "more than MAX_INFERRED_CLASSES". */
  distinct: number;
  min: number;
  max: number;
}

/** One pass, constant memory. */
export function summariseLabels(y: ArrayLike<number>): LabelSummary {
  const seen = new Set<number>();
  let integral = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v)) integral = false;
    if (v < min) min = v;
    if (v > max) max = v;
    if (seen.size <= MAX_INFERRED_CLASSES) seen.add(v);
  }
  return { integral, distinct: seen.size, min, max };
}

/** Integers with at most 100 distinct values: classification; anything else: regression. */
export function inferTask(s: LabelSummary): Task {
  return s.integral && s.distinct <= MAX_INFERRED_CLASSES ? 'classification' : 'regression';
}

/**
 * Checks classification labels are integers 0..K-1 with K <= MAX_CLASSES and returns K (max + 1). The error names
 * the first bad value and where it is (`where(i)`, e.g. "row 12" or "y_train[12]").
 */
export function checkClassLabels(y: ArrayLike<number>, where: (i: number) => string, file?: string): number {
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) {
      const why = !Number.isInteger(v)
        ? `is not a whole number`
        : v < 0
          ? `is negative`
          : `is too large (at most ${MAX_CLASSES} classes, labels 0..${MAX_CLASSES - 1})`;
      throw new DatasetError(
        `${file ? `${file}: ` : ''}label ${v} at ${where(i)} ${why}: classification labels must be the class numbers 0..K-1. ` +
          `Renumber the classes from 0, or pass --task regression if these are values to predict.`,
        file,
      );
    }
    if (v > max) max = v;
  }
  if (max < 0) throw new DatasetError(`${file ? `${file}: ` : ''}has no labels: the data holds 0 samples.`, file);
  return max + 1;
}

/** Class names '0'..'K-1' for labels already checked by checkClassLabels (so K <= MAX_CLASSES). */
export function numberedClassNames(...ys: (ArrayLike<number> | undefined)[]): string[] {
  let max = 0;
  for (const y of ys) if (y) for (let i = 0; i < y.length; i++) if (y[i]! > max) max = y[i]!;
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}
