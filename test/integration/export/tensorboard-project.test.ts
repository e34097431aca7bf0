/**
 * `layerlab export P.layerlab --format tensorboard --run all --out DIR`: each stored run becomes DIR/<run id>/ with
 * its epoch metrics as scalars and its saved weights as histograms, read back with the event-file reader (record
 * framing and both CRCs checked).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerCustomLayers } from '../../../main/engine/layers';
import { readEventFile } from '../../../main/export/tensorboard/events';
import { addRun, createProject, openProject, saveProjectAs } from '../../../main/projects/service';
import { readRunState } from '../../../main/projects/telemetry';
import { captureModelWeights } from '../../../main/engine/stored-weights';
import { compileGraph } from '../../../shared/graph';
import { REPO } from './helpers';
import { cli, TINY } from '../engine/cli-training';

describe('TensorBoard export of a project', () => {
  it('writes one event file per run: scalars per epoch and weight histograms, readable back', async () => {
    await tf.setBackend('cpu');
    registerCustomLayers();
    const dir = mkdtempSync(join(tmpdir(), 'll-tb-project-'));
    const doc = createProject({ name: 'mlp', templateId: 'mlp-64' });
    const model = await tf.models.modelFromJSON({ modelTopology: compileGraph(doc.project.graph) as unknown as tf.io.ModelJSON['modelTopology'] });
    const history = [0, 1, 2].map((epoch) => ({ epoch, metrics: { loss: 1 / (epoch + 1), acc: 0.5 + epoch / 10, val_loss: 1.2 / (epoch + 1), val_acc: 0.45 + epoch / 10 }, time: 10 * (epoch + 1) }));
    addRun(doc, { status: 'completed', config: doc.project.training, graph: doc.project.graph, history, durationSeconds: 30, weights: await captureModelWeights(model) });
    addRun(doc, { status: 'completed', config: doc.project.training, graph: doc.project.graph, history: history.slice(0, 2), durationSeconds: 20 });
    const file = join(dir, 'mlp.layerlab');
    await saveProjectAs(doc, file);

    const out = join(dir, 'tb');
    const r = spawnSync(process.execPath, [join(REPO, 'bin/layerlab.js'), 'export', file, '--format', 'tensorboard', '--run', 'all', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const files = r.stdout.match(/exported tensorboard to .*: (.*)\n/)![1]!.split(', ');
    expect(files).toHaveLength(2);
    // Both runs stored no per-epoch telemetry: the note says their histograms are of the final weights, naming them.
    const ids = doc.runs.map((x) => x.meta.id);
    expect(r.stdout).toContain(`histograms and filter pictures of ${ids.join(', ')} are of the saved (final) weights`);
    const first = readEventFile(readFileSync(join(out, files[0]!)));
    const scalars = first.filter((e) => e.summary?.value[0]?.simple_value !== undefined);
    expect(scalars.filter((e) => e.summary!.value[0]!.tag === 'epoch/val_acc').map((e) => [e.step, e.summary!.value[0]!.simple_value])).toEqual([
      [0, expect.closeTo(0.45, 6)], [1, expect.closeTo(0.55, 6)], [2, expect.closeTo(0.65, 6)],
    ]);
    const histos = first.filter((e) => e.summary?.value[0]?.histo);
    expect(histos.map((e) => e.summary!.value[0]!.tag)).toEqual(model.weights.map((w) => w.originalName));
    const kernel = histos[0]!.summary!.value[0]!.histo!;
    expect(kernel.num).toBe(784 * 64);
    const second = readEventFile(readFileSync(join(out, files[1]!)));
    expect(second.filter((e) => e.summary?.value[0]?.histo)).toHaveLength(0);
    expect(second.filter((e) => e.summary?.value[0]?.tag === 'epoch/loss')).toHaveLength(2);
    model.dispose();
  }, 150_000);
});

describe('TensorBoard export of a run trained into a project', () => {
  it('logs every epoch of the stored dashboard: histograms and filter pictures per epoch, batch losses and accuracies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-tb-trained-'));
    const file = join(dir, 'cnn.layerlab');
    expect(cli(dir, 'new', file, '--template', 'cnn-first').code).toBe(0);
    const trained = cli(dir, 'train', file, ...TINY, '--epochs', '2', '--seed', '3');
    expect(trained.code, trained.stderr).toBe(0);
    // The run stored its per-batch accuracy beside the loss, read back from the file: points within both epochs at
    // fractional epochs, each a fraction of the batch's samples.
    const { doc } = await openProject(file);
    const shown = (await readRunState(file, doc.runs[0]!.meta.id))!;
    const acc = shown.batches.map((b) => [b.epoch + (b.batch + 1) / b.batches, b.metrics?.acc] as const);
    expect(acc.length).toBeGreaterThanOrEqual(2 * 5);
    expect(acc.filter(([x]) => !Number.isInteger(x)).length).toBeGreaterThan(acc.length / 2);
    expect(new Set(shown.batches.map((b) => b.epoch))).toEqual(new Set([0, 1]));
    for (const [, a] of acc) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    // A real curve: the accuracy moves between batches (10 batches of 20 samples: steps of 0.05).
    expect(new Set(acc.map(([, a]) => a)).size).toBeGreaterThan(2);
    const out = join(dir, 'tb');
    const r = cli(dir, 'export', file, '--format', 'tensorboard', '--run', 'latest', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const [name] = r.stdout.match(/exported tensorboard to .*: (.*)\n/)![1]!.split(', ');
    // No note that the pictures are of the final weights only: they are each epoch's.
    expect(r.stdout).not.toMatch(/final\) weights/);
    const events = readEventFile(readFileSync(join(out, name!)));
    const stepsOf = (pick: (v: NonNullable<(typeof events)[number]['summary']>['value'][number]) => boolean) =>
      [...new Set(events.filter((e) => e.summary?.value.some(pick)).map((e) => Number(e.step)))].sort();
    // Both epochs' weight histograms and conv filter pictures, not only the final weights'.
    expect(stepsOf((v) => Boolean(v.histo))).toEqual([0, 1]);
    expect(stepsOf((v) => Boolean(v.image))).toEqual([0, 1]);
    // The per-batch losses and accuracies the dashboard drew are there too, at the same steps, more of them than epochs.
    const batchSteps = (tag: string) => events.filter((e) => e.summary?.value.some((v) => v.tag === tag)).map((e) => Number(e.step));
    expect(batchSteps('batch/loss').length).toBeGreaterThan(2);
    expect(batchSteps('batch/acc')).toEqual(batchSteps('batch/loss'));
    rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
