/**
 * Keras' word-index conventions against what Python computes with Keras' own algorithm
 * (test/support/keras-text/make_fixtures.py: text_to_word_sequence, load_data's index_from/start_char/oov_char and
 * num_words cut, pad_sequences): typed sentences encode as Keras would have encoded them, ids decode to the words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeKerasIds,
  encodeKerasText,
  KERAS_TEXT_DEFAULTS,
  kerasWords,
  padPre,
  wordIndexSchema,
  wordsById,
  type KerasTextCoding,
} from '../../../shared/text/keras-word-index';

const fixtures = join(__dirname, '../../fixtures/keras-text');
const index = wordIndexSchema.parse(JSON.parse(readFileSync(join(fixtures, 'imdb-mini_word_index.json'), 'utf8')));
const expected = JSON.parse(readFileSync(join(fixtures, 'word-index-expected.json'), 'utf8')) as Record<string, unknown>;
const ranks = new Map(Object.entries(index));
const coding = (numWords: number | null): KerasTextCoding => ({ numWords, ...KERAS_TEXT_DEFAULTS });

describe("Keras' word index (imdb/reuters)", () => {
  it('splits as text_to_word_sequence: lower case, punctuation as spaces, apostrophes kept', () => {
    expect(kerasWords("This movie was GREAT -- it's the best film, don't miss it!")).toEqual(['this', 'movie', 'was', 'great', "it's", 'the', 'best', 'film', "don't", 'miss', 'it']);
  });

  it("encodes typed sentences as load_data encodes a review: start_char, rank + index_from, oov_char (Python's ids)", () => {
    const sentences = expected['sentences'] as string[];
    expect(sentences.map((s) => encodeKerasText(s, ranks, coding(null)))).toEqual(expected['sentences encoded']);
    expect(sentences.map((s) => encodeKerasText(s, ranks, coding(20)))).toEqual(expected['sentences encoded num_words=20']);
    expect(sentences.map((s) => padPre(encodeKerasText(s, ranks, coding(20)), 12))).toEqual(expected['sentences padded to 12 num_words=20']);
    // 'the' is rank 1: id 4; an unknown word is oov_char 2; every sentence starts with start_char 1.
    expect(encodeKerasText('the zyxxy', ranks, coding(null))).toEqual([1, 4, 2]);
  });

  it('decodes ids to words: padding and start_char dropped, oov_char and cut words as [UNK] (as Python decodes them)', () => {
    const words = wordsById(index, coding(20));
    const ids = expected['imdb num_words=20 x_train[:3]'] as number[][];
    expect(ids.map((x) => decodeKerasIds(x, words, coding(20)))).toEqual(expected['imdb num_words=20 x_train[:3] decoded']);
    expect(decodeKerasIds([0, 0, 1, 4, 2, 5], words, coding(20))).toBe('the [UNK] and');
    // num_words cuts the table too: rank 17 is id 20, which a num_words=20 run never saw.
    expect(words.has(19)).toBe(true);
    expect(words.has(20)).toBe(false);
  });

  it('refuses a file that is not a word index', () => {
    expect(wordIndexSchema.safeParse({ the: 1, and: 'two' }).success).toBe(false);
    expect(wordIndexSchema.safeParse({ the: 0 }).success).toBe(false);
  });
});
