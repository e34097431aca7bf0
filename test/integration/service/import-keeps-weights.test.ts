/**
 * A TF.js model.json imported in the window with its weights keeps them: projects.import attaches them as the run
 * "imported" of an Untitled project's recovery store (listed at once), and the window's first Save As (with that
 * recoveryId, as for any Untitled project's runs) moves the run with its weights into the new file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { createProject, openProject } from '../../../main/projects/service';
import { compileGraph } from '../../../shared/graph';
import { apiHarness } from './api-harness';

const { dir, call } = apiHarness('layerlab-import-weights-');

it('projects.import of a TF.js model.json with weights, then projects.saveAs: the file holds run "imported" with the weights', async () => {
  await tf.setBackend('cpu');
  const graph = createProject({ name: 'mlp', templateId: 'mlp-64' }).project.graph;
  const spec = compileGraph(graph);
  const model = await tf.models.modelFromJSON({ modelTopology: spec as unknown as tf.io.ModelJSON['modelTopology'] });
  const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
  const folder = mkdtempSync(join(tmpdir(), 'layerlab-import-src-'));
  await exportModel({ spec, weights }, { format: 'tfjs', outDir: folder });

  const imported = await call('projects.import', { path: join(folder, 'model.json') });
  expect(imported.error).toBeUndefined();
  // The window lists the imported run at once (it can export or fine-tune it before saving).
  expect(imported.recoveryId).toMatch(/^untitled-/);
  const listed = await call('training.list', { recoveryId: imported.recoveryId });
  expect(listed.runs.map((r: { name: string; status: string }) => r.status)).toEqual(['completed']);
  const file = join(dir, 'imported.layerlab');
  const saved = await call('projects.saveAs', { path: file, project: imported.project, recoveryId: imported.recoveryId });
  expect(saved.error).toBeUndefined();
  const { doc } = await openProject(file);
  expect(doc.runs.map((r) => [r.meta.id, r.meta.status, r.meta.hasWeights])).toEqual([['imported', 'imported', true]]);
  model.dispose();
});
