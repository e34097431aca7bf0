/**
 * `layerlab train ... --max-tokens N --sequence-length L --multi-hot --text-column C --num-words N` and Keras'
 * other load_data options (--skip-top, --maxlen, --shuffle-seed, --start-char, --oov-char, --index-from): the text flags.
 * On the user's own text they shape the tokenizer (DataSource fields, stored with the run); on the catalog's imdb
 * and reuters they are Keras' load_data options and pad_sequences' length, stored in config.dataset.text so the
 * worker, a resumed run and predictions load the data the same way.
 */
import { parseCatalogText, type CatalogText } from '../../shared/text/catalog-text';
import { findCatalogEntry } from '../datasets/catalog';

export const TEXT_OPTIONS = {
  'text-column': { type: 'string' },
  'max-tokens': { type: 'string' },
  'sequence-length': { type: 'string' },
  'multi-hot': { type: 'boolean' },
  'num-words': { type: 'string' },
  'skip-top': { type: 'string' },
  maxlen: { type: 'string' },
  // load_data's `seed`: --seed is the training seed (weights, batch order) already.
  'shuffle-seed': { type: 'string' },
  'start-char': { type: 'string' },
  'oov-char': { type: 'string' },
  'index-from': { type: 'string' },
} as const;

/** imdb/reuters' load_data flags and the config.dataset.text key each one sets (Keras' names). */
const KERAS_FLAGS = {
  'skip-top': 'skip_top',
  maxlen: 'maxlen',
  'shuffle-seed': 'seed',
  'start-char': 'start_char',
  'oov-char': 'oov_char',
  'index-from': 'index_from',
} as const satisfies Partial<Record<keyof typeof TEXT_OPTIONS, keyof CatalogText>>;

/** Flags that Keras lets be None (`--start-char none`: no start mark; `--oov-char none`: cut words left out). */
const NULLABLE: ReadonlySet<string> = new Set(['maxlen', 'start-char', 'oov-char']);

export type TextFlags = {
  text_column?: string;
  max_tokens?: number;
} & CatalogText;

type Values = { [K in keyof typeof TEXT_OPTIONS]?: (typeof TEXT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function whole(flag: string, v: string | undefined, min: number, example: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be a whole number >= ${min}, e.g. ${example}; got '${v}'`);
  return n;
}

/** The text flags given, checked; empty when none is. */
export function textFlags(values: Values): TextFlags {
  const out: TextFlags = {};
  if (values['text-column'] !== undefined) out.text_column = values['text-column'];
  const maxTokens = whole('max-tokens', values['max-tokens'], 3, 10000);
  if (maxTokens !== undefined) out.max_tokens = maxTokens;
  const length = whole('sequence-length', values['sequence-length'], 1, 200);
  if (length !== undefined) out.sequence_length = length;
  if (values['multi-hot']) out.multi_hot = true;
  const numWords = whole('num-words', values['num-words'], 1, 10000);
  if (numWords !== undefined) out.num_words = numWords;
  for (const [flag, key] of Object.entries(KERAS_FLAGS) as [keyof typeof KERAS_FLAGS, (typeof KERAS_FLAGS)[keyof typeof KERAS_FLAGS]][]) {
    const v = values[flag];
    if (v === undefined) continue;
    // The value goes to the one schema (shared/text/catalog-text.ts), whose errors are Keras' own.
    // Not a number: the text itself goes to the schema, so the message shows what was typed.
    const value = NULLABLE.has(flag) && v.trim().toLowerCase() === 'none' ? null : v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    try {
      Object.assign(out, parseCatalogText({ [key]: value }));
    } catch (err) {
      throw new Error(`--${flag} '${v}': ${(err as Error).message.replace(/^config\.dataset\.text\.[a-z_]+: /, '')}`, { cause: err });
    }
  }
  return out;
}

/**
 * The config with a catalog text dataset's options in config.dataset.text; the flags that only own text takes
 * (--text-column, --max-tokens) and text flags on a dataset that is not text are refused, naming the fix.
 */
export function withCatalogText<C extends { dataset: { name: string } & Record<string, unknown> }>(config: C, flags: TextFlags): C {
  const datasetName = config.dataset.name;
  const { text_column, max_tokens, ...catalogFlags } = flags;
  if (text_column !== undefined || max_tokens !== undefined) {
    throw new Error(`--text-column and --max-tokens apply to your own text (--dataset PATH to a CSV or a folder of .txt files); ${datasetName} comes tokenized: use --num-words`);
  }
  if (Object.keys(catalogFlags).length === 0) return config;
  if (findCatalogEntry(datasetName)?.layout.kind !== 'keras-text') {
    const given = flagNames(catalogFlags).join(', ');
    throw new Error(`${given} apply to text datasets (imdb, reuters, or your own text); ${datasetName} is not text`);
  }
  return { ...config, dataset: { ...config.dataset, text: parseCatalogText(catalogFlags) } };
}

/** The flags own text takes (the tokenizer's); imdb/reuters' load_data flags on own text are refused, naming the fix. */
export function ownTextFlags(flags: TextFlags | undefined): Pick<TextFlags, 'text_column' | 'max_tokens' | 'sequence_length' | 'multi_hot'> {
  const { text_column, max_tokens, sequence_length, multi_hot, ...keras } = flags ?? {};
  const given = flagNames(keras);
  if (given.length) {
    throw new Error(`${given.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to imdb and reuters; for your own text use --max-tokens (the vocabulary size)`);
  }
  return { ...(text_column !== undefined ? { text_column } : {}), ...(max_tokens !== undefined ? { max_tokens } : {}), ...(sequence_length !== undefined ? { sequence_length } : {}), ...(multi_hot ? { multi_hot } : {}) };
}

/** The CLI flags that set these keys (text's seed is --shuffle-seed, the rest the key with dashes). */
export function flagNames(flags: object): string[] {
  return Object.keys(flags).map((key) => `--${Object.entries(KERAS_FLAGS).find(([, k]) => k === key)?.[0] ?? key.replace(/_/g, '-')}`);
}
