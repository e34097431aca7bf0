import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { ProjectSweepStore, projectSweeps } from '../../../main/sweep/project-store';
import { JsonSweepStore } from '../../../main/sweep/store';
import { createSweepState, SweepConfigSchema } from '../../../shared/sweep/index';
import { sequentialGraph } from '../../../shared/templates/builder';

const graph = sequentialGraph([null, 784], [['Dense', { units: 8, activation: 'relu' }], ['Dropout', { rate: 0.5 }], ['Dense', { units: 10, activation: 'softmax' }]]);
const config = SweepConfigSchema.parse({ name: 'drop', dimensions: [{ target: { toggle: 'dropout' } }] });
const dir = () => mkdtempSync(join(tmpdir(), 'layerlab-sweep-store-'));

describe('sweep stores', () => {
  it('a JSON store round-trips the state and refuses files it cannot resume', async () => {
    const d = dir();
    const store = new JsonSweepStore(join(d, 'state.json'));
    expect(await store.load()).toBeNull();
    const state = createSweepState(config, graph, { id: 'sweep-1' });
    await store.save(state);
    expect(await store.load()).toEqual(state);

    writeFileSync(join(d, 'bad.json'), '{"version": 9}');
    await expect(new JsonSweepStore(join(d, 'bad.json')).load()).rejects.toThrow(/expected version 1, found 9; delete it to start the sweep afresh/);
    writeFileSync(join(d, 'broken.json'), '{');
    await expect(new JsonSweepStore(join(d, 'broken.json')).load()).rejects.toThrow(/is not valid JSON/);
  });

  it('a project store keeps the sweep in project.json and adds each trained trial as a run once', async () => {
    const doc = createProject({ name: 'p' });
    doc.project.graph = graph;
    const file = join(dir(), 'p.layerlab');
    await saveProjectAs(doc, file);
    const state = createSweepState(config, graph, { id: 'sweep-2' });
    const store = new ProjectSweepStore(doc, state.id);
    Object.assign(state.trials[1]!, {
      status: 'done',
      runId: 'run-abc',
      objective: 0.5,
      durationSeconds: 2,
      history: [{ epoch: 0, metrics: { val_acc: 0.5, loss: 1.2 }, seconds: 2 }],
    });
    await store.save(state);
    await store.save(state);

    const reopened = (await openProject(file)).doc;
    expect(projectSweeps(reopened)).toEqual([state]);
    expect(reopened.project.sweeps![0]!.runIds).toHaveLength(1);
    expect(reopened.runs).toHaveLength(1);
    const run = reopened.runs[0]!.meta;
    expect(run).toMatchObject({ name: 'drop #2', status: 'completed', durationSeconds: 2, best: { val_acc: 0.5, loss: 1.2 } });
    // Trial 2 is "dropout off": the run keeps that trial's own graph.
    expect(run.graph.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Dense', 'Dense']);
    expect(await new ProjectSweepStore(reopened, 'sweep-2').load()).toEqual(state);
    expect(() => new ProjectSweepStore(createProject({ name: 'unsaved' }), 'x')).toThrow(/save it to a file before running a sweep/);
  });
});
