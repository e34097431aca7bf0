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
    expect(screen.getByTestId('error-count').textContent).toMatch(/1 error.*fix before training/);
  });
});
