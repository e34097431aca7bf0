import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import {
  applyTrial,
  bestTrial,
  checkSweepTargets,
  createSweepState,
  decidePromotion,
  disableNode,
  expandTrials,
  formatSweepTable,
  gridTrials,
  objectiveValue,
  parseSweepConfig,
  randomTrials,
  rangeValues,
  rankTrials,
  rungEpochs,
  SweepConfigError,
  SweepConfigSchema,
  type SweepConfigInput,
  type TrialRecord,
} from '../../../shared/sweep/index';
import { sequentialGraph } from '../../../shared/templates/builder';
import { defaultTrainingConfig } from '../../../shared/training';

/** input_layer -> flatten -> dense (32, relu) -> dropout (0.2) -> dense_1 (10, softmax) */
const mlp = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: 32, activation: 'relu' }], ['Dropout', { rate: 0.2 }], ['Dense', { units: 10, activation: 'softmax' }]]);
const cnn = sequentialGraph([null, 28, 28, 1], [['Conv2D', { filters: 8, kernel_size: [3, 3], activation: 'relu' }], ['BatchNormalization'], ['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]]);
const sweep = (input: SweepConfigInput) => SweepConfigSchema.parse(input);
const base = defaultTrainingConfig();

describe('sweep config schema', () => {
  it('fills defaults and names dimensions after their targets', () => {
    const c = sweep({ dimensions: [{ target: { node: 'dense', field: 'units' }, values: [16, 32] }, { target: { toggle: 'dropout' } }] });
    expect(c.strategy).toEqual({ type: 'grid' });
    expect(c.objective).toEqual({ metric: 'val_acc', mode: 'max', summary: 'last' });
    expect(gridTrials(c)).toEqual([
      { 'dense.units': 16, 'dropout on': true },
      { 'dense.units': 16, 'dropout on': false },
      { 'dense.units': 32, 'dropout on': true },
      { 'dense.units': 32, 'dropout on': false },
    ]);
  });

  it.each([
    [{ dimensions: [] }, 'at least one dimension'],
    [{ dimensions: [{ target: { node: 'dense', field: 'units' } }] }, 'needs values'],
    [{ dimensions: [{ target: { training: 'learning_rate' }, range: { min: 0, max: 1, scale: 'log' } }] }, 'log range needs min > 0'],
    [{ dimensions: [{ target: { training: 'learning_rate' }, range: { min: 1, max: 0.1 } }] }, 'swap them'],
    [{ dimensions: [{ target: { toggle: 'dropout' }, values: [1] }] }, 'booleans only'],
    [{ dimensions: [{ target: { training: 'epochs' }, values: [1, 2] }], strategy: { type: 'successive_halving', max_epochs: 4 } }, 'remove the epochs dimension'],
    [{ dimensions: [{ target: { training: 'lr' }, values: [1] }], stratgy: {} }, "unknown field(s) 'stratgy'"],
    [{ dimensions: [{ target: { training: 'x' }, values: [1] }, { target: { training: 'x' }, values: [2] }] }, "two dimensions are called 'x'"],
  ])('rejects %j with a clear message', (input, message) => {
    const r = parseSweepConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('ranges and sampling', () => {
  it('expands linear and log ranges with step or count', () => {
    expect(rangeValues({ type: 'float', min: 0.1, max: 0.5, scale: 'linear', step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rangeValues({ type: 'float', min: 1e-4, max: 1e-1, scale: 'log', step: 10 })).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(rangeValues({ type: 'float', min: 1e-3, max: 1e-1, scale: 'log', count: 3 })).toEqual([1e-3, 1e-2, 1e-1]);
    expect(rangeValues({ type: 'int', min: 16, max: 128, scale: 'log', count: 4 })).toEqual([16, 32, 64, 128]);
    expect(rangeValues({ type: 'int', min: 1, max: 4, scale: 'linear' })).toEqual([1, 2, 3, 4]);
    expect(rangeValues({ type: 'float', min: 0, max: 1, scale: 'linear' })).toBeNull();
  });

  it('random trials are seeded, stay in range, and follow the log scale', () => {
    const c = sweep({
      dimensions: [{ target: { training: 'learning_rate' }, range: { min: 1e-4, max: 1e-1, scale: 'log' } }, { target: { training: 'optimizer' }, values: ['sgd', 'adam'] }],
      strategy: { type: 'random', trials: 200, seed: 7 },
    });
    const a = expandTrials(c);
    expect(expandTrials(c)).toEqual(a);
    expect(randomTrials(c, 200, 8)).not.toEqual(a);
    const lrs = a.map((t) => t.learning_rate as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about a third of the samples in each decade.
    const below1e3 = lrs.filter((v) => v < 1e-3).length;
    expect(below1e3).toBeGreaterThan(40);
    expect(below1e3).toBeLessThan(95);
    expect(new Set(a.map((t) => t.optimizer))).toEqual(new Set(['sgd', 'adam']));
  });

  it('refuses a grid larger than max_trials and a continuous range in a grid', () => {
    const big = sweep({ dimensions: [{ target: { training: 'seed' }, range: { type: 'int', min: 0, max: 2000 } }] });
    expect(() => gridTrials(big)).toThrow(/2001 trials, more than max_trials \(1000\)/);
    const cont = sweep({ dimensions: [{ target: { training: 'learning_rate' }, range: { min: 0.01, max: 0.1 } }] });
    expect(() => gridTrials(cont)).toThrow(/has no grid: give range.count or range.step/);
  });
});

describe('applying a trial', () => {
  it('sets node fields and training settings, and leaves the base untouched', () => {
    const dims = sweep({
      dimensions: [
        { target: { node: 'dense', field: 'units' }, values: [64] },
        { target: { node: 'dense', field: 'activation' }, values: ['tanh'] },
        { target: { training: 'optimizer' }, values: ['sgd'] },
        { target: { training: 'learning_rate' }, values: [0.05] },
        { target: { training: 'momentum' }, values: [0.9] },
        { target: { training: 'nesterov' }, values: [true] },
        { target: { training: 'batch_size' }, values: [64] },
        { target: { training: 'augmentation.rotation_range' }, values: [10] },
      ],
    }).dimensions;
    const values = { 'dense.units': 64, 'dense.activation': 'tanh', optimizer: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true, batch_size: 64, 'augmentation.rotation_range': 10 };
    const r = applyTrial(mlp, base, dims, values);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.graph.nodes.find((n) => n.id === 'dense')!.config).toMatchObject({ units: 64, activation: 'tanh' });
    expect(r.config.optimizer).toEqual({ name: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true });
    expect(r.config.batch_size).toBe(64);
    expect(r.config.augmentation.rotation_range).toBe(10);
    expect(mlp.nodes.find((n) => n.id === 'dense')!.config.units).toBe(32);
    expect(base.optimizer.name).toBe('adam');
    expect(analyzeGraph(r.graph).totals.total).toBe(784 * 64 + 64 + 64 * 10 + 10);
  });

  it('toggling a Dropout off removes it and wires its input to its consumer', () => {
    const dims = sweep({ dimensions: [{ target: { toggle: 'dropout' } }] }).dimensions;
    const off = applyTrial(mlp, base, dims, { 'dropout on': false });
    const on = applyTrial(mlp, base, dims, { 'dropout on': true });
    expect(off.ok && on.ok).toBe(true);
    if (!off.ok || !on.ok) return;
    expect(on.graph.nodes.map((n) => n.kind)).toContain('Dropout');
    expect(off.graph.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense']);
    expect(off.graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['input_layer->flatten', 'flatten->dense', 'dense->dense_1']);
    const layers = compileGraph(off.graph).config.layers.map((l) => l.class_name);
    expect(layers).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense']);
  });

  it('toggles BatchNormalization in a CNN and widens a scalar kernel_size to a tuple', () => {
    const dims = sweep({ dimensions: [{ target: { toggle: 'batch_normalization' } }, { target: { node: 'conv2d', field: 'kernel_size' }, values: [5] }] }).dimensions;
    const r = applyTrial(cnn, base, dims, { 'batch_normalization on': false, 'conv2d.kernel_size': 5 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.graph.nodes.some((n) => n.kind === 'BatchNormalization')).toBe(false);
    expect(r.graph.nodes.find((n) => n.id === 'conv2d')!.config.kernel_size).toEqual([5, 5]);
    expect(analyzeGraph(r.graph).nodes.flatten!.outputShape).toEqual([null, 24 * 24 * 8]);
  });

  it('reports invalid combinations as reasons instead of throwing', () => {
    const dims = sweep({
      dimensions: [
        { target: { node: 'dense', field: 'units' }, values: [0, 8] },
        { target: { training: 'optimizer' }, values: ['adam', 'sgd'] },
        { target: { training: 'momentum' }, values: [0.9] },
      ],
    }).dimensions;
    const zero = applyTrial(mlp, base, dims, { 'dense.units': 0, optimizer: 'sgd', momentum: 0.9 });
    expect(zero).toMatchObject({ ok: false });
    if (!zero.ok) expect(zero.reason).toMatch(/invalid model: .*units=0/);
    const adam = applyTrial(mlp, base, dims, { 'dense.units': 8, optimizer: 'adam', momentum: 0.9 });
    expect(adam).toEqual({ ok: false, reason: 'invalid training config: the adam optimizer has no momentum' });
    const conv = applyTrial(cnn, base, sweep({ dimensions: [{ target: { node: 'conv2d', field: 'kernel_size' }, values: [29] }] }).dimensions, { 'conv2d.kernel_size': 29 });
    expect(conv.ok).toBe(false);
    if (!conv.ok) expect(conv.reason).toMatch(/invalid model/);
  });

  it('checks targets against the model before any trial runs', () => {
    const c = sweep({
      dimensions: [
        { target: { node: 'dense_9', field: 'units' }, values: [1] },
        { target: { node: 'dense', field: 'filters' }, values: [1] },
        { target: { toggle: 'flatten' } },
        { target: { training: 'learning_rat' }, values: [1] },
      ],
    });
    const problems = checkSweepTargets(mlp, c);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/no layer with id or name 'dense_9'/);
    expect(problems[1]).toMatch(/dense \(Dense\) has no field 'filters'/);
    expect(problems[2]).toMatch(/flatten changes the shape/);
    expect(problems[3]).toMatch(/'learning_rat' is not a training setting/);
    expect(() => createSweepState(c, mlp)).toThrow(SweepConfigError);
  });

  it('disableNode keeps the input slot of a merge consumer', () => {
    const g = {
      nodes: [
        { id: 'a', kind: 'InputLayer', name: 'a', config: { batch_input_shape: [null, 4] } },
        { id: 'd', kind: 'Dropout', name: 'd', config: { rate: 0.5 } },
        { id: 'm', kind: 'Add', name: 'm', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'a', target: 'd' },
        { id: 'e2', source: 'd', target: 'm', targetIndex: 1 },
        { id: 'e3', source: 'a', target: 'm', targetIndex: 0 },
      ],
    };
    expect(disableNode(g, 'd').edges).toEqual([
      { id: 'e2~bypass', source: 'a', target: 'm', targetIndex: 1 },
      { id: 'e3', source: 'a', target: 'm', targetIndex: 0 },
    ]);
  });
});

describe('objective, ranking and successive halving', () => {
  const epochs = (vals: number[]) => vals.map((v, epoch) => ({ epoch, metrics: { val_acc: v, val_loss: 1 - v }, seconds: 1 }));
  const trial = (id: number, status: TrialRecord['status'], objective?: number): TrialRecord => ({ id, values: {}, status, history: [], ...(objective !== undefined ? { objective } : {}) });

  it('objective: last or best, up to an epoch', () => {
    const h = epochs([0.5, 0.8, 0.7]);
    expect(objectiveValue(h, { metric: 'val_acc', mode: 'max', summary: 'last' })).toBe(0.7);
    expect(objectiveValue(h, { metric: 'val_acc', mode: 'max', summary: 'best' })).toBe(0.8);
    expect(objectiveValue(h, { metric: 'val_loss', mode: 'min', summary: 'best' })).toBeCloseTo(0.2);
    expect(objectiveValue(h, { metric: 'val_acc', mode: 'max', summary: 'last' }, 1)).toBe(0.5);
    expect(objectiveValue(h, { metric: 'acc', mode: 'max', summary: 'last' })).toBeNull();
  });

  it('ranks done trials by objective, then terminated, then failed and skipped', () => {
    const trials = [trial(0, 'skipped'), trial(1, 'done', 0.7), trial(2, 'terminated-early', 0.9), trial(3, 'done', 0.8), trial(4, 'failed')];
    expect(rankTrials(trials, { metric: 'val_acc', mode: 'max', summary: 'last' }).map((t) => t.id)).toEqual([3, 1, 2, 4, 0]);
    expect(rankTrials(trials, { metric: 'val_loss', mode: 'min', summary: 'last' }).map((t) => t.id)).toEqual([1, 3, 2, 4, 0]);
    expect(bestTrial(trials, { metric: 'val_acc', mode: 'max', summary: 'last' })!.id).toBe(3);
  });

  it('rungs and promotions follow min_epochs * eta^k and the top 1/eta', () => {
    expect(rungEpochs({ type: 'successive_halving', sampler: 'grid', seed: 0, min_epochs: 1, max_epochs: 9, eta: 3 })).toEqual([1, 3]);
    expect(rungEpochs({ type: 'successive_halving', sampler: 'grid', seed: 0, min_epochs: 1, max_epochs: 10, eta: 2 })).toEqual([1, 2, 4, 8]);
    expect(rungEpochs({ type: 'grid' })).toEqual([]);
    // First at a rung always goes on; then it must be in the top floor(n / eta) (at least 1).
    expect(decidePromotion([], 0.1, 2, 'max')).toBe(true);
    expect(decidePromotion([0.5], 0.4, 2, 'max')).toBe(false);
    expect(decidePromotion([0.5], 0.6, 2, 'max')).toBe(true);
    expect(decidePromotion([0.5, 0.7, 0.2], 0.6, 2, 'max')).toBe(true); // 2nd of 4, quota 2
    expect(decidePromotion([0.5, 0.7, 0.2], 0.45, 2, 'max')).toBe(false); // 3rd of 4
    expect(decidePromotion([0.5], 0.6, 2, 'min')).toBe(false);
  });

  it('formats a ranked table with reasons', () => {
    const c = sweep({ dimensions: [{ target: { node: 'dense', field: 'units' }, values: [0, 16, 32] }] });
    const state = createSweepState(c, mlp, { now: new Date('2026-11-28T00:00:00Z') });
    state.trials[0]!.status = 'skipped';
    state.trials[0]!.reason = 'invalid model: units=0';
    Object.assign(state.trials[1]!, { status: 'done', objective: 0.81, durationSeconds: 2.5 });
    Object.assign(state.trials[2]!, { status: 'done', objective: 0.86, durationSeconds: 3 });
    const lines = formatSweepTable(state).split('\n');
    expect(lines[0]).toMatch(/^#\s+trial\s+dense\.units\s+val_acc\s+duration\s+status$/);
    expect(lines[2]).toMatch(/^1\s+3\s+32\s+0\.8600\s+3\.0 s\s+done$/);
    expect(lines[3]).toMatch(/^2\s+2\s+16\s+0\.8100/);
    expect(lines[4]).toMatch(/^3\s+1\s+0\s+-\s+-\s+skipped$/);
    expect(lines.at(-1)).toBe('trial 1 skipped: invalid model: units=0');
    expect(state.id).toMatch(/^sweep-20261128000000-[0-9a-f]{4}$/);
  });
});
