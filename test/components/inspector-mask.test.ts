/** The inspector says what a layer does with a sequence mask (shared/graph/mask-flow.ts), and only where one reaches it. */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import Inspector from '../../renderer/src/inspector/Inspector.svelte';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { chain } from './fixtures';

function setup(middle: [string, Record<string, unknown>?][]) {
  const store = new EditorStore(chain([
    ['InputLayer', { batch_input_shape: [null, 20] }],
    ['Embedding', { input_dim: 100, output_dim: 8, mask_zero: true }],
    ...middle,
    ['Dense', { units: 1, activation: 'sigmoid' }],
  ]));
  render(Inspector, { context: editorContext(store) });
  return store;
}

describe('Inspector: masks', () => {
  it('GlobalMaxPooling1D after a mask_zero Embedding says the padding counts in its max; without mask_zero nothing is said', async () => {
    const store = setup([['GlobalMaxPooling1D']]);
    store.selected = ['n2'];
    await tick();
    expect(screen.getByTestId('inspector-mask').textContent).toContain("Receives the mask of 'embedding_1' but, as in Keras 3, takes the maximum over every step: padded steps count.");
    store.selected = ['n1'];
    await tick();
    await fireEvent.click(screen.getByTestId('param-mask_zero'));
    expect(store.graph.nodes[1]!.config.mask_zero).toBe(false);
    store.selected = ['n2'];
    await tick();
    expect(screen.queryByTestId('inspector-mask')).toBeNull();
  });

  it('Conv1D says the mask ends there, and the average pool after it gets none', async () => {
    const store = setup([['Conv1D', { filters: 4, kernel_size: [3], padding: 'same' }], ['GlobalAveragePooling1D']]);
    store.selected = ['n2'];
    await tick();
    expect(screen.getByTestId('inspector-mask').textContent).toContain("Does not support masking (as in Keras): the mask of 'embedding_1' ends here");
    store.selected = ['n3'];
    await tick();
    expect(screen.queryByTestId('inspector-mask')).toBeNull();
  });
});
