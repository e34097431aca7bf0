/**
 * Where an export may write: a new or empty folder; a folder holding an earlier export of the same model (its
 * marker file says so; the files written again are reported as replaced); any folder with `force`. Anything else
 * is refused, so an export never silently overwrites someone's README.md or train.py.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ExportError } from './types';

export const MARKER = '.layerlab-export.json';

const MarkerSchema = z.object({ origin: z.string(), format: z.string(), files: z.array(z.string()) });
export type ExportMarker = z.output<typeof MarkerSchema>;

export interface OutDirState {
  /** Files already in the folder before the export (names, not paths). */
  existing: Set<string>;
}

async function readMarker(outDir: string): Promise<ExportMarker | undefined> {
  try {
    const parsed = MarkerSchema.safeParse(JSON.parse(await readFile(join(outDir, MARKER), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Checks (and creates) the output folder; throws an ExportError naming the folder and the way out when refused. */
export async function claimOutDir(outDir: string, origin: string, force: boolean): Promise<OutDirState> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ExportError(`cannot read the output folder '${outDir}': ${(err as Error).message}`);
    await mkdir(outDir, { recursive: true });
    return { existing: new Set() };
  }
  const existing = new Set(entries);
  if (entries.length === 0 || force) return { existing };
  const marker = await readMarker(outDir);
  if (marker && marker.origin === origin) return { existing };
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
  const whose = marker ? `an export of '${marker.origin}', not of '${origin}'` : `files that no Layerlab export of '${origin}' wrote (${shown})`;
  throw new ExportError(`the output folder '${outDir}' holds ${whose}; export into a new or empty folder, or pass --force (API: force) to write into it anyway.`);
}

/** Records what was exported from where, so the next export of the same model may replace it. */
export async function writeMarker(outDir: string, marker: ExportMarker): Promise<void> {
  await writeFile(join(outDir, MARKER), `${JSON.stringify(marker, null, 1)}\n`);
}
