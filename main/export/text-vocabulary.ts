/**
 * vocabulary.json of an export whose run was trained on text: everything a program needs to turn a sentence into the
 * model's input exactly as Layerlab did, with no Layerlab code. One self-describing layout for both kinds of text:
 * - own text (a CSV text column or .txt folders): the run's stored TextVectorization; words[id] is its vocabulary
 *   ('' padding at 0, '[UNK]' at 1), ids padded with 0 and cut after the words ('post');
 * - the catalog's imdb/reuters: Keras' word index as load_data coded it for the run (start_char, oov_char,
 *   index_from, num_words); words[id] is the word load_data gives that id (null where none), padded and cut before
 *   the words ('pre', pad_sequences).
 * `standardize` gives the tokenizer as regular expressions (lower case, strip, split), so the exported
 * text-encoder.js is generic and a reader in another language can follow the same rules.
 */
import { ownDatasetOf } from '../../shared/data-preprocessing';
import { FILTERS, wordsById } from '../../shared/text/keras-word-index';
import { PUNCTUATION } from '../../shared/text/vectorization';
import type { TrainingConfig } from '../../shared/training';
import { catalogEntryFor } from '../datasets/index';
import { catalogTextInput } from '../datasets/keras-text-coding';
import { loadWordIndex } from '../datasets/keras-word-index';
import type { ExportDatasetSource } from './types';

export const VOCABULARY_FILE = 'vocabulary.json';

export interface VocabularyFile {
  format: 'layerlab-text-vocabulary';
  version: 1;
  source: 'own-text' | 'keras-word-index';
  /** The catalog dataset whose word index this is (keras-word-index only). */
  dataset?: string;
  /** Lower case, then every match of `strip` replaced by `strip_with`, then split at `split`; empty tokens dropped. */
  standardize: { lowercase: true; strip: string; strip_with: string; split: string };
  output_mode: 'int' | 'multi_hot';
  /** Ids per sample ('int'). */
  sequence_length: number | null;
  /** Which end gets the padding zeros and which end is cut when a sentence is longer. */
  padding: 'pre' | 'post';
  truncating: 'pre' | 'post';
  padding_id: 0;
  /** The id of a word outside the vocabulary; null: such words are dropped. */
  oov_id: number | null;
  /** An id put before the words (Keras' start_char); null: none. */
  start_id: number | null;
  /** Width of a multi-hot row: ids at or beyond it are left out. */
  width: number;
  /** Own text: the vocabulary size the run asked for (--max-tokens). */
  max_tokens?: number | null;
  /** Keras' load_data options the run used. */
  num_words?: number | null;
  skip_top?: number;
  index_from?: number;
  /** words[id]: the word of each id (null: no word has that id). */
  words: (string | null)[];
  class_names?: string[];
}

/** The vocabulary file of a run on text, or null when the run was not trained on text (or no run is exported). */
export async function textVocabulary(training: TrainingConfig | undefined, datasets: ExportDatasetSource = {}): Promise<VocabularyFile | null> {
  if (!training) return null;
  const own = ownDatasetOf(training.dataset);
  if (own) {
    const v = own.preprocessing.text;
    if (!v) return null;
    return {
      format: 'layerlab-text-vocabulary', version: 1, source: 'own-text',
      standardize: { lowercase: true, strip: PUNCTUATION.source, strip_with: '', split: '\\s+' },
      output_mode: v.outputMode, sequence_length: v.outputMode === 'int' ? v.sequenceLength : null,
      padding: 'post', truncating: 'post', padding_id: 0, oov_id: 1, start_id: null,
      width: v.vocabulary.length, max_tokens: v.maxTokens, words: v.vocabulary,
      ...(own.preprocessing.class_names ? { class_names: own.preprocessing.class_names } : {}),
    };
  }
  const dataset = training.dataset as Record<string, unknown>;
  if (dataset.source !== undefined) return null;
  let entry;
  try {
    entry = catalogEntryFor(training.dataset.name, datasets.catalog);
  } catch {
    return null;
  }
  if (entry.layout.kind !== 'keras-text') return null;
  const { coding, sequenceLength, multiHot } = catalogTextInput(dataset, entry.layout);
  const byId = wordsById(await loadWordIndex(entry, datasets), coding);
  const width = coding.numWords ?? Math.max(0, ...byId.keys()) + 1;
  const words = Array.from({ length: width }, (_, id) => byId.get(id) ?? null);
  return {
    format: 'layerlab-text-vocabulary', version: 1, source: 'keras-word-index', dataset: entry.name,
    standardize: { lowercase: true, strip: FILTERS.source, strip_with: ' ', split: ' ' },
    output_mode: multiHot ? 'multi_hot' : 'int', sequence_length: multiHot ? null : sequenceLength,
    padding: 'pre', truncating: 'pre', padding_id: 0, oov_id: coding.oovChar, start_id: coding.startChar,
    width, num_words: coding.numWords, skip_top: coding.skipTop, index_from: coding.indexFrom, words,
    class_names: entry.classNames,
  };
}
