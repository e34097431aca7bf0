import { describe, expect, it } from 'vitest';
import {
  CURRENT_FORMAT_VERSION,
  FutureFormatError,
  ProjectFormatError,
  bestMetrics,
  detectFormatVersion,
  formatPath,
  migrateProject,
  migrateRun,
  projectSchema,
  weightsByteLength,
} from '../../../shared/format';
import { crc32 } from '../../../main/projects/crc32';
import { unsafeEntryNameReason } from '../../../main/projects/zip-reader';
import { projectPathFor } from '../../../main/projects/service';
import { randomProject, rng } from './random-project';

const v1Project = {
  version: 1,
  name: 'old',
  createdAt: '2025-01-01T00:00:00.000Z',
  model: {
    layers: [
      { id: 'a', type: 'InputLayer', name: 'input_1', params: { batch_input_shape: [null, 3] } },
      { id: 'b', type: 'Dense', name: 'dense', params: { units: 2 }, x: 5, y: 6 },
    ],
    connections: [{ from: 'a', to: 'b' }],
  },
  training: { optimizer: 'SGD', learningRate: 0.5, epochs: 2, batchSize: 4, loss: 'meanSquaredError' },
  dataset: null,
};

describe('project.json schema and errors', () => {
  it('JSON paths are written the way a person reads them', () => {
    expect(formatPath(['graph', 'nodes', 3, 'position', 'x'])).toBe('graph.nodes[3].position.x');
    expect(formatPath(['runs', 'my run', 0])).toBe('runs["my run"][0]');
    expect(formatPath([])).toBe('');
  });

  it('random projects validate, and a wrong type is reported with its path', () => {
    for (let seed = 1; seed <= 20; seed++) expect(projectSchema.safeParse(randomProject(rng(seed))).success).toBe(true);
    const bad = { ...randomProject(rng(1)), created: 'yesterday', training: 'fast' };
    const err = (() => {
      try {
        migrateProject(bad);
      } catch (e) {
        return e as ProjectFormatError;
      }
      throw new Error('expected a ProjectFormatError');
    })();
    expect(err).toBeInstanceOf(ProjectFormatError);
    expect(err.issues.map((i) => i.path)).toStrictEqual(['created', 'training']);
    expect(err.message).toMatch(/^project\.json is not valid: created: expected an ISO 8601 date-time; training: /);
  });

  it('format versions: v1 and v2 detected, future refused with a clear message, garbage refused', () => {
    expect(detectFormatVersion(v1Project)).toBe(1);
    expect(detectFormatVersion({ formatVersion: 2 })).toBe(2);
    expect(() => migrateProject({ formatVersion: CURRENT_FORMAT_VERSION + 1, appVersion: '3.0.0' })).toThrow(FutureFormatError);
    expect(() => migrateProject({ formatVersion: 7 })).toThrow(/format version 7.*reads format versions up to 3/);
    for (const junk of [null, [], 'x', { formatVersion: 0 }, { version: 1.5 }]) expect(() => detectFormatVersion(junk)).toThrow(/not a Layerlab project/);
  });

  it('v1 -> v2: graph renamed and reshaped, defaults filled, training renamed, viewport and notes added', () => {
    const { project, fromVersion } = migrateProject(v1Project);
    expect(fromVersion).toBe(1);
    expect(project.formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(project.modified).toBe(project.created);
    expect(project.graph.edges).toStrictEqual([{ id: 'e1_a_b', source: 'a', target: 'b' }]);
    expect(project.graph.nodes[0]!.position).toBeUndefined();
    expect(project.graph.nodes[1]!.position).toStrictEqual({ x: 5, y: 6 });
    expect(project.graph.nodes[1]!.config).toMatchObject({ units: 2, activation: 'linear', use_bias: true, kernel_initializer: 'glorot_uniform' });
    expect(project.training).toStrictEqual({ optimizer: { name: 'sgd', learning_rate: 0.5 }, loss: 'mse', epochs: 2, batch_size: 4 });
    expect(project.viewport).toStrictEqual({ x: 0, y: 0, zoom: 1 });
    expect(project.notes).toBe('');
    expect(project.dataset).toBeNull();
  });

  it('v1 errors point into the v1 layout', () => {
    const broken = structuredClone(v1Project) as { model: { layers: { params: unknown }[] } };
    broken.model.layers[1]!.params = 'units=2';
    expect(() => migrateProject(broken)).toThrow(/model\.layers\[1\]\.params: /);
  });

  it('v1 runs: flat epoch rows become history entries and best metrics are computed', () => {
    const run = migrateRun(
      {
        id: 'r',
        name: 'r',
        status: 'stopped',
        startedAt: '2025-01-01T00:00:00.000Z',
        config: v1Project.training,
        model: v1Project.model,
        epochs: [
          { epoch: 0, loss: 0.9, acc: 0.5, val_loss: null },
          { epoch: 1, loss: 0.4, acc: 0.45, val_loss: 0.6 },
        ],
        durationMs: 1500,
        weights: false,
      },
      1,
      'runs/r/run.json',
    );
    expect(run.history[0]).toStrictEqual({ epoch: 0, metrics: { loss: 0.9, acc: 0.5, val_loss: null } });
    expect(run.best).toStrictEqual({ loss: 0.4, acc: 0.5, val_loss: 0.6 });
    expect(run.durationSeconds).toBe(1.5);
    expect(run.status).toBe('stopped');
  });

  it('best metrics: losses and errors go down, accuracies go up, NaN/null skipped', () => {
    expect(
      bestMetrics([
        { epoch: 0, metrics: { loss: 1, val_mae: 3, acc: 0.2, auc: null } },
        { epoch: 1, metrics: { loss: 2, val_mae: 1, acc: 0.8, auc: 0.7 } },
        { epoch: 2, metrics: { loss: Number.NaN, val_mae: 2, acc: 0.5, auc: 0.6 } },
      ]),
    ).toStrictEqual({ loss: 1, val_mae: 1, acc: 0.8, auc: 0.7 });
  });

  it('weight byte lengths follow dtype and quantization', () => {
    expect(weightsByteLength([{ name: 'k', shape: [3, 4], dtype: 'float32' }, { name: 'b', shape: [4], dtype: 'int32' }])).toBe(64);
    expect(weightsByteLength([{ name: 'k', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8' } }])).toBe(10);
    expect(weightsByteLength([{ name: 's', shape: [2], dtype: 'string' }])).toBeNull();
  });
});

describe('file-level helpers', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it.each([
    ['project.json', null],
    ['runs/r1/weights.bin', null],
    ['../x', 'contains a ".." segment'],
    ['a/../../x', 'contains a ".." segment'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:/x', 'starts with a drive letter'],
    ['a\\b', 'contains a backslash'],
    ['a\0b', 'contains a NUL character'],
    ['', 'empty name'],
  ])('entry name %j: %s', (name, reason) => {
    expect(unsafeEntryNameReason(name)).toBe(reason);
  });

  it('new PATH gets .layerlab unless it already has it', () => {
    expect(projectPathFor('demo')).toBe('demo.layerlab');
    expect(projectPathFor('dir/demo.layerlab')).toBe('dir/demo.layerlab');
    expect(projectPathFor('Demo.LayerLab')).toBe('Demo.LayerLab');
    expect(projectPathFor('demo.json')).toBe('demo.json.layerlab');
  });
});
