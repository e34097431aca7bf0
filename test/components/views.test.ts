import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import StatusBar from '../../renderer/src/shell/StatusBar.svelte';
import SummaryView from '../../renderer/src/views/SummaryView.svelte';
import { chain, MNIST_CNN } from './fixtures';

describe('Summary view', () => {
  it('lists layers in order with Keras-style shapes and counts, and the totals', () => {
    const store = new EditorStore(chain(MNIST_CNN));
    render(SummaryView, { context: editorContext(store) });
    const rows = screen.getByTestId('summary-table').querySelectorAll('tbody tr');
    // A Sequential summary leaves out the InputLayer, as Keras does.
    expect(rows).toHaveLength(MNIST_CNN.length - 1);
    expect(rows[0].textContent).toContain('(None, 26, 26, 32)');
    expect(rows[0].textContent).toContain('320');
    expect(rows[5].textContent).toContain('1,179,776');
    expect(screen.getByText(/Sequential/)).toBeTruthy();
    expect(screen.getByTestId('summary-total').textContent).toBe('1,199,882');
  });
});

describe('Status bar', () => {
  it('shows Total / Trainable / Non-trainable params and follows edits', () => {
    const store = new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 784] }], ['Dense', { units: 64 }], ['BatchNormalization']]));
    render(StatusBar, { context: editorContext(store) });
    // Dense 784*64+64 = 50,240; BatchNormalization: 128 trainable (gamma, beta) + 128 non-trainable (moving stats).
    expect(screen.getByTestId('total-params').textContent).toBe('50,496');
    expect(screen.getByTestId('trainable-params').textContent).toBe('50,368');
    expect(screen.getByTestId('non-trainable-params').textContent).toBe('128');
  });

  it('counts errors and says the model cannot be trained', async () => {
    const store = new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 784] }], ['Conv2D']]));
    render(StatusBar, { context: editorContext(store) });
    expect(screen.getByTestId('error-count').textContent).toMatch(/cannot train: 1 error: conv2d_1: Conv2D expects a 4-D input/);
  });

  it('a lone Input is not "ready to train": it says there is nothing to train, without advice about a missing Dense', () => {
    const store = new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 28, 28, 1] }]]));
    render(StatusBar, { context: editorContext(store) });
    const text = screen.getByTestId('error-count').textContent ?? '';
    expect(text).toMatch(/cannot train: nothing to train: no layer on the way to the output has weights; add a Dense \(or Conv2D\) layer after inputlayer_0/);
    expect(text).not.toMatch(/ready to train|units=10/);
  });

  it('an unused branch is named with its parameters, apart from what trains', () => {
    const g = chain([['InputLayer', { batch_input_shape: [null, 784] }], ['Dense', { units: 64 }], ['Dense', { units: 10, activation: 'softmax' }]]);
    g.nodes.push({ id: 'side', kind: 'Dense', name: 'leftover', config: { ...g.nodes[1]!.config, units: 3 }, position: { x: 300, y: 120 } });
    g.edges.push({ id: 'e-side', source: 'n0', target: 'side', targetIndex: 0 });
    const store = new EditorStore(g);
    render(StatusBar, { context: editorContext(store) });
    // leftover: 784*3+3 = 2,355 params that do not train.
    expect(screen.getByTestId('error-count').textContent).toBe('● ready to train; unused branch left out (leftover: 2,355 params)');
    const ready = store.readiness;
    expect(ready.state).toBe('ready');
    if (ready.state !== 'ready') return;
    expect(ready.trainGraph.nodes.map((n) => n.id)).toEqual(['n0', 'n1', 'n2']);
    expect(ready.trainGraph.edges.every((e) => e.target !== 'side')).toBe(true);
    expect(ready.warnings[0]).toMatch(/^Unused branch: leftover \(1 layer, 2,355 params\) does not lead to the output dense_2; it is left out of training/);
  });
});
