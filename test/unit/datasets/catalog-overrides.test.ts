/** LAYERLAB_CATALOG_OVERRIDES: stand-in checksums for a catalog dataset's files, never an unverified file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../main/datasets/catalog';
import { withCatalogOverrides } from '../../../main/datasets/catalog-overrides';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-overrides-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const imdb = catalog.find((e) => e.name === 'imdb')!;
const sha = 'a'.repeat(64);

function envWith(name: string, content: unknown): NodeJS.ProcessEnv {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { LAYERLAB_CATALOG_OVERRIDES: file };
}

describe('withCatalogOverrides', () => {
  it('replaces the named file\'s size and checksum, keeps its URLs and the other files', () => {
    const entry = withCatalogOverrides(imdb, envWith('ok.json', [{ name: 'imdb', files: [{ name: 'imdb.npz', bytes: 12, sha256: sha }] }]));
    expect(entry.files[0]).toEqual({ name: 'imdb.npz', bytes: 12, sha256: sha, urls: imdb.files[0]!.urls });
    expect(entry.files[1]).toEqual(imdb.files[1]);
    expect(entry.layout).toEqual(imdb.layout);
  });

  it('leaves entries alone without the variable or without an override of their name', () => {
    expect(withCatalogOverrides(imdb, {})).toBe(imdb);
    expect(withCatalogOverrides(imdb, envWith('other.json', [{ name: 'reuters', files: [{ name: 'reuters.npz', bytes: 1, sha256: sha }] }]))).toBe(imdb);
  });

  it('refuses a file without a checksum, a file the dataset does not have, and a file that is not JSON', () => {
    expect(() => withCatalogOverrides(imdb, envWith('nosum.json', [{ name: 'imdb', files: [{ name: 'imdb.npz', bytes: 1 }] }]))).toThrow(/needs a sha256 or an md5: files are never used unverified/);
    expect(() => withCatalogOverrides(imdb, envWith('unknown.json', [{ name: 'imdb', files: [{ name: 'imdb.tgz', bytes: 1, sha256: sha }] }]))).toThrow(
      /imdb has no file imdb\.tgz \(its files: imdb\.npz, imdb_word_index\.json\)/,
    );
    expect(() => withCatalogOverrides(imdb, envWith('bad.json', '{'))).toThrow(/cannot be read as JSON .*: fix the file or unset the variable/);
  });
});
