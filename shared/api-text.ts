/**
 * The API's part for the dashboard's text view (a run trained on text): a typed sentence's prediction through the
 * run's stored tokenizer, validation samples decoded back to words, and the Embedding's nearest words (cosine) or a
 * 2-D PCA map of its most frequent words.
 */
import { z } from 'zod';
import { API_LIMITS, Id, NonNegInt } from './api-base';

export const TextViewParamsSchema = z.strictObject({
  runId: Id,
  /** Classify this sentence (tokenized with the run's vocabulary). */
  sentence: z.string().max(API_LIMITS.text).optional(),
  /** The words nearest to this one in the run's first Embedding. */
  word: z.string().min(1).max(200).optional(),
  count: z.int().min(1).max(50).default(10),
  /** A 2-D PCA of the first Embedding's rows of the most frequent words (the map). */
  map: z.boolean().default(false),
  /** Validation samples (indices as the confusion report gives them) to decode. */
  indices: z.array(NonNegInt).max(64).default([]),
});
export type TextViewParams = z.input<typeof TextViewParamsSchema>;

export interface TextViewResult {
  vocabularySize: number;
  /** The most frequent words (for picking one). */
  frequent: string[];
  /** The sentence as the model sees it (unknown words as [UNK], cut at the sequence length) and its prediction. */
  sentence?: { seen: string; probabilities: number[]; predicted: number };
  nearest?: { word: string; similarity: number }[];
  /** The most frequent words on the two principal axes of their Embedding rows, and each axis' share of variance. */
  map?: { points: { word: string; x: number; y: number }[]; explained: [number, number] };
  texts: { index: number; text: string }[];
  classNames?: string[];
}
