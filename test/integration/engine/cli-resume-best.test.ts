/**
 * A resumed run's best epoch counts its earlier sessions (follow-up of #14). With Adam at 0.02 on the tiny subset
 * (seed 7, cpu) the validation loss is lowest after the first epoch and only rises after it, so the whole run's best
 * epoch lies in the session that is SIGKILLed; the resumed session must keep it (its checkpoint carries the best
 * epoch and its weights), not restart the count at the resume. The stored best weights, reloaded, give that loss.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRunWeights, openProject } from '../../../main/projects/service';
import { loadModelFromWeights } from '../../../main/engine/stored-weights';
import { mnistTensors } from '../training/support/mnist';
import { cli, startTraining, TINY, waitForRun } from './cli-training';

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-cli-resume-best-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SETTINGS = ['--optimizer', 'adam', '--learning-rate', '0.02', '--seed', '7'];

it('after a kill and --resume, the best epoch of the whole run wins, with its weights from the earlier session', async () => {
  const file = path.join(dir, 'p.layerlab');
  expect(cli(dir, 'new', file, '--template', 'mlp-64').code).toBe(0);
  const training = startTraining(dir, [file, ...TINY, '--epochs', '40', ...SETTINGS]);
  // Past the first epoch by at least two, so the checkpoint resumed from lies after the best epoch.
  await waitForRun(file, (runs) => runs.find((r) => r.history.length >= 3), training);
  await training.kill();
  const [killed] = (await openProject(file)).doc.runs.map((r) => r.meta);
  expect(killed).toMatchObject({ status: 'interrupted', hasWeights: false });
  expect(killed!.bestWeights).toBeUndefined(); // nothing in the project: the checkpoint is what carries it
  const checkpoint = (killed!.telemetry as { checkpoint: string }).checkpoint;
  expect(readdirSync(checkpoint).filter((n) => /^best-\d+\.bin$/.test(n))).toEqual(['best-0.bin']);

  const resumed = cli(dir, 'train', file, '--resume', '#1', '--epochs', String(killed!.history.length + 2), ...TINY);
  expect(resumed.code).toBe(0);
  const from = Number(/after epoch (\d+)/.exec(resumed.stdout)![1]);

  const { doc } = await openProject(file);
  const run = doc.runs[0]!;
  const valLosses = run.meta.history.map((h) => h.metrics.val_loss!);
  const bestEpoch = valLosses.indexOf(Math.min(...valLosses));
  // The configuration does what this test needs: the best epoch is the first, trained before the resume.
  expect(bestEpoch).toBe(0);
  expect(bestEpoch).toBeLessThan(from);
  expect(run.meta.bestWeights).toEqual({ epoch: bestEpoch, monitor: 'val_loss', value: valLosses[bestEpoch], stored: true });
  expect(cli(dir, 'info', file).stdout).toContain(`best: epoch ${bestEpoch + 1} val_loss=`);

  // The stored best weights are that epoch's: on the run's validation set (the first 40 test images) they give its loss.
  const model = await loadModelFromWeights(await loadRunWeights(doc, run.meta.id, 'best'));
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const { x, y } = mnistTensors('test', 40);
  const loss = model.evaluate(x, y) as tf.Scalar;
  expect(Math.abs((await loss.data())[0]! - valLosses[bestEpoch]!)).toBeLessThan(1e-5);
  tf.dispose([x, y, loss]);
  model.dispose();
}, 240_000);
