/**
 * config.dataset.text for the catalog's imdb and reuters: Keras' load_data options under Keras' names (num_words,
 * skip_top, maxlen, seed, start_char, oov_char, index_from), pad_sequences' length and the multi-hot switch. One
 * schema for the CLI, the window's text settings and the engine, with the errors Keras gives for a bad value
 * (main/datasets/keras-text.ts checks the same at load time). Pure: zod only.
 */
import { z } from 'zod';
import { KERAS_TEXT_DEFAULTS, type KerasTextCoding } from './keras-word-index';

/** load_data's own defaults (keras/src/datasets/imdb.py): seed 113 shuffles, no sequence dropped, no word skipped. */
export const KERAS_LOAD_DEFAULTS = { skip_top: 0, maxlen: null, seed: 113, start_char: 1, oov_char: 2, index_from: 3 } as const;

/** The largest seed numpy's RandomState takes. */
const SEED_MAX = 2 ** 32 - 1;

/** A whole number >= min, refused as Keras words it: `skip_top must be an integer >= 0. Received: skip_top=-1`. */
function kerasInt(name: string, min: number, what: string, max = Number.MAX_SAFE_INTEGER) {
  const message = (input: unknown) => `${name} must be ${what}. Received: ${name}=${JSON.stringify(input)}`;
  return z
    .number({ error: (issue) => message(issue.input) })
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: (issue) => message(issue.input) });
}

export const CatalogTextSchema = z.strictObject({
  /** Keep the num_words most frequent words (the catalog's default: 10,000); rarer ones become oov_char. */
  num_words: kerasInt('num_words', 1, 'a positive integer or empty').optional(),
  /** pad_sequences' length: ids per sample, padded and truncated at the start (the catalog's default: 200). */
  sequence_length: kerasInt('sequence_length', 1, 'a positive integer').optional(),
  /** One 0/1 input per word id below num_words (the Reuters MLP's vectorize_sequences) instead of ids. */
  multi_hot: z.boolean().optional(),
  /** The skip_top most frequent words become oov_char too (they are mostly 'the', 'and', ...). */
  skip_top: kerasInt('skip_top', 0, 'an integer >= 0').optional(),
  /** Drop the sequences that are maxlen ids long or longer (start_char counted). */
  maxlen: kerasInt('maxlen', 1, 'a positive integer or empty').nullable().optional(),
  /** numpy RandomState seed of load_data's shuffle (the training seed shuffles batches, not this). */
  seed: kerasInt('seed', 0, `an integer in [0, ${SEED_MAX}]`, SEED_MAX).optional(),
  /** Marks each sequence's start; null: no mark. */
  start_char: kerasInt('start_char', 0, 'an integer >= 0 or empty').nullable().optional(),
  /** Stands for the words cut by num_words and skip_top; null: those words are left out. */
  oov_char: kerasInt('oov_char', 0, 'an integer >= 0 or empty').nullable().optional(),
  /** Word ids start above it: a word of frequency rank r gets id r + index_from. */
  index_from: kerasInt('index_from', 0, 'an integer >= 0').optional(),
});
export type CatalogText = z.output<typeof CatalogTextSchema>;

/** config.dataset.text checked, or the first problem as `config.dataset.text: <Keras' message>`. */
export function parseCatalogText(text: unknown): CatalogText {
  const parsed = CatalogTextSchema.safeParse(text);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `.${issue.path.join('.')}` : '';
    throw new Error(`config.dataset.text${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** How a run's ids read as words: its num_words (else the catalog's) and its load_data options (else Keras'). */
export function catalogTextCoding(text: CatalogText | undefined, catalogNumWords: number): KerasTextCoding {
  const t = text ?? {};
  return {
    numWords: t.num_words ?? catalogNumWords,
    skipTop: t.skip_top ?? KERAS_TEXT_DEFAULTS.skipTop,
    startChar: t.start_char === undefined ? KERAS_TEXT_DEFAULTS.startChar : t.start_char,
    oovChar: t.oov_char === undefined ? KERAS_TEXT_DEFAULTS.oovChar : t.oov_char,
    indexFrom: t.index_from ?? KERAS_TEXT_DEFAULTS.indexFrom,
  };
}
