/**
 * A project trained on data in a sibling folder stores the data relative to the project file, and keeps training
 * after the user moves the project together with its data (the CLI, spawned as a user runs it).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OwnDatasetConfigSchema } from '../../../shared/data-preprocessing';
import { openProject } from '../../../main/projects/service';
import { saveProject } from '../../support/project-files';
import { repoRoot } from './paths';

const tmp = mkdtempSync(path.join(tmpdir(), 'layerlab-own-moved-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const housing = path.resolve(repoRoot, '../shared/datasets/boston-housing/housing.csv');

function cli(...args: string[]) {
  const env = { ...process.env, LAYERLAB_CACHE_DIR: path.join(tmp, 'cache') };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('stores ../data/housing.csv, and the moved project (with its data) still trains on it', async () => {
  const before = path.join(tmp, 'work');
  mkdirSync(path.join(before, 'data'), { recursive: true });
  mkdirSync(path.join(before, 'boston'));
  copyFileSync(housing, path.join(before, 'data', 'housing.csv'));
  const project = path.join(before, 'boston', 'boston.layerlab');
  expect(cli('new', project, '--template', 'boston-mlp').code).toBe(0);
  const first = cli('train', project, '--dataset', path.join(before, 'data', 'housing.csv'), '--label-column', 'MEDV', '--epochs', '1');
  expect(first.code, first.stderr).toBe(0);

  const { doc } = await openProject(project);
  const runConfig = doc.runs[0]!.meta.config;
  expect(OwnDatasetConfigSchema.parse(runConfig.dataset).source.path).toBe('../data/housing.csv');
  // The user keeps this run's config as the project's training config (as "apply run config" does in the window).
  await saveProject({ ...doc, project: { ...doc.project, training: runConfig } });

  const after = path.join(tmp, 'moved');
  renameSync(before, after);
  const moved = path.join(after, 'boston', 'boston.layerlab');
  const second = cli('train', moved, '--epochs', '1');
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).not.toMatch(/cannot be read|changed since/);
  expect(second.stdout).toMatch(/regression result \(last epoch\): val MAE \d+\.\d+/);
  const reopened = await openProject(moved);
  expect(reopened.doc.runs).toHaveLength(2);
  expect(OwnDatasetConfigSchema.parse((reopened.doc.runs[1]!.meta.config as { dataset: unknown }).dataset).source.path).toBe('../data/housing.csv');
}, 240_000);
