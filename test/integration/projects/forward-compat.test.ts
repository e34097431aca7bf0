/**
 * Files across Layerlab versions (follow-up of #14, shared/format/schema.ts CURRENT_FORMAT_VERSION). A reader refuses
 * entries it does not know (a damaged name must not make a run vanish) and checks the format version first, so
 * every addition bumps the version: an older build then names the version and asks for a newer Layerlab instead of
 * calling the file damaged, and never opens (nor re-saves without them) what it cannot see.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CURRENT_FORMAT_VERSION, detectFormatVersion } from '../../../shared/format';
import { ProjectFileError } from '../../../main/projects/errors';
import { readProjectFile, writeProjectFile } from '../../../main/projects/file';
import { randomProject, randomRun, randomWeightBytes, rng } from '../../unit/projects/random-project';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-forward-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const project = randomProject(rng(7));
const json = (v: unknown) => strToU8(JSON.stringify(v));
const weights = (seed: number) => ({
  modelJson: { modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [64], dtype: 'float32' as const }] }] },
  weightData: randomWeightBytes(rng(seed), 64),
});

/** A file as this build writes it: one run with final and (other) best weights. */
async function currentFile(): Promise<Uint8Array> {
  const file = join(dir, 'current.layerlab');
  const meta = { ...randomRun(rng(3), 'r1', project.graph), hasWeights: true, bestWeights: { epoch: 0, monitor: 'val_loss', value: 0.5, stored: true } };
  await writeProjectFile(file, {
    path: null,
    project,
    runs: [{ meta, weights: { kind: 'memory', weights: weights(1) }, bestWeights: { kind: 'memory', weights: weights(2) } }],
  });
  return new Uint8Array(await readFile(file));
}

async function openBytes(name: string, bytes: Uint8Array): Promise<ProjectFileError> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const error = await readProjectFile(file).then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(ProjectFileError);
  return error as ProjectFileError;
}

it('a file holding best-weights.bin declares the current format version, above the one older builds read', async () => {
  const entries = unzipSync(await currentFile());
  expect(Object.keys(entries)).toContain('runs/r1/best-weights.bin');
  const declared = detectFormatVersion(JSON.parse(strFromU8(entries['project.json']!)));
  expect(declared).toBe(CURRENT_FORMAT_VERSION);
  // Builds that wrote best-weights.bin (and telemetry.json.gz) while declaring 2 made files that format-2 readers
  // refuse as "damaged"; from 3 on, those readers stop at the version and ask for a newer Layerlab.
  expect(declared).toBeGreaterThan(2);
});

it('this reader refuses an unknown entry in a file of its own version, naming it (nothing is silently dropped)', async () => {
  const entries = unzipSync(await currentFile());
  const e = await openBytes('unknown-entry.layerlab', zipSync({ ...entries, 'runs/r1/extra.bin': new Uint8Array([1, 2, 3]) }));
  expect(e.code).toBe('corrupt');
  expect(e.message).toContain("unexpected entry 'runs/r1/extra.bin'");
});

it('a newer format version with entries and fields this build does not know is refused by its version, not called damaged', async () => {
  const entries = unzipSync(await currentFile());
  const run = { ...JSON.parse(strFromU8(entries['runs/r1/run.json']!)), somethingNew: { kept: true } };
  const newer = zipSync({
    ...entries,
    'project.json': json({ ...project, formatVersion: CURRENT_FORMAT_VERSION + 1, appVersion: '9.0.0' }),
    'runs/r1/run.json': json(run),
    'runs/r1/new-kind-of-entry.bin': new Uint8Array([1]),
  });
  const e = await openBytes('newer.layerlab', newer);
  expect(e.code).toBe('future-version');
  expect(e.message).toContain(`format version ${CURRENT_FORMAT_VERSION + 1} (written by Layerlab 9.0.0)`);
  expect(e.message).toContain('open it with a newer Layerlab');
  expect(e.message).not.toContain('unexpected entry');
});
