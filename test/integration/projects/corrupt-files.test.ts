import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectFileError, type ProjectFileErrorCode } from '../../../main/projects/errors';
import { readProjectFile, readRunWeights, writeProjectFile } from '../../../main/projects/file';
import { randomProject, randomRun, randomWeightBytes, rng } from '../../unit/projects/random-project';

let dir: string;
let good: Uint8Array;
let goodFile: string;

const project = randomProject(rng(99));
const json = (v: unknown) => strToU8(JSON.stringify(v));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-corrupt-'));
  goodFile = join(dir, 'good.layerlab');
  const r = rng(5);
  await writeProjectFile(goodFile, {
    path: null,
    project,
    runs: [
      {
        meta: randomRun(r, 'r1', project.graph),
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
  good = new Uint8Array(await readFile(goodFile));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** Writes `bytes`, tries to open (and read weights), and checks the error code and that the file is untouched. */
async function expectRefused(bytes: Uint8Array, code: ProjectFileErrorCode, message?: RegExp): Promise<ProjectFileError> {
  const sub = join(dir, `case${n++}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(sub));
  const file = join(sub, 'p.layerlab');
  await writeFile(file, bytes);
  let error: unknown;
  try {
    const doc = await readProjectFile(file);
    for (const run of doc.runs) if (run.weights) await readRunWeights(file, run.meta.id);
  } catch (err) {
    error = err;
  }
  expect(error, `expected a '${code}' error`).toBeInstanceOf(ProjectFileError);
  const e = error as ProjectFileError;
  expect(e.code).toBe(code);
  expect(e.message).toContain(file);
  if (message) expect(e.message).toMatch(message);
  expect(Buffer.compare(await readFile(file), bytes)).toBe(0);
  expect(await readdir(sub)).toStrictEqual(['p.layerlab']); // no temp, no .bak: opening wrote nothing
  return e;
}

/** Sets the declared uncompressed size of `name` in the central directory. */
function patchDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  for (let p = 0; p < out.length - 46; p++) {
    if (v.getUint32(p, true) !== 0x02014b50) continue;
    const len = v.getUint16(p + 28, true);
    if (len === nameBytes.length && Buffer.from(out.subarray(p + 46, p + 46 + len)).equals(Buffer.from(nameBytes))) {
      v.setUint32(p + 24, size, true);
      return out;
    }
  }
  throw new Error(`no central directory entry for ${name}`);
}

describe('opening damaged or foreign files fails clearly and leaves them untouched', () => {
  it('not a zip: text, PNG header, empty file', async () => {
    await expectRefused(strToU8('hello, this is a text file\n'), 'not-a-zip', /not a zip/);
    await expectRefused(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100).fill(0)]), 'not-a-zip');
    await expectRefused(new Uint8Array(0), 'not-a-zip');
  });

  it.each([0.5, 0.9, 0.99])('truncated to %f of its length', async (fraction) => {
    const e = await expectRefused(good.subarray(0, Math.floor(good.length * fraction)), 'not-a-zip');
    expect(e.message).toMatch(/truncated/);
  });

  it('truncated inside the weights (directory kept): corrupt', async () => {
    // Cut bytes out of the middle of weights.bin but keep the tail: offsets no longer match.
    const cut = new Uint8Array([...good.subarray(0, 400), ...good.subarray(600)]);
    await expectRefused(cut, 'corrupt');
  });

  it('every single flipped byte is caught or harmless (never silently different data)', async () => {
    const r = rng(1234);
    const original = await readProjectFile(goodFile);
    const originalWeights = await readRunWeights(goodFile, 'r1');
    const file = join(dir, 'flip.layerlab');
    let caught = 0;
    for (let i = 0; i < 150; i++) {
      const bytes = good.slice();
      const pos = Math.floor(r() * bytes.length);
      bytes[pos] = bytes[pos]! ^ (1 + Math.floor(r() * 255));
      await writeFile(file, bytes);
      try {
        const doc = await readProjectFile(file);
        const w = await readRunWeights(file, 'r1');
        // Only bytes nothing depends on (timestamps, version-made-by...) may change without an error.
        expect(doc.project).toStrictEqual(original.project);
        expect(doc.runs.map((x) => x.meta)).toStrictEqual(original.runs.map((x) => x.meta));
        expect(Buffer.from(w.weightData).equals(Buffer.from(originalWeights.weightData))).toBe(true);
      } catch (err) {
        if (!(err instanceof ProjectFileError)) throw new Error(`byte ${pos}: unexpected ${String(err)}`, { cause: err });
        caught++;
      }
    }
    expect(caught).toBeGreaterThan(100);
  });

  it('a zip without project.json', async () => {
    await expectRefused(zipSync({ 'readme.txt': strToU8('hi'), 'data/x.bin': new Uint8Array(10) }), 'not-a-project', /no project\.json/);
  });

  it.each(['../evil.json', '/etc/passwd', 'runs\\..\\..\\evil', 'C:/Windows/evil', 'runs/../../evil.json', 'runs/a/../../../x'])(
    'zip-slip entry name %j is refused',
    async (name) => {
      const entries: Zippable = { 'project.json': json(project) };
      entries[name] = strToU8('payload');
      await expectRefused(zipSync(entries), 'unsafe-entry', /may be malicious/);
    },
  );

  it('huge declared sizes (zip bomb) are refused before anything is decompressed', async () => {
    const zip = zipSync({ 'project.json': json(project), 'runs/r1/run.json': strToU8('{}'.padEnd(4000, ' ')) });
    await expectRefused(patchDeclaredSize(zip, 'runs/r1/run.json', 0xfffffff0), 'unsupported', /zip bomb/);
    await expectRefused(patchDeclaredSize(zip, 'project.json', 0xffffffff), 'unsupported', /zip64/);
  });

  it('a real high-ratio entry that lies about its size stops inflating at the declared size', async () => {
    const zip = zipSync({ 'project.json': strToU8(JSON.stringify(project).padEnd(500_000, ' ')) }, { level: 9 });
    await expectRefused(patchDeclaredSize(zip, 'project.json', 1000), 'corrupt', /decompresses to more than the 1000 bytes its directory entry declares/);
  });

  it('a future format version says which version and to update', async () => {
    const e = await expectRefused(zipSync({ 'project.json': json({ ...project, formatVersion: 4, appVersion: '9.1.0' }) }), 'future-version');
    expect(e.message).toMatch(/format version 4 \(written by Layerlab 9\.1\.0\).*up to 3.*newer Layerlab/);
  });

  it('schema errors name the JSON path and what is wrong', async () => {
    const bad = structuredClone(project) as unknown as { graph: { nodes: { position?: unknown }[] }; viewport: unknown };
    bad.graph.nodes[0]!.position = { x: 'left', y: 3 };
    bad.viewport = { x: 0, y: 0, zoom: -1 };
    const e = await expectRefused(zipSync({ 'project.json': json(bad) }), 'invalid');
    expect(e.issues.map((i) => i.path)).toStrictEqual(['graph.nodes[0].position.x', 'viewport.zoom']);
    expect(e.message).toMatch(/graph\.nodes\[0\]\.position\.x: .*expected number/);
    expect(e.message).toMatch(/viewport\.zoom: expected zoom > 0/);
  });

  it('an edge to a missing node, invalid JSON, a run in the wrong folder, no version at all', async () => {
    const dangling = structuredClone(project);
    dangling.graph.edges.push({ id: 'x', source: dangling.graph.nodes[0]!.id, target: 'ghost' });
    const e = await expectRefused(zipSync({ 'project.json': json(dangling) }), 'invalid');
    expect(e.issues.at(-1)).toStrictEqual({ path: `graph.edges[${dangling.graph.edges.length - 1}].target`, message: "edge target 'ghost' is not a node of the graph" });
    await expectRefused(zipSync({ 'project.json': strToU8('{"formatVersion": 2,') }), 'invalid', /not valid JSON/);
    const run = randomRun(rng(1), 'r1', project.graph);
    await expectRefused(zipSync({ 'project.json': json(project), 'runs/r2/run.json': json(run) }), 'invalid', /folder runs\/r2/);
    await expectRefused(zipSync({ 'project.json': json({ name: 'x' }) }), 'invalid', /not a Layerlab project/);
  });

  it('a missing file is reported as unreadable', async () => {
    await expect(readProjectFile(join(dir, 'nope.layerlab'))).rejects.toMatchObject({ code: 'unreadable', message: /no such file/ });
  });
});
