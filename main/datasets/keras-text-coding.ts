/**
 * How a run on the catalog's imdb or reuters turned words into its input: load_data's coding (the run's num_words,
 * Keras' start/oov/index_from) and the input's form (padded length or multi-hot). One reading of the run's config,
 * for the text view's codec and for the exports' vocabulary file. (Only num_words of load_data's options reaches
 * config.dataset.text so far; the others take Keras' defaults here, as in the loader.)
 */
import { KERAS_TEXT_DEFAULTS, type KerasTextCoding } from '../../shared/text/keras-word-index';
import type { CatalogLayout } from './catalog';
import { catalogTextOptions } from './keras-text-catalog';

export interface CatalogTextInput {
  coding: KerasTextCoding;
  sequenceLength: number;
  multiHot: boolean;
}

export function catalogTextInput(dataset: Record<string, unknown>, layout: Extract<CatalogLayout, { kind: 'keras-text' }>): CatalogTextInput {
  const options = catalogTextOptions(dataset) ?? {};
  return {
    coding: { numWords: options.num_words ?? layout.numWords, ...KERAS_TEXT_DEFAULTS },
    sequenceLength: options.sequenceLength ?? layout.sequenceLength,
    multiHot: options.multiHot ?? false,
  };
}
