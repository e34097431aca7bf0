/**
 * A run's stored telemetry (shared/format/telemetry.ts) in a project file: runs/<id>/telemetry.json.gz, written
 * gzipped and stored uncompressed in the zip, so saves copy it as it is. Read only when a run's dashboard is opened
 * (or exported), never when the project opens.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseOrThrow, storedTelemetrySchema, type StoredTelemetry } from '../../shared/format';
import type { RunEvent } from '../../shared/run-events';
import type { TelemetryEvent } from '../../shared/telemetry';
import { jsonBoundsProblem } from '../../shared/json-bounds';
import { ProjectFileError } from './errors';
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
    const name = entryName(runId);
    if (!reader.has(name)) return null;
    return decodeTelemetry(path, runId, await reader.read(name, MAX_TELEMETRY_BYTES));
  } finally {
    await reader.close();
  }
}


/**
 * The stored run's events one by one as the engine reports them (each epoch's histograms and filters ungrouped),
 * the form main/export/tensorboard/from-telemetry.ts writes: epoch metrics, thinned batch losses, weight and
 * gradient histograms, filter pictures, activations, confusion matrices, warnings and notices, in epoch order.
 */
export function telemetryEventsOf(events: readonly RunEvent[]): TelemetryEvent[] {
  return events.flatMap((e): TelemetryEvent[] => (e.type === 'histograms' ? e.histograms : e.type === 'filters' ? e.layers : [e]));
}
