/**
 * TensorBoard exports into a folder, as the other formats export: the folder is claimed first (new, empty, an
 * earlier export of the same origin, or --force) and marked afterwards. Two sources: a project's stored runs
 * (from-project.ts, with the HParams of its sweeps), or one run as the server holds it (its history and weights).
 */
import { join } from 'node:path';
import type { EpochRecord } from '../../../shared/api';
import type { ModelSpec } from '../../../shared/graph/types';
import { claimOutDir, MARKER, writeMarker } from '../out-dir';
import type { NamedWeight } from '../types';
import { layerClasses, weightEvents } from './from-stored-run';
import { writeTelemetryEvents } from './from-telemetry';
import type { TensorboardExport } from './from-project';

export type { TensorboardExport } from './from-project';

/** Runs `write` into `outDir` once it is claimed for `origin`; lists the files it replaced. */
export async function intoTensorboardFolder(outDir: string, origin: string, force: boolean, write: () => Promise<TensorboardExport>): Promise<TensorboardExport & { replaced: string[] }> {
  const { existing } = await claimOutDir(outDir, origin, force);
  const result = await write();
  await writeMarker(outDir, { origin, format: 'tensorboard', files: result.files });
  return { ...result, replaced: result.files.filter((f) => existing.has(f) && f !== MARKER) };
}

/** One run as the server holds it: its epochs, and its weights' histograms and filter pictures at its last epoch. */
export interface LiveRun {
  id: string;
  /** When it started (ISO). */
  started: string;
  history: readonly EpochRecord[];
  spec: ModelSpec;
  weights?: readonly NamedWeight[];
}

export async function exportRunTensorboard(outDir: string, run: LiveRun): Promise<TensorboardExport> {
  const events = run.history.map((h) => ({ type: 'epoch' as const, ...h }));
  const last = run.history.at(-1)?.epoch ?? 0;
  const all = run.weights ? [...events, ...weightEvents(run.weights, layerClasses(run.spec), last)] : events;
  const file = await writeTelemetryEvents(join(outDir, run.id.replace(/[^\w.-]/g, '_')), all, { startTime: Date.parse(run.started) / 1000 || Date.now() / 1000 });
  const notes = run.weights ? ['histograms and filter pictures are of the run\'s final weights'] : ['the run has no weights loaded: its scalars only'];
  return { outDir, files: [file.slice(outDir.length + 1)], notes };
}
