/** Own-data paths in a project: relative to the project file for data in its folder or a sibling, else absolute. */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openOwnData } from '../../../main/datasets/own-data';
import { relativeToProject, resolveFromProject, withProjectRelativeData, withResolvedData } from '../../../main/datasets/project-relative';

const housing = resolve(fileURLToPath(import.meta.url), '../../../../../shared/datasets/boston-housing/housing.csv');
const project = '/home/ana/work/boston/boston.layerlab';

describe('relativeToProject', () => {
  it('data in the project folder or a sibling folder is stored relative, with /', () => {
    expect(relativeToProject('/home/ana/work/boston/housing.csv', project)).toBe('housing.csv');
    expect(relativeToProject('/home/ana/work/boston/data/train/housing.csv', project)).toBe('data/train/housing.csv');
    expect(relativeToProject('/home/ana/work/data/housing.csv', project)).toBe('../data/housing.csv');
  });
  it('a path already stored relative is kept: storing a stored config again changes nothing', () => {
    expect(relativeToProject('../data/housing.csv', project)).toBe('../data/housing.csv');
    expect(relativeToProject(relativeToProject('/home/ana/work/data/housing.csv', project), project)).toBe('../data/housing.csv');
  });
  it('data farther away (or the project folder itself) stays absolute', () => {
    expect(relativeToProject('/home/ana/datasets/housing.csv', project)).toBe('/home/ana/datasets/housing.csv');
    expect(relativeToProject('/srv/x.npz', project)).toBe('/srv/x.npz');
    expect(relativeToProject('/home/ana/work/boston', project)).toBe('/home/ana/work/boston');
  });
  it('resolves a relative path from the project folder wherever the project now is; absolute paths pass', () => {
    expect(resolveFromProject('../data/housing.csv', '/mnt/usb/work/boston/boston.layerlab')).toBe('/mnt/usb/work/data/housing.csv');
    expect(resolveFromProject('/srv/x.npz', project)).toBe('/srv/x.npz');
  });
});

describe('a config round trip', () => {
  it('relativises path and test_path, and a moved project reads them from its new folder; catalog configs pass', async () => {
    // A real record (the Boston Housing CSV), with its paths put where the user keeps them.
    const real = (await openOwnData({ path: housing, label_column: 'MEDV' })).config;
    const own = { ...real, source: { ...real.source, path: '/home/ana/work/data/housing.csv', test_path: '/home/ana/work/boston/test.csv' } };
    const stored = withProjectRelativeData({ dataset: own, loss: 'mse' }, project);
    expect(stored).toMatchObject({ loss: 'mse', dataset: { source: { path: '../data/housing.csv', test_path: 'test.csv', label_column: 'MEDV' } } });
    const moved = withResolvedData(stored, '/mnt/usb/work/boston/boston.layerlab');
    expect(moved.dataset).toMatchObject({ source: { path: '/mnt/usb/work/data/housing.csv', test_path: '/mnt/usb/work/boston/test.csv' } });
    expect(moved.dataset).toMatchObject({ preprocessing: real.preprocessing, fingerprint: real.fingerprint });
    const catalog = { dataset: { name: 'boston-housing' }, loss: 'mse' };
    expect(withProjectRelativeData(catalog, project)).toBe(catalog);
  });
});
