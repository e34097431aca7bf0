/**
 * The `.layerlab` file: a zip of project.json and, per run, runs/<id>/run.json + model.json + weights.bin.
 * Opening reads only the JSON documents; weights are read per run on demand (`readRunWeights`). Saving streams
 * entries one by one and copies unchanged runs' weights from the file they are in without decoding them.
 */
import { strFromU8, strToU8 } from 'fflate';
import {
  CURRENT_FORMAT_VERSION,
  FutureFormatError,
  ProjectFormatError,
  migrateProject,
  migrateRun,
  parseOrThrow,
  projectSchema,
  runSchema,
  tfjsModelJsonSchema,
  weightsByteLength,
  type RunJson,
} from '../../shared/format';
import { jsonBoundsProblem, jsonSyntaxProblem } from '../../shared/json-bounds';
import { writeFileAtomically, type AtomicWriteOptions } from './atomic-file';
import { ProjectFileError } from './errors';
import { foldLiveRuns } from './live-run';
import { pinRunNumbers } from './run-numbers';
import { markInterrupted } from './trainer';
import type { ProjectDocument, ProjectRun, StoredWeights, TelemetrySource, WeightsSource } from './types';
import { encodeTelemetry } from './telemetry';
import { ZipReader } from './zip-reader';
import { writeZip, type ZipSource } from './zip-writer';

export const PROJECT_ENTRY = 'project.json';
export const runEntries = (id: string) => ({
  meta: `runs/${id}/run.json`,
  model: `runs/${id}/model.json`,
  weights: `runs/${id}/weights.bin`,
  /** The best epoch's weights when they are not the final ones; read with model.json (same topology and manifest). */
  bestWeights: `runs/${id}/best-weights.bin`,
  /** Gzipped JSON kept as a stored entry, so saves copy it from file to file without inflating it. */
  telemetry: `runs/${id}/telemetry.json.gz`,
});

/** JSON documents are small; anything larger than this in one is not a genuine project. */
const MAX_JSON_BYTES = 64 * 2 ** 20;
/** project.json holds the graph, settings and sweeps: the window sends at most 4 M characters of it. */
const MAX_PROJECT_JSON_BYTES = 32 * 2 ** 20;

function parseJson(reader: ZipReader, entry: string, bytes: Uint8Array): unknown {
  let value: unknown;
  try {
    value = JSON.parse(strFromU8(bytes));
  } catch (err) {
    throw new ProjectFileError('invalid', reader.file, `${entry} is not valid JSON (${jsonSyntaxProblem(err)}).`, { cause: err });
  }
  // Checked before the schemas: a value nested thousands deep would overflow zod's and JSON.stringify's stacks.
  const problem = jsonBoundsProblem(value);
  if (problem) throw new ProjectFileError('invalid', reader.file, `${entry} is ${problem}: it is not a genuine project document.`);
  return value;
}

function wrapFormatError(file: string, err: unknown): never {
  if (err instanceof FutureFormatError) throw new ProjectFileError('future-version', file, err.message, { cause: err });
  if (err instanceof ProjectFormatError) throw new ProjectFileError('invalid', file, err.message, { cause: err, issues: err.issues });
  throw err;
}

