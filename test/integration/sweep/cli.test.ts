/** `layerlab sweep` end to end: a real process, a real project file, real MNIST subset training. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { projectSweeps } from '../../../main/sweep/project-store';
import { sequentialGraph } from '../../../shared/templates/builder';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MIRROR = join(ROOT, '../shared/datasets');
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/layerlab.js'), ...args], { cwd: ROOT, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('layerlab sweep', () => {
  it('runs a sweep over a project, prints a line per trial and a ranked table, and stores it in the project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-cli-'));
    const doc = createProject({ name: 'sweep me' });
    doc.project.graph = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: 16, activation: 'relu' }], ['Dropout', { rate: 0.3 }], ['Dense', { units: 10, activation: 'softmax' }]]);
    const file = join(dir, 'p.layerlab');
    await saveProjectAs(doc, file);
    const config = join(dir, 'sweep.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'dropout',
        dimensions: [{ target: { toggle: 'dropout' } }, { target: { node: 'dense', field: 'units' }, values: [-1, 16] }],
        training: { limit_train: 300, limit_test: 100, epochs: 1, optimizer: { name: 'sgd', learning_rate: 0.1 } },
      }),
    );

    const first = await cli(['sweep', file, '--config', config, '--data-dir', MIRROR]);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe("sweep 'dropout': 4 trials (grid), objective val_acc (max)");
    const progress = lines.filter((l) => /^trial \d\/4 /.test(l));
    expect(progress).toHaveLength(4);
    expect(progress[0]).toMatch(/^trial 1\/4 skipped .*dropout on=on dense.units=-1\s+\(invalid model: .*units=-1/);
    expect(progress[3]).toMatch(/^trial 4\/4 done {2}val_acc 0\.\d{4} {2}[\d.]+ s {2}dropout on=off dense.units=16$/);
    const header = lines.findIndex((l) => l.startsWith('#  trial'));
    expect(lines[header]).toMatch(/^#\s+trial\s+dropout on\s+dense\.units\s+val_acc\s+duration\s+status$/);
    const ranked = lines.slice(header + 2, header + 6);
    expect(ranked.map((l) => l.trim().split(/\s+/).at(-1))).toEqual(['done', 'done', 'skipped', 'skipped']);
    const metrics = ranked.slice(0, 2).map((l) => Number(l.trim().split(/\s+/)[4]));
    expect(metrics[0]).toBeGreaterThanOrEqual(metrics[1]!);
    expect(first.stdout).toMatch(/best: trial [24] \(dropout on=o(n|ff) dense.units=16\) val_acc 0\.\d{4}/);

    // In the project: the sweep (its state) and one run per trained trial, with the trial's own graph.
    const reopened = (await openProject(file)).doc;
    const [sweep] = projectSweeps(reopened);
    expect(sweep!.status).toBe('completed');
    expect(sweep!.trials.map((t) => t.status)).toEqual(['skipped', 'done', 'skipped', 'done']);
    const entry = reopened.project.sweeps![0]!;
    expect(entry.runIds).toHaveLength(2);
    const runs = entry.runIds.map((id) => reopened.runs.find((r) => r.meta.id === id)!.meta);
    expect(runs.map((r) => r.graph.nodes.some((n) => n.kind === 'Dropout'))).toEqual([true, false]);
    expect(runs[0]!.best.val_acc).toBe(sweep!.trials[1]!.objective);

    // Running it again finds it completed in the project and trains nothing.
    const again = await cli(['sweep', file, '--config', config, '--data-dir', MIRROR]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^sweep 'dropout' has already completed/);
    expect((await openProject(file)).doc.runs).toHaveLength(2);
  });

  it('explains a bad sweep config without training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-cli-'));
    const doc = createProject({ name: 'x', templateId: 'mlp-64' });
    const file = join(dir, 'p.layerlab');
    await saveProjectAs(doc, file);
    const config = join(dir, 'sweep.json');
    writeFileSync(config, JSON.stringify({ dimensions: [{ target: { node: 'nope', field: 'units' }, values: [1] }] }));
    const r = await cli(['sweep', file, '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the sweep cannot run \(1 problem\):\n- dimension 'nope.units': the model has no layer with id or name 'nope'/);
  });
});
