/**
 * The catalog's imdb and reuters entries for the small generated files in Keras' layout (test/fixtures/keras-text,
 * written by make_fixtures.py): same names, files and layout as the real entries, with the generated files' own
 * checksums, and a mirror folder holding them under the official file names. The official files cannot be
 * downloaded on the test machines; everything else (verification, cache, load_data, the word index) is the real path.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCatalogEntry, type CatalogEntry } from '../../../main/datasets/catalog';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/keras-text');

const FILES: Record<'imdb' | 'reuters', Record<string, string>> = {
  imdb: { 'imdb.npz': 'imdb-mini.npz', 'imdb_word_index.json': 'imdb-mini_word_index.json' },
  reuters: { 'reuters.npz': 'reuters-mini.npz', 'reuters_word_index.json': 'reuters-mini_word_index.json' },
};

/** Copies the generated files into `mirror/<name>/` and returns the entries that verify them. */
export function miniTextCatalog(mirror: string): CatalogEntry[] {
  return (['imdb', 'reuters'] as const).map((name) => {
    const real = getCatalogEntry(name);
    mkdirSync(join(mirror, name), { recursive: true });
    const files = real.files.map((f) => {
      const source = join(fixtures, FILES[name][f.name]!);
      copyFileSync(source, join(mirror, name, f.name));
      const bytes = readFileSync(source);
      const hash = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
      // The same kind of hash as the real entry lists (Keras publishes md5 for the word index).
      return { ...f, bytes: bytes.length, ...(f.sha256 ? { sha256: hash('sha256') } : {}), ...(f.md5 ? { md5: hash('md5') } : {}) };
    });
    return { ...real, files };
  });
}
