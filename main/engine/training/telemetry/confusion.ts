/**
 * Confusion matrix, per-class precision/recall and the most confidently wrong examples, from predicted class
 * probabilities on validation data. Works on the host: a [n, classes] probability table is small.
 */
import type { ConfidentlyWrong, ConfusionReport } from '../../../../shared/telemetry';

export interface ConfusionInput {
  /** Row-major [samples, classes] probabilities; classes = 1 means a sigmoid output (binary). */
  probabilities: Float32Array;
  classes: number;
  /** Class index per sample. */
  labels: ArrayLike<number>;
  epoch: number;
  classNames?: string[];
  /** How many confidently wrong examples to keep. */
  topWrong: number;
  /** Index of the first sample in the whole validation set, when this is a slice of it. */
  indexOffset?: number;
}

export function confusionReport(input: ConfusionInput): ConfusionReport {
  const binary = input.classes === 1;
  const k = binary ? 2 : input.classes;
  const n = input.labels.length;
  if (input.probabilities.length !== n * input.classes) {
    throw new Error(`confusion matrix: ${input.probabilities.length} probabilities for ${n} labels x ${input.classes} classes: pass predictions and labels of the same samples`);
  }
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const wrong: ConfidentlyWrong[] = [];
  let correct = 0;
  for (let s = 0; s < n; s++) {
    let predicted: number;
    let probability: number;
    if (binary) {
      const p = input.probabilities[s]!;
      predicted = p > 0.5 ? 1 : 0;
      probability = predicted === 1 ? p : 1 - p;
    } else {
      predicted = 0;
      probability = -Infinity;
      const row = s * k;
      for (let c = 0; c < k; c++) {
        const p = input.probabilities[row + c]!;
        if (p > probability) {
          probability = p;
          predicted = c;
        }
      }
    }
    const truth = Math.round(input.labels[s]!);
    if (truth < 0 || truth >= k) throw new Error(`confusion matrix: label ${truth} of sample ${s} is outside 0..${k - 1}: check the label encoding`);
    matrix[truth]![predicted]!++;
    if (truth === predicted) correct++;
    else if (input.topWrong > 0) wrong.push({ index: s + (input.indexOffset ?? 0), trueLabel: truth, predicted, probability });
  }
  wrong.sort((a, b) => b.probability - a.probability);
  const precision: (number | null)[] = [];
  const recall: (number | null)[] = [];
  for (let c = 0; c < k; c++) {
    let predictedC = 0;
    let actualC = 0;
    for (let r = 0; r < k; r++) {
      predictedC += matrix[r]![c]!;
      actualC += matrix[c]![r]!;
    }
    precision.push(predictedC > 0 ? matrix[c]![c]! / predictedC : null);
    recall.push(actualC > 0 ? matrix[c]![c]! / actualC : null);
  }
  return {
    type: 'confusion', epoch: input.epoch, matrix, ...(input.classNames ? { classNames: input.classNames } : {}),
    precision, recall, accuracy: n > 0 ? correct / n : 0, samples: n, confidentlyWrong: wrong.slice(0, input.topWrong),
  };
}

/** Class indices from sparse labels ([n] or [n, 1]) or one-hot rows ([n, classes]). */
export function labelsToIndices(values: ArrayLike<number>, shape: readonly number[]): Int32Array {
  const n = shape[0] ?? 0;
  const width = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const out = new Int32Array(n);
  if (width === 1) {
    for (let i = 0; i < n; i++) out[i] = Math.round(values[i]!);
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[i * width + c]! > values[i * width + best]!) best = c;
    out[i] = best;
  }
  return out;
}
