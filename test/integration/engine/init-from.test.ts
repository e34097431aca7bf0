/**
 * Fine-tuning from a run's weights (issue 17): `layerlab train P.layerlab --init-from RUN` on real MNIST starts
 * where the run ended (its first epoch's loss is far below a fresh run's), names the run it started from, and
 * stores a new run; a TF.js model.json with weight files trains from them (--fresh: new weights); a model whose layers changed is refused with every mismatch listed; the matching itself
 * (applyInitialWeights) sets exactly the run's values and lists missing, extra and wrongly shaped weights.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { applyInitialWeights, weightMismatches } from '../../../main/engine/training/init-weights';
import { createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { saveProject } from '../../support/project-files';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema } from '../../../shared/training';
import { repoRoot } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-init-from-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mnist = resolve(repoRoot, '../shared/datasets/mnist');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, LAYERLAB_CACHE_DIR: join(dir, 'cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const epochs = (out: string) => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);

describe('train --init-from RUN', () => {
  it('starts from the run\'s trained weights, says so, stores a new run; refuses a changed model listing every mismatch', async () => {
    const file = join(dir, 'mlp.layerlab');
    const doc = createProject({ name: 'mlp' });
    doc.project.graph = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: 32, activation: 'relu' }], ['Dense', { units: 10, activation: 'softmax' }]]);
    doc.project.training = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 2, batch_size: 32, limit_train: 2000, limit_test: 500 });
    await saveProjectAs(doc, file);

    const fresh = cli('train', file, '--data-dir', mnist, '--json');
    expect(fresh.code, fresh.stderr).toBe(0);
    const freshEpochs = epochs(fresh.stdout);
    const tuned = cli('train', file, '--data-dir', mnist, '--epochs', '1', '--init-from', '1', '--json');
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stderr).toMatch(/weights: from run #1 \(run-[\w-]+\) \(the optimizer starts afresh\)/);
    const first = epochs(tuned.stdout)[0]!;
    // Fresh weights start near ln(10) = 2.3; the run ended its 2 epochs far lower, and fine-tuning starts there.
    expect(freshEpochs[0]!.loss).toBeGreaterThan(0.7);
    expect(first.loss).toBeLessThan(freshEpochs[1]!.loss * 1.2);
    expect(first.loss).toBeLessThan(freshEpochs[0]!.loss * 0.6);
    expect((await openProject(file)).doc.runs).toHaveLength(2);

    // A TF.js model.json with its weight files (run #1 exported) trains from those weights; --fresh does not.
    expect(cli('export', file, '--format', 'tfjs', '--run', (await openProject(file)).doc.runs[0]!.meta.id, '--out', join(dir, 'tfjs')).code).toBe(0);
    const model = join(dir, 'tfjs', 'model.json');
    const flags = ['--dataset', 'mnist', '--data-dir', mnist, '--epochs', '1', '--limit-train', '2000', '--limit-test', '500', '--batch-size', '32', '--optimizer', 'adam', '--learning-rate', '0.001', '--json'];
    const fromFile = cli('train', model, ...flags);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toMatch(/weights: from the weights in .*model\.json/);
    const anew = cli('train', model, ...flags, '--fresh');
    expect(anew.stderr).not.toMatch(/weights: from/);
    expect(epochs(fromFile.stdout)[0]!.loss).toBeLessThan(epochs(anew.stdout)[0]!.loss * 0.6);

    // The same run's weights do not fit a wider hidden layer: every mismatch in one message, nothing trained.
    const changed = (await openProject(file)).doc;
    const hidden = changed.project.graph.nodes.find((n) => n.kind === 'Dense' && n.config.units === 32)!;
    hidden.config = { ...hidden.config, units: 48 };
    await saveProject(changed);
    const refused = cli('train', file, '--data-dir', mnist, '--epochs', '1', '--init-from', '1');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/the weights of run #1 \(run-[\w-]+\) do not fit this model \(3 mismatches\)/);
    expect(refused.stderr).toMatch(/\/kernel: \[784, 32\] in the run, \[784, 48\] in this model/);
    expect(refused.stderr).toMatch(/\/bias: \[32\] in the run, \[48\] in this model/);
    expect(refused.stderr).toMatch(/\/kernel: \[32, 10\] in the run, \[48, 10\] in this model/);
    expect(refused.stderr).toMatch(/open it from the run history/);

    const unknown = cli('train', file, '--data-dir', mnist, '--init-from', '7');
    expect(unknown.stderr).toMatch(/--init-from 7: .* has no such run \(its runs: #1 run-.*, #2 run-.*\)/);
    const both = cli('train', file, '--init-from', '1', '--resume', 'x');
    expect(both.stderr).toMatch(/give one of them/);
    expect(cli('train', model, '--dataset', 'mnist', '--epochs', '1', '--init-from', '1').stderr).toMatch(/--init-from RUN takes the weights of a run stored in a project/);
  }, 600_000);

  it('applyInitialWeights copies the run\'s values by name; weightMismatches lists missing, extra and reshaped weights', async () => {
    await tf.setBackend('cpu');
    const build = (units: number) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units, name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })] });
    const source = build(4);
    const target = build(4);
    const weights = source.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
    applyInitialWeights(target, { run: 'run #1', weights });
    target.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(weights[i]!.data)));

    const wider = build(5).weights.map((w) => ({ name: w.originalName, shape: w.shape }));
    expect(weightMismatches(wider, [...weights.slice(0, 3), { name: 'extra/kernel', shape: [1] }])).toEqual([
      'hidden/kernel: [3, 4] in the run, [3, 5] in this model',
      'hidden/bias: [4] in the run, [5] in this model',
      'out/kernel: [4, 2] in the run, [5, 2] in this model',
      'out/bias [2]: not in the run',
      'extra/kernel [1]: in the run, not in this model',
    ]);
    expect(() => applyInitialWeights(build(5), { run: 'run #1', weights })).toThrow(/do not fit this model \(3 mismatches\)/);
  });
});
