/** `layerlab train MODEL --dataset PATH`, spawned as a user runs it, on the real Boston Housing CSV and MNIST PNGs. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnDatasetConfigSchema } from '../../../shared/data-preprocessing';
import { openProject } from '../../../main/projects/service';
import { parseTrainArgs, prepareRun } from '../../../main/commands/train';
import { openOwnData } from '../../../main/datasets/own-data';
import { fixture, repoRoot } from './paths';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'layerlab-own-cli-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const housing = path.resolve(repoRoot, '../shared/datasets/boston-housing/housing.csv');
const fixtures = path.resolve(repoRoot, '../shared/datasets/fixtures');

function cli(...args: string[]) {
  const env = { ...process.env, LAYERLAB_CACHE_DIR: cacheDir };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bostonModel = path.join(cacheDir, 'boston.json');
writeFileSync(bostonModel, JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'boston',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 13], dtype: 'float32', name: 'input' } },
      { class_name: 'Dense', config: { units: 16, activation: 'relu', name: 'hidden' } },
      { class_name: 'Dense', config: { units: 1, name: 'out' } },
    ],
  },
}));

describe('layerlab train --dataset PATH', () => {
  it('housing.csv with --label-column MEDV is a regression: --json epochs carry loss, mae, val_loss, val_mae and no accuracy; val MAE and RMSE at the end', () => {
    const r = cli('train', bostonModel, '--dataset', housing, '--label-column', 'MEDV', '--epochs', '2', '--optimizer', 'rmsprop', '--learning-rate', '0.01', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['epoch', 'loss', 'mae', 'val_loss', 'val_mae', 'seconds', 'samples_per_second', 'backend']);
      for (const k of ['loss', 'mae', 'val_loss', 'val_mae']) expect(Number.isFinite(l[k]), k).toBe(true);
    }
    // 506 rows: the last round(101.2) = 101 validate.
    expect(r.stderr).toMatch(/data: 405 training and 101 validation samples, input \[13\]/);
    const summary = /val MAE (\d+\.\d+), val RMSE (\d+\.\d+)/.exec(r.stderr);
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBeCloseTo(lines[1]!.val_mae!, 3);
    expect(Number(summary![2])).toBeCloseTo(Math.sqrt(lines[1]!.val_loss!), 3);
  });

  it('an MNIST PNG folder trains as classification (acc reported); a stray file is one warning', () => {
    const dir = path.join(cacheDir, 'digits');
    for (const f of readdirSync(fixtures).filter((n) => n.startsWith('mnist_'))) {
      const cls = path.join(dir, f.replace(/^mnist_\d+_(\d)\.png$/, 'digit$1'));
      mkdirSync(cls, { recursive: true });
      copyFileSync(path.join(fixtures, f), path.join(cls, f));
    }
    writeFileSync(path.join(dir, 'README.md'), 'my digits');
    const r = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', dir, '--epochs', '1', '--batch-size', '5', '--validation-split', '0.25', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: skipped 1 file that is not an image (.png/.jpg/.jpeg/.bmp/.gif): ${path.join(dir, 'README.md')}`);
    expect(r.stderr).toMatch(/data: 15 training and 5 validation samples, input \[784\]/);
    const epoch = JSON.parse(r.stdout.trim()) as Record<string, number>;
    expect(Object.keys(epoch)).toContain('acc');
    const strict = cli('train', fixture('mlp-784-64-64-10.json'), '--dataset', dir, '--epochs', '1', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('found 1 file that is not an image (.png/.jpg/.jpeg/.bmp/.gif)');
    expect(strict.stderr).toContain('Remove it, or leave out --strict to skip it.');
  });

  it('a project run stores the data source, the preprocessing record and the fingerprint in its config', () => {
    const project = path.join(cacheDir, 'boston.layerlab');
    expect(cli('new', project, '--template', 'boston-mlp').code).toBe(0);
    const r = cli('train', project, '--dataset', housing, '--label-column', 'MEDV', '--epochs', '1', '--validation-split', '0.1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 1\/1: loss \d+\.\d+ mae \d+\.\d+ val_loss \d+\.\d+ val_mae \d+\.\d+/);
    expect(r.stdout).toMatch(/regression result \(last epoch\): val MAE \d+\.\d+, val RMSE \d+\.\d+/);
    return openProject(project).then(({ doc }) => {
      const config = doc.runs[0]!.meta.config as { dataset: unknown; loss: string; metrics: string[]; validation: unknown; optimizer: { name: string } };
      const own = OwnDatasetConfigSchema.parse(config.dataset);
      expect(own.source).toMatchObject({ kind: 'csv', path: housing, label_column: 'MEDV', validation_split: 0.1 });
      expect(own.preprocessing).toMatchObject({ task: 'regression', label_column: 'MEDV', validation: { kind: 'last-fraction', fraction: 0.1 } });
      expect(own.preprocessing.features).toHaveLength(13);
      expect(own.fingerprint).toMatchObject({ bytes: 34723, files: 1 });
      expect(config).toMatchObject({ loss: 'mse', metrics: ['mae'], validation: { kind: 'split', fraction: 0.1 }, optimizer: { name: 'rmsprop' } });
    });
  });

  it('a stopped run on own data resumes from its checkpoint with the same preprocessing', () => {
    const first = cli('train', bostonModel, '--dataset', housing, '--label-column', 'MEDV', '--epochs', '1', '--json');
    expect(first.code, first.stderr).toBe(0);
    const runId = /--resume (cli-\S+)\)/.exec(first.stderr)![1]!;
    const resumed = cli('train', bostonModel, '--dataset', housing, '--label-column', 'MEDV', '--epochs', '2', '--resume', runId, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('after epoch 1');
    const epochs = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; val_mae: number });
    expect(epochs.map((e) => e.epoch)).toEqual([2]);
    expect(Number.isFinite(epochs[0]!.val_mae)).toBe(true);
  });

  it('a sweep runs its trials on own data (config.dataset from the record)', async () => {
    const own = await openOwnData({ path: housing, label_column: 'MEDV' });
    const sweep = path.join(cacheDir, 'sweep.json');
    writeFileSync(sweep, JSON.stringify({
      name: 'lr',
      dimensions: [{ target: { training: 'learning_rate' }, values: [0.001, 0.01] }],
      objective: { metric: 'val_mae', mode: 'min' },
      training: { dataset: own.config, loss: 'mse', metrics: ['mae'], validation: { kind: 'split', fraction: 0.2 }, epochs: 1, optimizer: { name: 'rmsprop', learning_rate: 0.001 } },
    }));
    const r = cli('sweep', bostonModel, '--config', sweep);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^trial \d\/2 done {2}val_mae \d+\.\d{4}/.test(l))).toHaveLength(2);
  });

  // In process (parse the flags, read the model and the data as `train` does): starting the CLI costs seconds each.
  it.each([
    ['no label column', ['--dataset', housing], /which column is the label\? None is named label\/target\/class\/y: pass --label-column NAME\. The columns are: CRIM, .*, MEDV\./],
    ['a fraction out of range', ['--dataset', housing, '--validation-split', '1.5'], /--validation-split must be a fraction between 0 and 1 \(exclusive\), e\.g\. 0\.2; got '1\.5'/],
    ['a bad task', ['--dataset', housing, '--task', 'clustering'], /--task must be classification or regression, got 'clustering'/],
    ['a bad image size', ['--dataset', housing, '--image-size', '28'], /--image-size must be HEIGHTxWIDTH in pixels \(1\.\.4096\), e\.g\. 28x28; got '28'/],
    ['a bad colour', ['--dataset', housing, '--color', 'cmyk'], /--color must be grayscale or rgb, got 'cmyk'/],
    ['own-data flags with a catalog dataset', ['--dataset', 'mnist', '--label-column', 'x'], /--label-column apply to your own data: pass --dataset PATH/],
    ['a file of unknown format', ['--dataset', fixture('mlp-784-64-64-10.json')], /cannot tell the format of .*mlp-784-64-64-10\.json \(\.json\)/],
    ['classification asked for prices', ['--dataset', housing, '--label-column', 'MEDV', '--task', 'classification'], /label 21\.6 at row 2 \(line 3\) is not a whole number/],
    ['a missing --test path', ['--dataset', housing, '--label-column', 'MEDV', '--test', '/nonexistent/test.csv'], /--test \/nonexistent\/test\.csv: no such file or folder\./],
  ])('refuses %s with a message naming the fix', async (_what, flags, message) => {
    await expect(Promise.resolve().then(() => prepareRun(parseTrainArgs([bostonModel, ...flags, '--epochs', '1'])))).rejects.toThrowError(message);
  });

  it('warns when the data changed since the config recorded its fingerprint (size + sha256)', async () => {
    const copy = path.join(cacheDir, 'housing-copy.csv');
    copyFileSync(housing, copy);
    const own = await openOwnData({ path: copy, label_column: 'MEDV' });
    const configFile = path.join(cacheDir, 'own-config.json');
    writeFileSync(configFile, JSON.stringify({ dataset: own.config, loss: 'mse', metrics: ['mae'], validation: { kind: 'split', fraction: 0.2 } }));
    const unchanged = await prepareRun(parseTrainArgs([bostonModel, '--config', configFile, '--epochs', '1']));
    expect(unchanged.warnings).toBeUndefined();
    appendFileSync(copy, '0.1,0,1,0,0.5,6,50,4,1,300,15,390,5,22\n');
    const changed = await prepareRun(parseTrainArgs([bostonModel, '--config', configFile, '--epochs', '1']));
    expect(changed.warnings).toEqual([
      `the data at ${copy} changed since this configuration was made (1 files, 34723 bytes then; 1 files, 34762 bytes now): ` +
        `the stored preprocessing (standardisation, classes) is applied as it was; pass --dataset ${copy} to fit it again`,
    ]);
  });

  it('the CLI exits 1 and prints the refusal', () => {
    const r = cli('train', bostonModel, '--dataset', housing, '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pass --label-column NAME\. The columns are: CRIM, /);
  });
});
