// Exporting a project: the chosen run's trained weights and config go along, or fresh weights with 'none'.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph';
import { loadExportSource } from '../../../main/export';
import { addRun, createProject, saveProjectAs } from '../../../main/projects/service';
import { captureModelWeights } from '../../../main/engine/stored-weights';
import { registerCustomLayers } from '../../../main/engine/layers';

const dir = mkdtempSync(join(tmpdir(), 'll-export-project-'));
const file = join(dir, 'mlp.layerlab');
let trained: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
  const doc = createProject({ name: 'mlp', templateId: 'mlp-64' });
  trained = await tf.models.modelFromJSON({ modelTopology: compileGraph(doc.project.graph) as unknown as tf.io.ModelJSON['modelTopology'] });
  const weights = await captureModelWeights(trained);
  addRun(doc, { status: 'failed', config: doc.project.training, graph: doc.project.graph, history: [], durationSeconds: 1, error: 'stopped by a NaN' });
  addRun(doc, { status: 'completed', config: { ...doc.project.training, epochs: 7 }, graph: doc.project.graph, history: [], durationSeconds: 3, weights });
  await saveProjectAs(doc, file);
});

describe('loadExportSource on a project', () => {
  it('takes the latest run with weights: its trained weights, bit for bit, and its config', async () => {
    const source = await loadExportSource(file, 'latest');
    const expected = trained.getWeights();
    expect(source.weights).toHaveLength(expected.length);
    for (const [i, w] of source.weights!.entries()) {
      expect(w.shape).toEqual(expected[i].shape);
      expect(Array.from(w.data)).toEqual(Array.from(expected[i].dataSync()));
    }
    expect(source.training?.epochs).toBe(7);
    expect(source.spec.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense', 'Dense', 'Dense']);
  });

  it("'none' exports the project's graph without weights", async () => {
    const source = await loadExportSource(file, 'none');
    expect(source.weights).toBeUndefined();
    expect(source.spec.config.layers.length).toBe(4);
  });

  it('an unknown run or a run without weights is a clear error', async () => {
    await expect(loadExportSource(file, 'nope')).rejects.toThrow(/has no run 'nope'.*--run latest/);
    const { openProject } = await import('../../../main/projects/service');
    const failedId = (await openProject(file)).doc.runs[0].meta.id;
    await expect(loadExportSource(file, failedId)).rejects.toThrow(/has no saved weights/);
  });
});