/** Opens a project file read-only: project.json and every run.json, migrated to the current format. */
export async function readProjectFile(path: string): Promise<ProjectDocument> {
  const reader = await ZipReader.open(path);
  try {
    if (!reader.has(PROJECT_ENTRY)) {
      throw new ProjectFileError('not-a-project', path, 'is a zip archive but has no project.json: it is not a Layerlab project.');
    }
    const raw = parseJson(reader, PROJECT_ENTRY, await reader.read(PROJECT_ENTRY, MAX_PROJECT_JSON_BYTES));
    let migrated;
    try {
      migrated = migrateProject(raw);
    } catch (err) {
      wrapFormatError(path, err);
    }
    checkLayout(reader);
    const runs: ProjectRun[] = [];
    for (const name of reader.entries.keys()) {
      const m = /^runs\/([^/]+)\/run\.json$/.exec(name);
      if (!m) continue;
      const folder = m[1]!;
      let meta;
      try {
        meta = migrateRun(parseJson(reader, name, await reader.read(name, MAX_JSON_BYTES)), migrated.fromVersion, name);
      } catch (err) {
        wrapFormatError(path, err);
      }
      if (meta.id !== folder) {
        throw new ProjectFileError('invalid', path, `${name} says its id is '${meta.id}' but it is in the folder runs/${folder}/.`, {
          issues: [{ path: 'id', message: `expected '${folder}' (the run's folder name)` }],
        });
      }
      const files = runEntries(folder);
      if (meta.hasWeights && !(reader.has(files.model) && reader.has(files.weights))) {
        throw new ProjectFileError('corrupt', path, `run '${folder}' should have weights but ${files.model} or ${files.weights} is missing.`);
      }
      const hasBest = meta.bestWeights?.stored === true;
      if (hasBest && !(reader.has(files.model) && reader.has(files.bestWeights))) {
        throw new ProjectFileError('corrupt', path, `run '${folder}' should have best weights but ${files.model} or ${files.bestWeights} is missing.`);
      }
      const telemetry = meta.hasTelemetry && reader.has(files.telemetry) ? { kind: 'file' as const, path, runId: folder } : null;
      runs.push({ meta, weights: meta.hasWeights ? { kind: 'file', path, runId: folder } : null, bestWeights: hasBest ? { kind: 'file', path, runId: folder } : null, telemetry });
    }
    // Stable: runs created in the same millisecond keep the order they were stored in (ids are random, no order).
    runs.sort((a, b) => a.meta.created.localeCompare(b.meta.created));
    // The numbers shown now are the numbers kept: a run stored later must not move an unnumbered older one.
    pinRunNumbers(runs);
    // A live run's last epochs are beside the file until its trainer writes them in (live-run.ts).
    await foldLiveRuns(path, runs);
    // A run left `running` by a process that died reads as interrupted (trainer.ts); the next write records it.
    markInterrupted(runs);
    return {
      path,
      project: migrated.project,
      runs,
      ...(migrated.fromVersion !== CURRENT_FORMAT_VERSION ? { migratedFrom: migrated.fromVersion } : {}),
    };
  } finally {
    await reader.close();
  }
}

/**
 * Every entry must belong to the layout: a name damaged on disk (a flipped bit) must not make a run silently
 * disappear. Newer layouts come with a new format version, which is checked before this: a new entry kind here
 * needs a CURRENT_FORMAT_VERSION bump (shared/format/schema.ts says why), or older builds call the file damaged.
 */
function checkLayout(reader: ZipReader): void {
  const runFolders = new Set<string>();
  for (const name of reader.entries.keys()) {
    if (name === PROJECT_ENTRY) continue;
    const m = /^runs\/([A-Za-z0-9_-]{1,64})\/(run\.json|model\.json|weights\.bin|best-weights\.bin|telemetry\.json\.gz)$/.exec(name);
    if (!m) throw new ProjectFileError('corrupt', reader.file, `unexpected entry '${name}': it is not part of a Layerlab project (the file is damaged or was changed by another program).`);
    runFolders.add(m[1]!);
  }
  for (const id of runFolders) {
    if (!reader.has(runEntries(id).meta)) throw new ProjectFileError('corrupt', reader.file, `run folder runs/${id}/ has no run.json: the file is damaged.`);
  }
}

function parseModelJson(file: string, runId: string, modelJson: unknown) {
  try {
    return parseOrThrow(tfjsModelJsonSchema, modelJson, runEntries(runId).model);
  } catch (err) {
    wrapFormatError(file, err);
  }
}

/** Compares weights.bin's size with model.json's manifest: from the directory before decoding, after as well. */
function checkWeightsSize(file: string, runId: string, modelJson: ReturnType<typeof parseModelJson>, size: number): void {
  const expected = weightsByteLength(modelJson.weightsManifest.flatMap((g) => g.weights));
  if (expected !== null && expected !== size) {
    throw new ProjectFileError('corrupt', file, `run '${runId}': weights.bin has ${size} bytes but model.json's manifest describes ${expected}.`);
  }
}

/**
 * Reads one run's weights from a project file (the only place a run's weights.bin and best-weights.bin are read):
 * the final ones, or the best epoch's.
 */
export async function readRunWeights(path: string, runId: string, which: 'final' | 'best' = 'final'): Promise<StoredWeights> {
  const reader = await ZipReader.open(path);
  try {
    const files = runEntries(runId);
    const bin = which === 'best' ? files.bestWeights : files.weights;
    if (!reader.has(files.model) || !reader.has(bin)) {
      throw new ProjectFileError('corrupt', path, `run '${runId}' has no stored ${which} weights (${files.model} / ${bin} missing).`);
    }
    const modelJson = parseModelJson(path, runId, parseJson(reader, files.model, await reader.read(files.model, MAX_JSON_BYTES)));
    // Before decoding: a weights file that declares more than the manifest describes is never inflated.
    checkWeightsSize(path, runId, modelJson, reader.entry(bin).size);
    const weightData = await reader.read(bin);
    checkWeightsSize(path, runId, modelJson, weightData.length);
    return { modelJson, weightData };
  } finally {
    await reader.close();
  }
}

