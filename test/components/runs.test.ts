import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { EpochRecord, RunSummary, TrainingWarning } from '../../shared/api';
import { TrainingConfigSchema } from '../../shared/training';
import { bestValAccuracy, configDiff, diffLabel, durationSeconds, graphDiff, lrLines, overlayLines, runOrdinals, sortRuns } from '../../renderer/src/training/compare';
import { defaultDraft, runConfig } from '../../renderer/src/training/form';
import HealthWarnings from '../../renderer/src/training/HealthWarnings.svelte';
import RunsTable from '../../renderer/src/training/RunsTable.svelte';
import WrongGallery from '../../renderer/src/training/WrongGallery.svelte';
import { chain, MNIST_CNN } from './fixtures';

const epoch = (e: number, acc: number, lr = 0.01): EpochRecord => ({ epoch: e, metrics: { loss: 1 - acc, acc, val_loss: 1.1 - acc, val_acc: acc - 0.05 }, lr, seconds: 2 });

function run(id: string, over: { lr?: number; limit?: number; accs?: number[]; created: string; seconds?: number }): RunSummary {
  const form = defaultDraft();
  form.config.optimizer.learning_rate = over.lr ?? 0.01;
  form.config.limit_train = over.limit ?? 2000;
  const config = TrainingConfigSchema.parse(runConfig(form));
  const started = Date.parse(over.created);
  return {
    runId: id,
    name: 'CNN',
    status: 'completed',
    createdAt: over.created,
    startedAt: over.created,
    endedAt: new Date(started + (over.seconds ?? 10) * 1000).toISOString(),
    config,
    history: (over.accs ?? [0.5]).map((a, i) => epoch(i, a, over.lr ?? 0.01)),
  };
}

const A = run('run-a', { created: '2026-11-28T10:00:00Z', accs: [0.6, 0.8], seconds: 30 });
const B = run('run-b', { created: '2026-11-28T11:00:00Z', lr: 0.05, accs: [0.7, 0.9, 0.85], seconds: 5 });
const C = run('run-c', { created: '2026-11-28T09:00:00Z', limit: 500, accs: [0.3], seconds: 90 });

describe('run comparison', () => {
  it('names what changed in the config, with short names for the usual fields', () => {
    expect(configDiff(A.config, B.config)).toEqual(['lr 0.01→0.05']);
    expect(configDiff(A.config, C.config)).toEqual(['subset 2000→500', 'val subset 400→100']);
    expect(configDiff(A.config, A.config)).toEqual([]);
  });

  it('names layers added, removed and changed between two graphs', () => {
    const before = chain(MNIST_CNN);
    const after = structuredClone(before);
    after.nodes[1].config.filters = 16;
    after.nodes.splice(4, 1);
    expect(graphDiff(before, after)).toEqual(['conv2d_1.filters 32→16', '−dropout_4 (Dropout)']);
    expect(diffLabel({ config: A.config, graph: before }, { config: B.config, graph: after })).toBe('lr 0.01→0.05, conv2d_1.filters 32→16, −dropout_4 (Dropout)');
    expect(diffLabel({ config: A.config }, { config: A.config })).toBe('same config');
  });

  it('computes best validation accuracy and duration, and sorts by them', () => {
    expect(bestValAccuracy(B)).toBeCloseTo(0.85);
    expect(durationSeconds(A)).toBe(30);
    expect(sortRuns([A, B, C], 'best', true).map((r) => r.runId)).toEqual(['run-b', 'run-a', 'run-c']);
    expect(sortRuns([A, B, C], 'duration', false).map((r) => r.runId)).toEqual(['run-b', 'run-a', 'run-c']);
    expect(sortRuns([A, B, C], 'created', true).map((r) => r.runId)).toEqual(['run-b', 'run-a', 'run-c']);
    expect([...runOrdinals([A, B, C])]).toEqual([['run-c', 1], ['run-a', 2], ['run-b', 3]]);
  });

  it('overlays train (solid) and validation (dashed) lines per run, one colour each, and the learning rate', () => {
    const lines = overlayLines([{ label: 'a', history: A.history }, { label: 'b', history: B.history }], ['loss', 'val_loss']);
    expect(lines.map((l) => [l.label, l.values.length, !!l.dashed])).toEqual([
      ['a · train', 2, false],
      ['a · val', 2, true],
      ['b · train', 3, false],
      ['b · val', 3, true],
    ]);
    expect(lines[0].color).toBe(lines[1].color);
    expect(lines[0].color).not.toBe(lines[2].color);
    expect(lrLines([{ label: 'b', history: B.history }])[0].values).toEqual([0.05, 0.05, 0.05]);
  });
});

