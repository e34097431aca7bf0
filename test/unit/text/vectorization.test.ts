import { describe, expect, it } from 'vitest';
import {
  adaptVectorization, decode, encode, standardize, textVectorizationSchema, tokenIndex, tokenize, vectorize,
} from '../../../shared/text/vectorization';

describe('TextVectorization as Keras', () => {
  it("standardizes like 'lower_and_strip_punctuation' and splits on whitespace", () => {
    expect(standardize("It's GREAT -- isn't it?! (10/10)")).toBe('its great  isnt it 1010');
    expect(tokenize("It's GREAT -- isn't it?!\n\tYes")).toEqual(['its', 'great', 'isnt', 'it', 'yes']);
  });

  it('adapts the max_tokens - 2 most frequent words after padding and [UNK] (ties alphabetical)', () => {
    const v = adaptVectorization(['b a c a', 'c a d', 'b e'], { maxTokens: 5, sequenceLength: 4 });
    // a:3, b:2, c:2 (b before c), d:1, e:1 cut.
    expect(v.vocabulary).toEqual(['', '[UNK]', 'a', 'b', 'c']);
    expect(encode('A d, c!', tokenIndex(v))).toEqual([2, 1, 4]);
    expect(adaptVectorization(['x y x'], { maxTokens: null, sequenceLength: null }).vocabulary).toEqual(['', '[UNK]', 'x', 'y']);
  });

  it("'int' pads with 0 and truncates at the end to sequence_length; decode drops the padding", () => {
    const v = adaptVectorization(['a b c d e f'], { maxTokens: null, sequenceLength: 4 });
    const { data, sampleShape } = vectorize(v, ['a b', 'a b c d e f', 'zzz']);
    expect(sampleShape).toEqual([4]);
    expect(Array.from(data)).toEqual([2, 3, 0, 0, 2, 3, 4, 5, 1, 0, 0, 0]);
    expect(decode(v, data.subarray(8, 12))).toBe('[UNK]');
    expect(decode(v, data.subarray(0, 4))).toBe('a b');
  });

  it("'multi_hot' marks each id present once (OOV at 1), as the Reuters MLP exercise's bag of words", () => {
    const v = adaptVectorization(['a b c'], { maxTokens: null, sequenceLength: null, outputMode: 'multi_hot' });
    const { data, sampleShape } = vectorize(v, ['c c a zzz', '']);
    expect(sampleShape).toEqual([5]);
    expect(Array.from(data)).toEqual([0, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('is a JSON record the schema reads back, and refuses what it cannot use', () => {
    const v = adaptVectorization(['hello world'], { maxTokens: 10, sequenceLength: 8 });
    expect(textVectorizationSchema.parse(JSON.parse(JSON.stringify(v)))).toEqual(v);
    expect(textVectorizationSchema.safeParse({ ...v, vocabulary: ['hello', 'world'] }).success).toBe(false);
    expect(() => adaptVectorization([], { maxTokens: 2, sequenceLength: 8 })).toThrow(/--max-tokens must be an integer >= 3.*Received: 2/);
    expect(() => adaptVectorization([], { maxTokens: 10, sequenceLength: 0 })).toThrow(/--sequence-length must be a positive integer. Received: 0/);
    expect(() => vectorize({ ...v, sequenceLength: null }, ['x'])).toThrow(/set --sequence-length/);
  });
});
