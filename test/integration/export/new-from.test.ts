/** `layerlab new PATH --from MODEL`: a project whose graph is the model and whose run 'imported' holds its weights. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { buildTfjsModel, namedWeights } from '../../../main/export/tfjs-model';
import { decodeTfjsWeights } from '../../../main/export/source';
import { loadRunWeights, openProject } from '../../../main/projects/service';
import { compileGraph } from '../../../shared/graph';
import { getTemplate } from '../../../shared/templates';
import { randomizeWeights, REPO } from './helpers';

describe('layerlab new --from', () => {
  it('imports a TF.js model.json with its weights as run "imported", bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-new-from-'));
    const spec = compileGraph(getTemplate('cnn-first')!.graph);
    const model = await buildTfjsModel(spec);
    randomizeWeights(model, 5);
    const weights = namedWeights(model);
    await exportModel({ spec, weights }, { format: 'tfjs', outDir: join(dir, 'tfjs') });
    const r = spawnSync(process.execPath, [join(REPO, 'bin/layerlab.js'), 'new', join(dir, 'imported'), '--from', join(dir, 'tfjs', 'model.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/from .*model\.json, its weights in run 'imported', 6 layers/);
    const opened = await openProject(join(dir, 'imported.layerlab'));
    expect(opened.graph.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(opened.doc.runs.map((run) => [run.meta.id, run.meta.hasWeights])).toEqual([['imported', true]]);
    const stored = await loadRunWeights(opened.doc, 'imported');
    const manifest = stored.modelJson.weightsManifest as { weights: Parameters<typeof decodeTfjsWeights>[0] }[];
    const back = decodeTfjsWeights(manifest.flatMap((g) => g.weights), stored.weightData);
    expect(back.map((w) => w.name)).toEqual(weights.map((w) => w.name));
    back.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(weights[i]!.data)));
    model.dispose();
  }, 150_000);
});