function jsonBytes(value: unknown): Uint8Array {
  return strToU8(JSON.stringify(value, null, 2));
}

/** model.json as stored in the file: one manifest group pointing at weights.bin. */
function storedModelJson(weights: StoredWeights): StoredWeights['modelJson'] {
  return {
    ...weights.modelJson,
    weightsManifest: [{ paths: ['weights.bin'], weights: weights.modelJson.weightsManifest.flatMap((g) => g.weights) }],
  };
}

/**
 * Writes `doc` to `target` atomically (see atomic-file.ts; the previous version is kept as `<target>.bak`).
 * Validates everything first, so an invalid document never reaches the disk.
 */
export async function writeProjectFile(target: string, doc: ProjectDocument, options: AtomicWriteOptions = {}): Promise<void> {
  const project = parseOrThrow(projectSchema, doc.project, PROJECT_ENTRY);
  const ids = new Set<string>();
  const runs: { meta: RunJson; weights: ProjectRun['weights']; best: WeightsSource | null; telemetry: TelemetrySource | null }[] = [];
  for (const run of doc.runs) {
    const telemetry = run.telemetry ?? null;
    // hasTelemetry is written only when true: a run without telemetry reads as files written before it existed.
    const { hasTelemetry: _was, bestWeights: bestInfo, ...rest } = run.meta;
    // Best weights are stored only with final weights (they share model.json); without them the run keeps the epoch.
    const best = run.weights !== null && bestInfo?.stored ? (run.bestWeights ?? null) : null;
    const bestMeta = bestInfo ? { bestWeights: { ...bestInfo, stored: best !== null } } : {};
    const meta = parseOrThrow(runSchema, { ...rest, hasWeights: run.weights !== null, ...bestMeta, ...(telemetry ? { hasTelemetry: true } : {}) }, runEntries(run.meta.id).meta);
    if (ids.has(meta.id)) throw new Error(`Two runs have the id '${meta.id}'; run ids must be unique within a project.`);
    ids.add(meta.id);
    runs.push({ meta, weights: run.weights, best, telemetry });
  }

  const readers = new Map<string, ZipReader>();
  const readerFor = async (path: string): Promise<ZipReader> => {
    let r = readers.get(path);
    if (!r) {
      r = await ZipReader.open(path);
      readers.set(path, r);
    }
    return r;
  };

  async function* sources(): AsyncGenerator<ZipSource> {
    yield { name: PROJECT_ENTRY, data: jsonBytes(project), compress: true };
    for (const { meta, weights, best, telemetry } of runs) {
      const files = runEntries(meta.id);
      yield { name: files.meta, data: jsonBytes(meta), compress: true };
      if (telemetry?.kind === 'memory') yield { name: files.telemetry, data: encodeTelemetry(telemetry.telemetry), compress: false };
      else if (telemetry?.kind === 'encoded') yield { name: files.telemetry, data: telemetry.bytes, compress: false };
      else if (telemetry) yield { name: files.telemetry, copyFrom: await readerFor(telemetry.path), sourceName: runEntries(telemetry.runId).telemetry };
      if (!weights) continue;
      if (weights.kind === 'memory') {
        yield { name: files.model, data: jsonBytes(storedModelJson(weights.weights)), compress: true };
        yield { name: files.weights, data: weights.weights.weightData, compress: false };
      } else {
        const reader = await readerFor(weights.path);
        const from = runEntries(weights.runId);
        yield { name: files.model, data: await reader.read(from.model, MAX_JSON_BYTES), compress: true };
        if (reader.entry(from.weights).method === 0) yield { name: files.weights, copyFrom: reader, sourceName: from.weights };
        else yield { name: files.weights, data: await reader.read(from.weights), compress: false };
      }
      if (best?.kind === 'memory') yield { name: files.bestWeights, data: best.weights.weightData, compress: false };
      else if (best) yield { name: files.bestWeights, copyFrom: await readerFor(best.path), sourceName: runEntries(best.runId).bestWeights };
    }
  }

  await writeFileAtomically(
    target,
    async (fh) => {
      try {
        await writeZip(fh, sources());
      } finally {
        // Closed before the rename: Windows cannot replace a file that is still open.
        for (const r of readers.values()) await r.close();
      }
    },
    options,
  );
}

/** Whether `path` is a zip with a project.json (read from the directory only: nothing is decoded). */
export async function isProjectFile(path: string): Promise<boolean> {
  let reader: ZipReader;
  try {
    reader = await ZipReader.open(path);
  } catch {
    return false;
  }
  try {
    return reader.has(PROJECT_ENTRY);
  } finally {
    await reader.close();
  }
}
