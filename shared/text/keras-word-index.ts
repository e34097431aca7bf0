/**
 * Keras' imdb and reuters word ids as words, and typed text as those ids, with Keras' conventions
 * (keras/src/datasets/imdb.py, reuters.py, get_word_index): the word index JSON maps a word to its frequency rank
 * (1 = most frequent); load_data shifts every rank by index_from (3), marks each sequence's start with start_char (1),
 * and writes oov_char (2) for words at or beyond num_words (and below skip_top). Ids 0 (padding), 1 and 2 are never
 * words. Text is split as Keras' text_to_word_sequence splits it (lower case, its filter characters as spaces),
 * the tokenizer that built these indices. Pure TypeScript: the service and the window share it.
 */
import { z } from 'zod';

/** The options of load_data that decide the ids (Keras' defaults in KERAS_TEXT_DEFAULTS). */
export interface KerasTextCoding {
  /** Ids at or beyond it are oov_char; null keeps every word. */
  numWords: number | null;
  skipTop: number;
  startChar: number | null;
  oovChar: number | null;
  indexFrom: number;
}

export const KERAS_TEXT_DEFAULTS: Omit<KerasTextCoding, 'numWords'> = { skipTop: 0, startChar: 1, oovChar: 2, indexFrom: 3 };

/** What imdb_word_index.json and reuters_word_index.json hold: word -> rank (1-based, unique). */
export const wordIndexSchema = z.record(z.string(), z.number().int().positive());
export type WordIndex = z.infer<typeof wordIndexSchema>;

/** What the unknown and the cut-off words read as (the own-text tokenizer's spelling too). */
export const OOV_WORD = '[UNK]';

// keras.preprocessing.text.text_to_word_sequence's default filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'.
export const FILTERS = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~\t\n]/g;

/** text_to_word_sequence: lower case, filter characters become spaces, split on spaces (apostrophes stay: "it's"). */
export function kerasWords(text: string): string[] {
  return text.toLowerCase().replace(FILTERS, ' ').split(' ').filter((w) => w.length > 0);
}

/** load_data's last step, on every id (start_char too): kept inside [skip_top, num_words), else oov_char. */
function cutId(id: number, c: KerasTextCoding): number | null {
  const kept = id >= c.skipTop && (c.numWords === null || id < c.numWords);
  return kept ? id : c.oovChar;
}

/** The id load_data gives a word of this rank: rank + index_from, or oov_char outside [skip_top, num_words). */
function idOfRank(rank: number | undefined, c: KerasTextCoding): number | null {
  return rank === undefined ? c.oovChar : cutId(rank + c.indexFrom, c);
}

/**
 * A typed sentence as load_data would have given it: start_char, then each word's id (oov_char for unknown words
 * and those cut by num_words; dropped when oov_char is null, as Keras drops them).
 */
export function encodeKerasText(sentence: string, index: ReadonlyMap<string, number>, c: KerasTextCoding): number[] {
  const ids = kerasWords(sentence).flatMap((w) => {
    const id = idOfRank(index.get(w), c);
    return id === null ? [] : [id];
  });
  // Keras cuts start_char like any id: below skip_top it becomes oov_char.
  const start = c.startChar === null ? null : cutId(c.startChar, c);
  return start === null ? ids : [start, ...ids];
}

/** Id -> word for every id below num_words (all ids with num_words null): the table decoding needs. */
export function wordsById(index: WordIndex, c: KerasTextCoding): Map<number, string> {
  const out = new Map<number, string>();
  for (const [word, rank] of Object.entries(index)) {
    const id = idOfRank(rank, c);
    if (id !== null && id !== c.oovChar) out.set(id, word);
  }
  return out;
}

/** Ids back to words: padding (0) and start_char dropped, oov_char (and any id without a word) as [UNK]. */
export function decodeKerasIds(ids: ArrayLike<number>, words: ReadonlyMap<number, string>, c: KerasTextCoding): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === 0 || id === c.startChar) continue;
    out.push(words.get(id) ?? OOV_WORD);
  }
  return out.join(' ');
}

/** keras.utils.pad_sequences with its defaults: pad with 0 and truncate at the start ('pre'). */
export function padPre(ids: readonly number[], length: number): number[] {
  const kept = ids.length > length ? ids.slice(ids.length - length) : ids;
  return [...new Array<number>(length - kept.length).fill(0), ...kept];
}
