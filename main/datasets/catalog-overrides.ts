/**
 * LAYERLAB_CATALOG_OVERRIDES: a JSON file of catalog files with their own sizes and checksums that stand in for the
 * built-in ones of a dataset, e.g. `[{"name": "imdb", "files": [{"name": "imdb.npz", "bytes": 9405, "sha256": "…"}]}]`.
 * For a site that re-packs a dataset in the same layout, and for tests: the official imdb/reuters files cannot be
 * downloaded on the test machines, and a child `layerlab train` (and its worker thread, which shares the
 * environment) must still verify what it reads. Every file stays checksum-verified; only the expected values change.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CatalogEntry } from './catalog';

const FileSchema = z
  .object({
    name: z.string().min(1),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits').optional(),
    md5: z.string().regex(/^[0-9a-f]{32}$/, 'md5 must be 32 lower-case hex digits').optional(),
  })
  .refine((f) => f.sha256 !== undefined || f.md5 !== undefined, { message: 'each file needs a sha256 or an md5: files are never used unverified' });

const OverridesSchema = z.array(z.object({ name: z.string().min(1), files: z.array(FileSchema).min(1) }));
export type CatalogOverrides = z.infer<typeof OverridesSchema>;

let cached: { path: string; overrides: CatalogOverrides } | undefined;

function readOverrides(path: string): CatalogOverrides {
  if (cached?.path === path) return cached.overrides;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`LAYERLAB_CATALOG_OVERRIDES=${path} cannot be read as JSON (${(err as Error).message}): fix the file or unset the variable`, { cause: err });
  }
  const parsed = OverridesSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`LAYERLAB_CATALOG_OVERRIDES=${path} is not a list of {name, files: [{name, bytes, sha256|md5}]} (${issues}): fix the file or unset the variable`);
  }
  cached = { path, overrides: parsed.data };
  return parsed.data;
}

/** The entry with the files LAYERLAB_CATALOG_OVERRIDES gives for it (download URLs kept from the built-in file). */
export function withCatalogOverrides(entry: CatalogEntry, env: NodeJS.ProcessEnv = process.env): CatalogEntry {
  const path = env.LAYERLAB_CATALOG_OVERRIDES;
  if (!path) return entry;
  const override = readOverrides(path).find((o) => o.name === entry.name);
  if (!override) return entry;
  const files = entry.files.map((f) => {
    const o = override.files.find((x) => x.name === f.name);
    return o ? { name: f.name, bytes: o.bytes, ...(o.sha256 ? { sha256: o.sha256 } : {}), ...(o.md5 ? { md5: o.md5 } : {}), urls: f.urls } : f;
  });
  const unknown = override.files.filter((o) => !entry.files.some((f) => f.name === o.name)).map((o) => o.name);
  if (unknown.length) {
    throw new Error(`LAYERLAB_CATALOG_OVERRIDES=${path}: ${entry.name} has no file ${unknown.join(', ')} (its files: ${entry.files.map((f) => f.name).join(', ')})`);
  }
  return { ...entry, files };
}
