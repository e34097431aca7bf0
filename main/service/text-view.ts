/**
 * training.text: the dashboard's text view of a run trained on text (own data with a stored tokenizer, or the
 * catalog's imdb/reuters through Keras' word index). A typed sentence goes through the run's tokenizer to the run's
 * worker, as a prediction; validation samples (the confusion report's indices) are decoded back to words as the
 * model saw them; the words nearest to one are those whose Embedding rows have the highest cosine similarity to its
 * row, and the map is a 2-D PCA of the most frequent words' rows.
 */
import { ApiError } from '../../shared/api';
import type { TextViewParams, TextViewResult } from '../../shared/api-text';
import { ownDatasetOf } from '../../shared/data-preprocessing';
import type { TrainingConfig } from '../../shared/training';
import { principalPlane } from '../../shared/text/principal-plane';
import { decode, encode, tokenIndex, type TextVectorization } from '../../shared/text/vectorization';
import { openOwnData } from '../datasets/own-data';
import type { LoadedSplit } from '../datasets/types';
import { kerasTextCodec } from './keras-text-codec';
import type { DatasetSourceOptions } from './protocol';
import type { RunManager } from './runs';
import type { TextCodec } from './text-codec';

const FREQUENT = 40;

/** One sentence as the model's input: [sequence length] ids, or the multi-hot row. */
function sentenceInput(v: TextVectorization, sentence: string): { ids: number[]; input: number[] } {
  const ids = encode(sentence, tokenIndex(v));
  if (v.outputMode === 'multi_hot') {
    const row = new Array<number>(v.vocabulary.length).fill(0);
    for (const id of ids) row[id] = 1;
    return { ids, input: row };
  }
  const length = v.sequenceLength ?? ids.length;
  const cut = ids.slice(0, length);
  return { ids: cut, input: [...cut, ...new Array<number>(length - cut.length).fill(0)] };
}

/** Cosine similarity of row `id` with every row of the [V, D] matrix that `isWord` accepts; the `count` best. */
export function nearestRows(matrix: Float32Array, dim: number, id: number, count: number, isWord: (row: number) => boolean = (r) => r >= 2): { id: number; similarity: number }[] {
  const rows = matrix.length / dim;
  const norm = (r: number) => Math.sqrt(matrix.subarray(r * dim, (r + 1) * dim).reduce((s, x) => s + x * x, 0)) || 1;
  const target = matrix.subarray(id * dim, (id + 1) * dim);
  const targetNorm = norm(id);
  const out: { id: number; similarity: number }[] = [];
  for (let r = 0; r < rows; r++) {
    if (r === id || !isWord(r)) continue;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += target[k]! * matrix[r * dim + k]!;
    out.push({ id: r, similarity: dot / (targetNorm * norm(r)) });
  }
  return out.sort((a, b) => b.similarity - a.similarity).slice(0, count);
}

/**
 * The run's validation split as training used it (feed.ts): the test split, or the last fraction of the training
 * rows the run kept (its first limit_train rows).
 */
async function ownValidationSplit(config: TrainingConfig): Promise<LoadedSplit> {
  const own = ownDatasetOf(config.dataset)!;
  const { dataset } = await openOwnData(own.source, { stored: own.preprocessing });
  if (own.preprocessing.validation.kind === 'test-split') return dataset.test!;
  const train = dataset.train;
  const kept = Math.min(train.count, config.limit_train ?? Infinity);
  const first = kept - Math.round(kept * own.preprocessing.validation.fraction);
  const per = train.sampleShape.reduce((a, b) => a * b, 1);
  return { ...train, x: train.x.subarray(first * per, kept * per), y: train.y.subarray(first, kept), count: kept - first };
}

