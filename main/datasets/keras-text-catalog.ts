/**
 * The catalog's text datasets (imdb, reuters) as training takes them: Keras' load_data on the verified .npz, then
 * pad_sequences to one length, so a sample is [sequence length] word ids (float32, exact below 2^24) and the label
 * a class index. The word-index JSON is only needed to show ids as words; it is fetched and verified with the
 * dataset but not read here.
 */
import { parseCatalogText } from '../../shared/text/catalog-text';
import type { CatalogEntry, CatalogLayout } from './catalog';
import { DatasetError } from './errors';
import { loadKerasText, padSequences, type KerasTextOptions } from './keras-text';
import { obtainFile, type SourceOptions } from './store';
import type { LoadedSplit } from './types';

export interface TextLoadOptions extends KerasTextOptions {
  /** Pad (at the start) or truncate (keeping the end) every sequence to this many ids, as pad_sequences. */
  sequenceLength?: number;
  /** Instead of ids: one 0/1 value per word id below num_words (the Reuters MLP exercise's vectorize_sequences). */
  multiHot?: boolean;
}

function split(x: number[][], y: number[], length: number): LoadedSplit {
  const { data } = padSequences(x, length);
  return { x: Float32Array.from(data), y: Int32Array.from(y), sampleShape: [length], count: x.length };
}

/** Deep Learning with Python's vectorize_sequences: results[i, sequence] = 1, width num_words. */
export function multiHotSplit(x: number[][], y: number[], width: number): LoadedSplit {
  const data = new Float32Array(x.length * width);
  x.forEach((seq, row) => {
    for (const id of seq) if (id >= 0 && id < width) data[row * width + id] = 1;
  });
  return { x: data, y: Int32Array.from(y), sampleShape: [width], count: x.length };
}

export async function loadKerasTextSplits(
  entry: CatalogEntry,
  layout: Extract<CatalogLayout, { kind: 'keras-text' }>,
  opts: SourceOptions & { text?: TextLoadOptions },
): Promise<[LoadedSplit, LoadedSplit]> {
  const file = entry.files.find((f) => f.name === layout.npz);
  if (!file) throw new Error(`catalog entry ${entry.name} lists no file ${layout.npz}`);
  const { sequenceLength = layout.sequenceLength, multiHot = false, ...keras } = opts.text ?? {};
  if (!(Number.isInteger(sequenceLength) && sequenceLength > 0)) {
    throw new DatasetError(`--sequence-length must be a positive integer. Received: ${sequenceLength}`);
  }
  const npz = await obtainFile(entry, file, opts);
  const options = { num_words: layout.numWords, ...keras };
  const d = await loadKerasText(layout.loader, npz.path, options);
  if (multiHot) {
    if (!options.num_words) throw new DatasetError('multi-hot vectors need num_words (their width); set it, e.g. 10000.');
    return [multiHotSplit(d.x_train, d.y_train, options.num_words), multiHotSplit(d.x_test, d.y_test, options.num_words)];
  }
  return [split(d.x_train, d.y_train, sequenceLength), split(d.x_test, d.y_test, sequenceLength)];
}

/** The loader options a config's catalog text record asks for (undefined: the catalog's defaults). */
export function catalogTextOptions(dataset: Record<string, unknown>): TextLoadOptions | undefined {
  if (dataset.text === undefined || dataset.source !== undefined) return undefined;
  const { sequence_length, multi_hot, ...keras } = parseCatalogText(dataset.text);
  return {
    ...keras,
    ...(sequence_length !== undefined ? { sequenceLength: sequence_length } : {}),
    ...(multi_hot ? { multiHot: true } : {}),
  };
}
