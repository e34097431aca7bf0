/**
 * Text to numbers as Keras' TextVectorization does it (keras/src/layers/preprocessing/text_vectorization.py), pure
 * TypeScript so the window, training and exports share one implementation:
 * - standardize 'lower_and_strip_punctuation': lower case, then remove ASCII punctuation (Keras' DEFAULT_STRIP_REGEX);
 * - split 'whitespace';
 * - vocabulary adapted on the training split: index 0 = '' (padding), 1 = '[UNK]' (out of vocabulary), then the
 *   max_tokens - 2 most frequent words (ties: alphabetical, so the vocabulary does not depend on row order);
 * - output 'int' (ids padded with 0 / truncated at the end to sequence_length, as TextVectorization does) or
 *   'multi_hot' (1 at every id present, the bag of words of the Reuters MLP exercise).
 * The vocabulary is a JSON record (schema below) kept with the run, so predictions and exports map text the same way.
 */
import { z } from 'zod';

export const PADDING_TOKEN = '';
export const OOV_TOKEN = '[UNK]';

export const textVectorizationSchema = z.object({
  kind: z.literal('text-vectorization'),
  standardize: z.literal('lower_and_strip_punctuation'),
  split: z.literal('whitespace'),
  outputMode: z.enum(['int', 'multi_hot']),
  /** Ids per sample in 'int' mode; null: the longest sample of each batch (not used by training, which needs one). */
  sequenceLength: z.number().int().positive().nullable(),
  maxTokens: z.number().int().min(3).nullable(),
  /** vocabulary[id] is the token; [0] is '' and [1] is '[UNK]'. */
  vocabulary: z
    .array(z.string())
    .min(2)
    .refine((v) => v[0] === PADDING_TOKEN && v[1] === OOV_TOKEN, { message: "vocabulary must start with '' (padding) and '[UNK]' (OOV)" }),
});

export type TextVectorization = z.infer<typeof textVectorizationSchema>;

// keras: DEFAULT_STRIP_REGEX = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
export const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

export function standardize(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '');
}

export function tokenize(text: string): string[] {
  return standardize(text).split(/\s+/).filter((t) => t.length > 0);
}

export interface AdaptOptions {
  /** Vocabulary size including the padding and OOV entries (Keras' max_tokens). null: every word. */
  maxTokens: number | null;
  sequenceLength: number | null;
  outputMode?: 'int' | 'multi_hot';
}

/** Keras' adapt(): the vocabulary of the most frequent words of `texts` (the training split only). */
export function adaptVectorization(texts: Iterable<string>, options: AdaptOptions): TextVectorization {
  if (options.maxTokens !== null && !(Number.isInteger(options.maxTokens) && options.maxTokens >= 3)) {
    throw new Error(`--max-tokens must be an integer >= 3 (padding, OOV and at least one word). Received: ${options.maxTokens}`);
  }
  if (options.sequenceLength !== null && !(Number.isInteger(options.sequenceLength) && options.sequenceLength > 0)) {
    throw new Error(`--sequence-length must be a positive integer. Received: ${options.sequenceLength}`);
  }
  const counts = new Map<string, number>();
  for (const text of texts) for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  counts.delete(OOV_TOKEN.toLowerCase());
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
  const kept = options.maxTokens === null ? words : words.slice(0, options.maxTokens - 2);
  return {
    kind: 'text-vectorization',
    standardize: 'lower_and_strip_punctuation',
    split: 'whitespace',
    outputMode: options.outputMode ?? 'int',
    sequenceLength: options.sequenceLength,
    maxTokens: options.maxTokens,
    vocabulary: [PADDING_TOKEN, OOV_TOKEN, ...kept],
  };
}

/** A lookup from token to id, built once per vocabulary. */
export function tokenIndex(v: TextVectorization): Map<string, number> {
  return new Map(v.vocabulary.map((w, i) => [w, i]));
}

/** The ids of one text (no padding): unknown words are 1. */
export function encode(text: string, index: Map<string, number>): number[] {
  return tokenize(text).map((t) => index.get(t) ?? 1);
}

/**
 * All texts as one row-major array: [n, sequenceLength] ids ('int', padded with 0 and truncated at the end, as
 * TextVectorization's output_sequence_length) or [n, vocabulary size] 0/1 ('multi_hot').
 */
export function vectorize(v: TextVectorization, texts: readonly string[]): { data: Float32Array; sampleShape: [number] } {
  const index = tokenIndex(v);
  if (v.outputMode === 'multi_hot') {
    const width = v.vocabulary.length;
    const data = new Float32Array(texts.length * width);
    texts.forEach((text, row) => {
      for (const id of encode(text, index)) data[row * width + id] = 1;
    });
    return { data, sampleShape: [width] };
  }
  if (v.sequenceLength === null) throw new Error('an int vectorization needs a sequence length to make equal-length samples; set --sequence-length.');
  const length = v.sequenceLength;
  const data = new Float32Array(texts.length * length);
  texts.forEach((text, row) => data.set(encode(text, index).slice(0, length), row * length));
  return { data, sampleShape: [length] };
}

/** Ids back to words, for showing samples (padding dropped). */
export function decode(v: TextVectorization, ids: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id !== 0) out.push(v.vocabulary[id] ?? OOV_TOKEN);
  }
  return out.join(' ');
}
