import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile, readRunWeights, writeProjectFile } from '../../../main/projects/file';
import { runNumbers } from '../../../main/projects/run-numbers';
import type { ProjectDocument, StoredWeights } from '../../../main/projects/types';
import { randomProject, randomRun, randomWeightBytes, rng } from '../../unit/projects/random-project';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerlab-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function weightsFor(r: () => number, floats: number): StoredWeights {
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'test',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: [floats], dtype: 'float32' }] }],
    },
    weightData: randomWeightBytes(r, floats),
  };
}

function randomDocument(seed: number): { doc: ProjectDocument; weights: Map<string, StoredWeights> } {
  const r = rng(seed);
  const project = randomProject(r);
  const weights = new Map<string, StoredWeights>();
  const runs = Array.from({ length: Math.floor(r() * 4) }, (_, i) => {
    const id = `run-${seed}-${i}`;
    const meta = randomRun(r, id, project.graph);
    if (r() < 0.7) {
      const w = weightsFor(r, 1 + Math.floor(r() * 5000));
      weights.set(id, w);
      return { meta, weights: { kind: 'memory' as const, weights: w } };
    }
    return { meta, weights: null };
  });
  return { doc: { path: null, project, runs }, weights };
}

describe('project file round trip (seeded random projects)', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i: save -> open gives identical project, runs and weight bytes', async (seed) => {
    const { doc, weights } = randomDocument(seed);
    const file = join(dir, `p${seed}.layerlab`);
    await writeProjectFile(file, doc);
    const opened = await readProjectFile(file);

    expect(opened.project).toStrictEqual(doc.project);
    expect(opened.runs.map((r) => r.meta.id).sort()).toStrictEqual(doc.runs.map((r) => r.meta.id).sort());
    // Runs without a number get, on reading, the number the history shows them with (creation order).
    const byCreation = [...doc.runs].sort((a, b) => a.meta.created.localeCompare(b.meta.created));
    const shown = runNumbers(byCreation.map((r) => r.meta));
    const numbers = new Map(byCreation.map((r, i) => [r.meta.id, shown[i]]));
    for (const run of doc.runs) {
      const back = opened.runs.find((r) => r.meta.id === run.meta.id)!;
      expect(back.meta).toStrictEqual({ ...run.meta, number: numbers.get(run.meta.id), hasWeights: run.weights !== null });
      const w = weights.get(run.meta.id);
      if (!w) {
        expect(back.weights).toBeNull();
        continue;
      }
      expect(back.weights).toStrictEqual({ kind: 'file', path: file, runId: run.meta.id });
      const loaded = await readRunWeights(file, run.meta.id);
      expect(Buffer.from(loaded.weightData).equals(Buffer.from(w.weightData))).toBe(true);
      expect(loaded.modelJson.weightsManifest).toStrictEqual([{ paths: ['weights.bin'], weights: w.modelJson.weightsManifest[0]!.weights }]);
    }

    // Saving the opened document again copies weights from the file (the lazy path) and keeps them bit for bit.
    const again = join(dir, `p${seed}-again.layerlab`);
    await writeProjectFile(again, opened);
    const reopened = await readProjectFile(again);
    expect(reopened.project).toStrictEqual(doc.project);
    for (const [id, w] of weights) {
      expect(Buffer.from((await readRunWeights(again, id)).weightData).equals(Buffer.from(w.weightData))).toBe(true);
    }

    // Any zip tool can read it: fflate's own unzip sees the same entries.
    const entries = unzipSync(new Uint8Array(await readFile(again)));
    expect(Object.keys(entries)).toContain('project.json');
    expect(JSON.parse(new TextDecoder().decode(entries['project.json']))).toStrictEqual(doc.project);
  });

  it('a run whose model has no weights at all (empty weights.bin) survives saving and copying', async () => {
    const { doc } = randomDocument(3);
    doc.runs = [
      {
        meta: randomRun(rng(3), 'empty', doc.project.graph),
        weights: { kind: 'memory', weights: { modelJson: { modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }, weightData: new Uint8Array(0) } },
      },
    ];
    const file = join(dir, 'empty-weights.layerlab');
    await writeProjectFile(file, doc);
    const copy = join(dir, 'empty-weights-copy.layerlab');
    await writeProjectFile(copy, await readProjectFile(file));
    expect((await readRunWeights(copy, 'empty')).weightData.length).toBe(0);
  });

  it('saving over the same file copies unchanged runs from it and keeps the previous version as .bak', async () => {
    const { doc, weights } = randomDocument(7);
    const file = join(dir, 'same.layerlab');
    await writeProjectFile(file, doc);
    const first = await readFile(file);
    const opened = await readProjectFile(file);
    opened.project.notes = 'edited';
    await writeProjectFile(file, opened);
    expect((await readProjectFile(file)).project.notes).toBe('edited');
    expect(Buffer.compare(await readFile(`${file}.bak`), first)).toBe(0);
    for (const [id, w] of weights) {
      expect(Buffer.from((await readRunWeights(file, id)).weightData).equals(Buffer.from(w.weightData))).toBe(true);
    }
  });
});
