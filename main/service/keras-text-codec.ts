/**
 * The text view's codec for a run on the catalog's imdb or reuters: Keras' word index (obtained and verified like
 * the .npz) with the run's load_data options (config.dataset.text: num_words, skip_top, start_char, oov_char,
 * index_from; Keras' defaults where it sets none), typed
 * sentences split as Keras' text_to_word_sequence and padded as pad_sequences ('pre'), as the run's data was. What
 * the run needs is its config (dataset name and config.dataset.text) and the verified files in the dataset cache,
 * the same files its validation samples come from.
 */
import { decodeKerasIds, encodeKerasText, padPre, wordsById } from '../../shared/text/keras-word-index';
import type { TrainingConfig } from '../../shared/training';
import { validationSplit } from '../datasets/preprocess';
import { catalogEntryFor, loadDataset } from '../datasets/index';
import { catalogTextOptions } from '../datasets/keras-text-catalog';
import { catalogTextInput } from '../datasets/keras-text-coding';
import { loadWordIndex } from '../datasets/keras-word-index';
import type { DatasetSourceOptions } from './protocol';
import { rowsOf, type TextCodec } from './text-codec';

const FREQUENT = 40;

/** The codec of a run on a catalog text dataset; null for any other run. */
export async function kerasTextCodec(config: TrainingConfig, source: DatasetSourceOptions): Promise<TextCodec | null> {
  const dataset = config.dataset as Record<string, unknown>;
  if (dataset['source'] !== undefined) return null;
  let entry;
  try {
    entry = catalogEntryFor(config.dataset.name, source.catalog);
  } catch {
    return null;
  }
  const layout = entry.layout;
  if (layout.kind !== 'keras-text') return null;
  const options = catalogTextOptions(dataset) ?? {};
  const { coding, sequenceLength, multiHot } = catalogTextInput(dataset, layout);
  const index = await loadWordIndex(entry, source);
  const ranks = new Map(Object.entries(index));
  const words = wordsById(index, coding);
  const size = coding.numWords ?? Math.max(0, ...words.keys()) + 1;
  const byRank = [...ranks].sort((a, b) => a[1] - b[1]);
  return {
    size,
    // The most frequent words the run kept (skip_top turned the very most frequent into oov_char).
    frequent: byRank
      .filter(([, rank]) => rank + coding.indexFrom >= coding.skipTop && rank + coding.indexFrom < size)
      .slice(0, FREQUENT)
      .map(([w]) => w),
    sentence(text) {
      const ids = encodeKerasText(text, ranks, coding);
      if (multiHot) {
        const row = new Array<number>(size).fill(0);
        for (const id of ids) if (id < size) row[id] = 1;
        return { ids, input: row };
      }
      const input = padPre(ids, sequenceLength);
      return { ids: input, input };
    },
    decode: (ids) => decodeKerasIds(ids, words, coding),
    multiHot,
    idOf(word) {
      const w = word.toLowerCase().trim();
      const rank = ranks.get(w);
      if (rank === undefined) return `'${word}' is not in the ${entry.name} word index: pick one of the frequent words`;
      const id = rank + coding.indexFrom;
      if (id >= size) return `'${word}' is word ${rank} of ${entry.name}, beyond the run's num_words=${size}: the model saw it as unknown; pick a more frequent word`;
      if (id < coding.skipTop) return `'${word}' is word ${rank} of ${entry.name}, among the run's skip_top=${coding.skipTop} most frequent ids: the model saw it as unknown; pick a less frequent word`;
      return id;
    },
    wordOf: (id) => words.get(id),
    firstWordId: Math.max(coding.indexFrom + 1, coding.skipTop),
    classNames: entry.classNames,
    async validation() {
      const d = await loadDataset(config.dataset.name, {
        ...source,
        text: options,
        limitTrain: config.limit_train ?? undefined,
        limitTest: config.limit_test ?? undefined,
      });
      if (config.validation.kind === 'test') return d.test!;
      // The feeder's seeded shuffle (feed.ts): the same rows, in the same order, as the confusion report's indices.
      return rowsOf(d.train, validationSplit(d.train.count, config.validation.fraction, config.seed).validation);
    },
  };
}
