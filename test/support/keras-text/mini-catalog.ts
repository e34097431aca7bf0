/**
 * The catalog's imdb and reuters entries for small generated files in Keras' layout: same names, files and layout
 * as the real entries, with the generated files' own checksums, and a mirror folder holding them under the official
 * file names. The official files cannot be downloaded on the test machines; everything else (verification, cache,
 * load_data, the word index) is the real path. Two sets: 'mini' (test/fixtures/keras-text, make_fixtures.py: random
 * ids, for the loader's algorithm) and 'debian' (test/fixtures/keras-text-debian, make_debian_text.py: real
 * sentences of debian-package-sections, for training that must learn).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCatalogEntry, type CatalogEntry } from '../../../main/datasets/catalog';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

type TextSet = 'mini' | 'debian';
const SETS: Record<TextSet, { dir: string; files: Record<'imdb' | 'reuters', Record<string, string>> }> = {
  mini: {
    dir: 'keras-text',
    files: {
      imdb: { 'imdb.npz': 'imdb-mini.npz', 'imdb_word_index.json': 'imdb-mini_word_index.json' },
      reuters: { 'reuters.npz': 'reuters-mini.npz', 'reuters_word_index.json': 'reuters-mini_word_index.json' },
    },
  },
  debian: {
    dir: 'keras-text-debian',
    files: {
      imdb: { 'imdb.npz': 'debian-imdb.npz', 'imdb_word_index.json': 'debian-imdb_word_index.json' },
      reuters: { 'reuters.npz': 'debian-reuters.npz', 'reuters_word_index.json': 'debian-reuters_word_index.json' },
    },
  },
};

/** Copies the generated files into `mirror/<name>/` and returns the entries that verify them. */
export function miniTextCatalog(mirror: string, set: TextSet = 'mini'): CatalogEntry[] {
  const { dir, files: names } = SETS[set];
  return (['imdb', 'reuters'] as const).map((name) => {
    const real = getCatalogEntry(name);
    mkdirSync(join(mirror, name), { recursive: true });
    const files = real.files.map((f) => {
      const source = join(fixtures, dir, names[name][f.name]!);
      copyFileSync(source, join(mirror, name, f.name));
      const bytes = readFileSync(source);
      const hash = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
      // The same kind of hash as the real entry lists (Keras publishes md5 for the word index).
      return { ...f, bytes: bytes.length, ...(f.sha256 ? { sha256: hash('sha256') } : {}), ...(f.md5 ? { md5: hash('md5') } : {}) };
    });
    return { ...real, files };
  });
}

/**
 * The environment under which a child `layerlab` reads these entries' files as the catalog's imdb and reuters:
 * the mirror, offline, and LAYERLAB_CATALOG_OVERRIDES (written to `dir`) with their checksums.
 */
export function textCatalogEnv(dir: string, set: TextSet): Record<string, string> {
  const mirror = join(dir, `${set}-mirror`);
  const overrides = miniTextCatalog(mirror, set).map((e) => ({ name: e.name, files: e.files.map(({ urls: _urls, ...f }) => f) }));
  const file = join(dir, `${set}-catalog-overrides.json`);
  writeFileSync(file, JSON.stringify(overrides));
  return { LAYERLAB_DATASET_MIRROR: mirror, LAYERLAB_OFFLINE: '1', LAYERLAB_CATALOG_OVERRIDES: file };
}
