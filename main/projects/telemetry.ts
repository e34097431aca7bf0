/**
 * A run's stored telemetry (shared/format/telemetry.ts) in a project file: runs/<id>/telemetry.json.gz, written
 * gzipped and stored uncompressed in the zip, so saves copy it as it is. Read only when a run's dashboard is opened
 * (or exported), never when the project opens.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseOrThrow, runStatusSchema, storedTelemetrySchema, type RunJson, type StoredTelemetry } from '../../shared/format';
import type { RunEvent } from '../../shared/run-events';
import type { RunState } from '../../shared/run-state';
import { storedRunState } from '../../shared/run-compact';
import type { TelemetryEvent } from '../../shared/telemetry';
import { jsonBoundsProblem } from '../../shared/json-bounds';
import { ProjectFileError } from './errors';
import { liveTelemetry } from './live-run';
import { ZipReader } from './zip-reader';

/** A run's telemetry is a few MB at most (see bench/telemetry-size.ts); more than this is not a genuine one. */
const MAX_TELEMETRY_BYTES = 64 * 2 ** 20;

const entryName = (runId: string) => `runs/${runId}/telemetry.json.gz`;

export function encodeTelemetry(telemetry: StoredTelemetry): Uint8Array {
  return gzipSync(JSON.stringify(telemetry), { level: 6 });
}

export function decodeTelemetry(file: string, runId: string, gz: Uint8Array): StoredTelemetry {
  let value: unknown;
  try {
    // maxOutputLength stops a gzip bomb before it fills memory.
    value = JSON.parse(gunzipSync(gz, { maxOutputLength: MAX_TELEMETRY_BYTES }).toString('utf8'));
  } catch (err) {
    throw new ProjectFileError('corrupt', file, `${entryName(runId)} cannot be read (${(err as Error).message}): the run's dashboard is lost, its history and weights are not.`, { cause: err });
  }
  const problem = jsonBoundsProblem(value);
  if (problem) throw new ProjectFileError('invalid', file, `${entryName(runId)} is ${problem}: it is not a genuine run telemetry.`);
  try {
    return parseOrThrow(storedTelemetrySchema, value, entryName(runId));
  } catch (err) {
    throw new ProjectFileError('invalid', file, (err as Error).message, { cause: err });
  }
}

/** The stored telemetry of run `runId` in the project file at `path`, or null when the run has none. */
export async function readRunTelemetry(path: string, runId: string): Promise<StoredTelemetry | null> {
  const reader = await ZipReader.open(path);
  try {
    // A run still training, or killed, has newer telemetry beside the file than in it (live-run.ts).
    const meta = `runs/${runId}/run.json`;
    const status = reader.has(meta) ? statusOf(await reader.read(meta, MAX_TELEMETRY_BYTES)) : undefined;
    const live = await liveTelemetry(path, runId, status);
    if (live) return decodeTelemetry(live.file, runId, live.bytes);
    const name = entryName(runId);
    if (!reader.has(name)) return null;
    return decodeTelemetry(path, runId, await reader.read(name, MAX_TELEMETRY_BYTES));
  } finally {
    await reader.close();
  }
}

/** run.json's status, as far as the live files need it (the whole entry is checked where the project is opened). */
function statusOf(bytes: Uint8Array): RunJson['status'] | undefined {
  try {
    const parsed = runStatusSchema.safeParse((JSON.parse(Buffer.from(bytes).toString('utf8')) as { status?: unknown }).status);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stored run as its dashboard showed it: the state its events rebuild (shared/run-state.ts), or null when it
 * stored no telemetry.
 * @internal Tests read a stored run back with it; the app rebuilds the state through training.telemetry.
 */
export async function readRunState(path: string, runId: string): Promise<RunState | null> {
  const stored = await readRunTelemetry(path, runId);
  return stored ? storedRunState(stored) : null;
}

/**
 * The stored run's events one by one as the engine reports them (each epoch's histograms and filters ungrouped),
 * the form main/export/tensorboard/from-telemetry.ts writes: epoch metrics, thinned batch losses, weight and
 * gradient histograms, filter pictures, activations, confusion matrices, warnings and notices, in epoch order.
 */
export function telemetryEventsOf(events: readonly RunEvent[]): TelemetryEvent[] {
  return events.flatMap((e): TelemetryEvent[] => (e.type === 'histograms' ? e.histograms : e.type === 'filters' ? e.layers : [e]));
}
