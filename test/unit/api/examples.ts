/** A valid params object for every API method, shared by the validation and fuzz tests. */
import { fileURLToPath } from 'node:url';
import type { ApiMethod, ApiParams } from '../../../shared/api';
import { requireLayerKind } from '../../../shared/layers/registry';
import type { RunnerFactory } from '../../../main/service/runner';

/** A node with the layer's full default config, as the editor creates it, plus overrides. */
export function node(id: string, kind: string, name: string, config: Record<string, unknown> = {}) {
  return { id, kind, name, config: { ...requireLayerKind(kind).defaults(), ...config } as Record<string, Json> };
}
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The workshop's first MLP, small: Input 28x28x1 -> Flatten -> Dense 32 relu -> Dense 10 softmax. */
export const mlpGraph = {
  nodes: [
    { ...node('in', 'InputLayer', 'input', { batch_input_shape: [null, 28, 28, 1] }), position: { x: 0, y: 0 } },
    node('flat', 'Flatten', 'flatten'),
    node('hidden', 'Dense', 'dense', { units: 32, activation: 'relu' }),
    node('out', 'Dense', 'output', { units: 10, activation: 'softmax' }),
  ],
  edges: [
    { id: 'e1', source: 'in', target: 'flat' },
    { id: 'e2', source: 'flat', target: 'hidden' },
    { id: 'e3', source: 'hidden', target: 'out' },
  ],
};

export const validParams: { [M in ApiMethod]: ApiParams<M> } = {
  'system.info': {},
  'datasets.list': {},
  'datasets.info': { name: 'mnist' },
  'datasets.preview': { name: 'mnist', split: 'test', offset: 0, count: 4 },
  'datasets.fetch': { name: 'mnist' },
  'datasets.inspect': { path: 'housing.csv', label_column: 'MEDV' },
  'datasets.browse': { path: '.' },
  'training.start': { graph: mlpGraph, config: { dataset: { name: 'mnist' }, epochs: 1, batch_size: 64, limit_train: 500 } },
  'training.pause': { runId: 'run-1' },
  'training.resume': { runId: 'run-1' },
  'training.stop': { runId: 'run-1' },
  'training.list': {},
  'training.get': { runId: 'run-1' },
  'training.predict': { runId: 'run-1', input: { pixels: new Array(784).fill(0), shape: [28, 28, 1] } },
  'training.text': { runId: 'run-1', sentence: 'a game of chess', word: 'game', count: 5, indices: [0, 3] },
  'projects.new': { template: 'mlp-64', name: 'My MLP' },
  'projects.open': { path: 'a.layerlab' },
  'projects.save': { path: 'a.layerlab', project: { version: 2, name: 'x' } },
  'projects.saveAs': { path: 'b.layerlab', project: { version: 2, name: 'x' } },
  'projects.listRecent': {},
  'projects.autosave': { project: { version: 2, name: 'x' }, path: null },
  'projects.recoverable': {},
  'projects.recover': { id: 'lz1abc-12345678' },
  'projects.discardRecovery': { id: 'lz1abc-12345678' },
  'files.list': { path: 'projects' },
  'projects.import': { path: 'model.json' },
  'sweeps.start': {
    config: { name: 'width', dimensions: [{ target: { node: 'hidden', field: 'units' }, values: [16, 32] }], strategy: { type: 'grid' } },
    graph: mlpGraph,
    training: { dataset: { name: 'mnist' }, epochs: 1, limit_train: 300, limit_test: 100 },
  },
  'sweeps.pause': { sweepId: 'sweep-1' },
  'sweeps.resume': { sweepId: 'sweep-1' },
  'sweeps.stop': { sweepId: 'sweep-1' },
  'sweeps.list': {},
  'sweeps.get': { sweepId: 'sweep-1' },
  'export.run': { format: 'keras', graph: mlpGraph, path: 'export' },
};

/** For each method, one field that holds a string and where to find it, to build oversized values. */
export const stringField: Partial<Record<ApiMethod, string[]>> = {
  'datasets.info': ['name'],
  'datasets.preview': ['name'],
  'datasets.fetch': ['name'],
  'training.start': ['graph', 'nodes', '0', 'name'],
  'training.pause': ['runId'],
  'training.resume': ['runId'],
  'training.stop': ['runId'],
  'training.get': ['runId'],
  'training.predict': ['runId'],
  'training.text': ['sentence'],
  'projects.new': ['name'],
  'projects.open': ['path'],
  'projects.save': ['path'],
  'projects.saveAs': ['path'],
  'projects.import': ['path'],
  'sweeps.start': ['graph', 'nodes', '0', 'name'],
  'sweeps.pause': ['sweepId'],
  'sweeps.resume': ['sweepId'],
  'sweeps.stop': ['sweepId'],
  'sweeps.get': ['sweepId'],
  'export.run': ['path'],
};

/** The real dataset copies, resolved from the repo root (../shared/datasets). */
export const MIRROR = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));

/**
 * A runner that fails every run at once: fuzzing may produce a valid training.start, and starting real workers
 * thousands of times would test nothing about validation. Returns the factory and how many runs it was asked for.
 */
export function refusingRunnerFactory(): { factory: RunnerFactory; started: () => number } {
  let started = 0;
  const factory: RunnerFactory = (_spec, onMessage) => {
    started++;
    queueMicrotask(() => onMessage({ type: 'failed', message: 'not started in the fuzz test' }));
    return {
      threadId: 0,
      pause() {},
      resume() {},
      stop() {},
      predict: async () => ({ probabilities: [], predicted: 0 }),
      weights: async () => [],
      kill: async () => {},
    };
  };
  return { factory, started: () => started };
}
