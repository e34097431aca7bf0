/**
 * How the text view reads a run's text: its tokenizer in both directions, the words the Embedding's rows stand for,
 * and the validation split as training used it. One per kind of text data: own text (a TextVectorization stored
 * with the run) and the catalog's imdb/reuters (keras-text-codec.ts: Keras' word index and load_data conventions).
 */
import type { LoadedSplit } from '../datasets/types';

export interface TextCodec {
  /** How many ids there are (padding and markers included): the Embedding's input_dim the data needs. */
  size: number;
  /** The most frequent words, for picking one. */
  frequent: string[];
  /** A typed sentence: the model's input, and the ids it holds (to show the sentence as the model reads it). */
  sentence(text: string): { ids: number[]; input: number[] };
  /** Ids (padding included) back to words. */
  decode(ids: ArrayLike<number>): string;
  multiHot: boolean;
  /** The id (Embedding row) of a word; a message saying why not, for a word without one. */
  idOf(word: string): number | string;
  wordOf(id: number): string | undefined;
  /** Rows below it are padding and markers (never a nearest word). */
  firstWordId: number;
  classNames?: string[];
  /** The run's validation split as training used it (the confusion report's indices point into it). */
  validation(): Promise<LoadedSplit>;
}

/** Rows `indices` of a split, as one split (the catalog's shuffled validation fraction). */
export function rowsOf(split: LoadedSplit, indices: ArrayLike<number>): LoadedSplit {
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    for (let j = 0; j < per; j++) x[k * per + j] = split.x[i * per + j] as number;
    y[k] = split.y[i] as number;
  }
  return { x, y, sampleShape: split.sampleShape, count: indices.length };
}
