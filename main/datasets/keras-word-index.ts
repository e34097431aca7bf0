/**
 * The word index of Keras' text datasets (imdb_word_index.json, reuters_word_index.json: word -> frequency rank),
 * obtained like the .npz beside it (cache, mirror or download; verified against the catalog's published hash),
 * read once per verified file. shared/text/keras-word-index.ts turns it into ids and words.
 */
import { readFile } from 'node:fs/promises';
import { wordIndexSchema, type WordIndex } from '../../shared/text/keras-word-index';
import type { CatalogEntry } from './catalog';
import { DatasetError, FormatError } from './errors';
import { obtainFile, type SourceOptions } from './store';

const parsed = new Map<string, WordIndex>();

export async function loadWordIndex(entry: CatalogEntry, opts: SourceOptions = {}): Promise<WordIndex> {
  const layout = entry.layout;
  if (layout.kind !== 'keras-text') throw new DatasetError(`${entry.name} is not a text dataset: it has no word index (imdb and reuters have one).`);
  const file = entry.files.find((f) => f.name === layout.wordIndex);
  if (!file) throw new Error(`catalog entry ${entry.name} lists no file ${layout.wordIndex}`);
  const { path } = await obtainFile(entry, file, opts);
  const key = `${path}\0${file.sha256 ?? file.md5}`;
  const known = parsed.get(key);
  if (known) return known;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FormatError(`is not JSON (${(err as Error).message}); expected Keras' word index {"word": rank, ...}.`, path);
  }
  const result = wordIndexSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new FormatError(`is not Keras' word index {"word": rank, ...}: ${issue.path.join('.') || 'the file'}: ${issue.message}.`, path);
  }
  parsed.set(key, result.data);
  return result.data;
}
