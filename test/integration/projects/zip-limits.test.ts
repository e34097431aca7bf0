/**
 * Decompression bombs and absurd documents in project files, built here (never committed): each is refused with a
 * clear error before it is inflated or parsed into something that could take the process down. Memory is asserted
 * loosely (RSS growth far below the bomb's size); bench/zip-bombs.ts prints the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectFileError } from '../../../main/projects/errors';
import { readProjectFile, readRunWeights, writeProjectFile } from '../../../main/projects/file';
import { ZipReader } from '../../../main/projects/zip-reader';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { randomProject, randomRun, randomWeightBytes, rng } from '../../unit/projects/random-project';
import { deflatedRun, rawZip, type RawEntry } from '../../support/zip-bomb';

const BOMB = 256 * 2 ** 20;
const RUN = 'r1';
let dir: string;
let bomb: Uint8Array;
const good = new Map<string, Uint8Array>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-bombs-'));
  const project = randomProject(rng(7));
  const r = rng(3);
  const file = join(dir, 'good.layerlab');
  await writeProjectFile(file, {
    path: null,
    project,
    runs: [
      {
        meta: randomRun(r, RUN, project.graph),
        weights: {
          kind: 'memory',
          weights: {
            modelJson: { modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [256], dtype: 'float32' }] }] },
            weightData: randomWeightBytes(r, 256),
          },
        },
      },
    ],
  });
  const reader = await ZipReader.open(file);
  for (const name of reader.entries.keys()) good.set(name, await reader.read(name));
  await reader.close();
  bomb = await deflatedRun(BOMB);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The good project's entries stored as they are, with `replace` standing in for some of them. */
async function write(name: string, replace: Record<string, RawEntry>): Promise<string> {
  const entries: RawEntry[] = [...good].map(([entry, data]) => replace[entry] ?? { name: entry, method: 0, data, size: data.length, crc: crcOf(data) });
  const file = join(dir, name);
  await writeFile(file, rawZip(entries));
  return file;
}

function crcOf(data: Uint8Array): number {
  // fflate's zipSync computes it; read it back from a one-entry archive's directory.
  const z = zipSync({ x: [data, { level: 0 }] });
  const v = new DataView(z.buffer, z.byteOffset);
  return v.getUint32(14, true);
}

async function refusal(work: () => Promise<unknown>): Promise<{ error: ProjectFileError; rssGrowth: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let error: unknown;
  try {
    await work();
  } catch (err) {
    error = err;
  }
  const rssGrowth = process.memoryUsage().rss - before;
  expect(error).toBeInstanceOf(ProjectFileError);
  return { error: error as ProjectFileError, rssGrowth };
}

describe('zip bombs in project files', () => {
  it(`a weights.bin declaring ${BOMB} bytes that the manifest does not describe is refused before inflating`, async () => {
    expect(bomb.length).toBeLessThan(BOMB / 1000); // a real bomb: ~1000:1, within the ratio any deflate allows
    const file = await write('weights-bomb.layerlab', { [`runs/${RUN}/weights.bin`]: { name: `runs/${RUN}/weights.bin`, method: 8, data: bomb, size: BOMB } });
    await readProjectFile(file); // the documents are fine; only the weights are a bomb
    const { error, rssGrowth } = await refusal(() => readRunWeights(file, RUN));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(new RegExp(`weights.bin has ${BOMB} bytes but model.json's manifest describes 1024`));
    expect(rssGrowth).toBeLessThan(BOMB / 2);
  });

  it('a project.json of 256 MB of spaces is refused from its declared size, before inflating', async () => {
    const file = await write('padded.layerlab', { 'project.json': { name: 'project.json', method: 8, data: bomb, size: BOMB } });
    const { error, rssGrowth } = await refusal(() => readProjectFile(file));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/'project\.json' declares 268435456 bytes, more than the 33554432 allowed/);
    expect(rssGrowth).toBeLessThan(BOMB / 2);
  });

  it('an entry that declares 4 KB but inflates to 256 MB stops at its declared size', async () => {
    const file = await write('liar.layerlab', { 'project.json': { name: 'project.json', method: 8, data: bomb, size: 4096 } });
    const { error, rssGrowth } = await refusal(() => readProjectFile(file));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/'project\.json' cannot be decompressed \(it decompresses to more than the 4096 bytes its directory entry declares\)/);
    expect(rssGrowth).toBeLessThan(BOMB / 2);
  });
});

describe('documents nested too deep', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('a project.json with a 20,000-deep array is refused with a clear error (and open over the API answers it)', async () => {
    const text = new TextDecoder().decode(good.get('project.json')!).replace(/^\{/, `{"x": ${deep(20_000)},`);
    const data = strToU8(text);
    const file = await write('deep.layerlab', { 'project.json': { name: 'project.json', method: 0, data, size: data.length, crc: crcOf(data) } });
    const { error } = await refusal(() => readProjectFile(file));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/project\.json is nested more than 64 levels deep at \$\.x(\[0\]){5}…\(64 levels\): it is not a genuine project document/);

    const service = createBackendService({ engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }), baseDir: dir });
    const response = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'projects.open', params: { path: file } }));
    expect(response).toMatchObject({ id: 1, error: { code: 'invalid-params', message: expect.stringMatching(/nested more than 64 levels/) } });
    await service.close();
  });
});
