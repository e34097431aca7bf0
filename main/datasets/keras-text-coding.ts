/**
 * How a run on the catalog's imdb or reuters turned words into its input: load_data's coding (the run's num_words,
 * skip_top, start_char, oov_char, index_from, else Keras' defaults) and the input's form (padded length or multi-hot). One reading of the run's config,
 * for the text view's codec and for the exports' vocabulary file.
 */
import { catalogTextCoding, parseCatalogText } from '../../shared/text/catalog-text';
import type { KerasTextCoding } from '../../shared/text/keras-word-index';
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
    coding: catalogTextCoding(dataset.text === undefined ? undefined : parseCatalogText(dataset.text), layout.numWords),
    sequenceLength: options.sequenceLength ?? layout.sequenceLength,
    multiHot: options.multiHot ?? false,
  };
}