/** Own text: the TextVectorization stored with the run. */
function ownTextCodec(config: TrainingConfig): TextCodec | null {
  const own = ownDatasetOf(config.dataset);
  const v = own?.preprocessing.text;
  if (!v) return null;
  const index = tokenIndex(v);
  return {
    size: v.vocabulary.length,
    frequent: v.vocabulary.slice(2, 2 + FREQUENT),
    sentence: (text) => sentenceInput(v, text),
    decode: (ids) => decode(v, ids),
    multiHot: v.outputMode === 'multi_hot',
    idOf(word) {
      const id = index.get(word.toLowerCase().trim());
      return id === undefined || id < 2 ? `'${word}' is not in the run's vocabulary of ${v.vocabulary.length} words: pick one of the frequent words` : id;
    },
    wordOf: (id) => v.vocabulary[id],
    firstWordId: 2,
    ...(own.preprocessing.class_names ? { classNames: own.preprocessing.class_names } : {}),
    validation: () => ownValidationSplit(config),
  };
}

async function codecOf(config: TrainingConfig, runId: string, source: DatasetSourceOptions): Promise<TextCodec> {
  const codec = ownTextCodec(config) ?? (await kerasTextCodec(config, source));
  if (!codec) {
    throw new ApiError(
      'invalid-params',
      `run ${runId} was not trained on text (own text data: a CSV with a text column or folders of .txt files; or the catalog's imdb or reuters)`,
    );
  }
  return codec;
}

export async function textView(runs: RunManager, params: TextViewParams, source: DatasetSourceOptions = {}): Promise<TextViewResult> {
  const { runId, sentence, word, count = 10, indices = [] } = params;
  const { config, weights } = await runs.weights(runId);
  const codec = await codecOf(config, runId, source);
  const result: TextViewResult = { vocabularySize: codec.size, frequent: codec.frequent, texts: [], ...(codec.classNames ? { classNames: codec.classNames } : {}) };
  if (sentence !== undefined && sentence.trim()) {
    const { ids, input } = codec.sentence(sentence);
    const p = await runs.predict(runId, input, [input.length]);
    result.sentence = { seen: codec.decode(ids), probabilities: p.probabilities, predicted: p.predicted };
  }
  const embeddingOf = (what: string) => {
    const embedding = weights.find((w) => /(^|\/)embeddings(_\d+)?$/.test(w.name));
    if (!embedding) throw new ApiError('invalid-params', `run ${runId}'s model has no Embedding layer: ${what} need one`);
    return embedding;
  };
  if (word !== undefined) {
    const embedding = embeddingOf('nearest words');
    const id = codec.idOf(word);
    if (typeof id === 'string') throw new ApiError('invalid-params', id);
    const dim = embedding.shape[1]!;
    if (id >= embedding.shape[0]!) throw new ApiError('invalid-params', `'${word}' has id ${id}, beyond the Embedding's ${embedding.shape[0]} rows: raise input_dim to the vocabulary size (${codec.size})`);
    // Rows without a word (padding, markers; ids of a word index that has fewer words than rows) are left out.
    const isWord = (r: number): boolean => r >= codec.firstWordId && codec.wordOf(r) !== undefined;
    result.nearest = nearestRows(embedding.data, dim, id, count, isWord).map((n) => ({ word: codec.wordOf(n.id)!, similarity: n.similarity }));
  }
  if (params.map) {
    const embedding = embeddingOf('the map of words');
    // The frequent words that have a row (a word index can rank words beyond the Embedding's input_dim).
    const words = codec.frequent.flatMap((w) => {
      const id = codec.idOf(w);
      return typeof id === 'number' && id < embedding.shape[0]! ? [{ word: w, id }] : [];
    });
    const plane = principalPlane(embedding.data, embedding.shape[1]!, words.map((w) => w.id));
    result.map = { points: words.map((w, i) => ({ word: w.word, x: plane.points[i]![0], y: plane.points[i]![1] })), explained: plane.explained };
  }
  if (indices.length) {
    const split = await codec.validation();
    const per = split.sampleShape.reduce((a, b) => a * b, 1);
    result.texts = indices.filter((i) => i < split.count).map((index) => {
      const row = split.x.subarray(index * per, (index + 1) * per);
      const ids = codec.multiHot ? Array.from(row.keys()).filter((k) => row[k] === 1) : row;
      return { index, text: codec.decode(ids) };
    });
  }
  return result;
}
