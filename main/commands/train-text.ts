/**
 * `layerlab train ... --max-tokens N --sequence-length L --multi-hot --text-column C --num-words N`: the text flags.
 * On the user's own text they shape the tokenizer (DataSource fields, stored with the run); on the catalog's imdb
 * and reuters they are Keras' load_data options and pad_sequences' length, stored in config.dataset.text so the
 * worker, a resumed run and predictions load the data the same way.
 */
import { findCatalogEntry } from '../datasets/catalog';
import { CatalogTextSchema } from '../datasets/keras-text-catalog';

export const TEXT_OPTIONS = {
  'text-column': { type: 'string' },
  'max-tokens': { type: 'string' },
  'sequence-length': { type: 'string' },
  'multi-hot': { type: 'boolean' },
  'num-words': { type: 'string' },
} as const;

export interface TextFlags {
  text_column?: string;
  max_tokens?: number;
  sequence_length?: number;
  multi_hot?: boolean;
  num_words?: number;
}

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
    const given = Object.keys(catalogFlags).map((k) => `--${k.replace(/_/g, '-')}`).join(', ');
    throw new Error(`${given} apply to text datasets (imdb, reuters, or your own text); ${datasetName} is not text`);
  }
  return { ...config, dataset: { ...config.dataset, text: CatalogTextSchema.parse(catalogFlags) } };
}