describe('runs table', () => {
  it('lists every run with config, duration and best val accuracy, sorts on a header click, and reports picks', async () => {
    const toggled: string[] = [];
    const opened: string[] = [];
    render(RunsTable, { props: { runs: [A, B, C], compare: ['run-a'], ontoggle: (id: string) => toggled.push(id), onopen: (id: string) => opened.push(id) } });
    const ids = () => screen.getAllByTestId('run-row').map((r) => r.getAttribute('data-run-id'));
    expect(ids()).toEqual(['run-b', 'run-a', 'run-c']);
    expect(screen.getAllByTestId('run-best').map((c) => c.textContent)).toEqual(['85.0%', '75.0%', '25.0%']);
    expect(screen.getAllByTestId('run-row')[0].textContent).toContain('5.0s');
    expect(screen.getAllByTestId('run-row')[0].textContent).toContain('sgd 0.05');
    await fireEvent.click(screen.getByTestId('runs-sort-best'));
    expect(ids()).toEqual(['run-b', 'run-a', 'run-c']);
    await fireEvent.click(screen.getByTestId('runs-sort-best'));
    expect(ids()).toEqual(['run-c', 'run-a', 'run-b']);
    const boxes = screen.getAllByTestId('run-compare') as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([false, true, false]);
    await fireEvent.click(boxes[0]);
    await fireEvent.click(screen.getAllByTestId('run-open-graph')[2]);
    expect(toggled).toEqual(['run-c']);
    expect(opened).toEqual(['run-b']);
  });

  it('an interrupted run shows its status and why, and offers Resume when it has a checkpoint', async () => {
    const message = 'interrupted: Layerlab stopped during this run, after 1 epoch(s); resume it to continue from its last checkpoint';
    const interrupted: RunSummary = { ...A, runId: 'run-i', status: 'interrupted', message, checkpoint: '/ck/run-i' };
    const noCheckpoint: RunSummary = { ...C, status: 'interrupted', message };
    const resumed: string[] = [];
    render(RunsTable, { props: { runs: [interrupted, noCheckpoint, B], compare: [], ontoggle: () => {}, onopen: () => {}, onresume: (id: string) => resumed.push(id) } });
    const row = screen.getAllByTestId('run-row').find((r) => r.getAttribute('data-run-id') === 'run-i')!;
    expect(row.getAttribute('data-status')).toBe('interrupted');
    expect(row.querySelector('.status.interrupted')?.getAttribute('title')).toBe(message);
    // Only the interrupted run with a checkpoint can resume (the completed one and the one without a checkpoint not).
    const buttons = screen.getAllByTestId('run-resume');
    expect(buttons).toHaveLength(1);
    await fireEvent.click(buttons[0]);
    expect(resumed).toEqual(['run-i']);
  });
});

describe('confidently wrong gallery and health warnings', () => {
  it('shows each wrong example with its image, prediction, confidence and true class', () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';
    render(WrongGallery, {
      props: {
        examples: [
          { index: 7, trueLabel: 4, predicted: 9, probability: 0.97, png },
          { index: 12, trueLabel: 3, predicted: 5, probability: 0.9, png: null },
        ],
        classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
      },
    });
    const items = screen.getAllByTestId('wrong-example');
    expect(items).toHaveLength(2);
    expect(items[0].querySelector('img')?.getAttribute('src')).toBe(`data:image/png;base64,${png}`);
    expect(items[0].textContent).toMatch(/nine\s*97%\s*true four/);
    expect(items[1].querySelector('img')).toBeNull();
  });

  it('lists warnings and shows the layer they concern, by node id or by layer name', async () => {
    const graph = chain(MNIST_CNN);
    const w = (over: Partial<TrainingWarning>): TrainingWarning => ({ runId: 'r', type: 'health', epoch: 0, kind: 'dead-relu', message: 'm', suggestion: 's', ...over });
    const revealed: string[] = [];
    render(HealthWarnings, {
      props: {
        graph,
        onreveal: (id: string) => revealed.push(id),
        warnings: [w({ nodeId: 'n2', layer: 'conv2d_2' }), w({ kind: 'overfitting', layer: 'dense_6' }), w({ kind: 'nan-loss' })],
      },
    });
    expect(screen.getAllByTestId('health-warning')).toHaveLength(3);
    const buttons = screen.getAllByTestId('warning-show-node');
    expect(buttons).toHaveLength(2);
    await fireEvent.click(buttons[0]);
    await fireEvent.click(buttons[1]);
    expect(revealed).toEqual(['n2', 'n6']);
  });
});
