import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { layerCategories, layerKinds } from '../../shared/layers/registry';
import Palette from '../../renderer/src/editor/Palette.svelte';
import { LAYER_DRAG_TYPE } from '../../renderer/src/editor/types';

function setup() {
  const added: string[] = [];
  render(Palette, { props: { onadd: (kind: string) => added.push(kind) } });
  return added;
}

describe('Palette', () => {
  it('shows every layer kind of the registry, with its one-line description', () => {
    setup();
    for (const kind of layerKinds) {
      const item = screen.getByTestId(`palette-${kind.className}`);
      expect(item.textContent).toContain(kind.description);
    }
  });

  it('groups kinds by category in the registry order', () => {
    setup();
    const groups = screen.getAllByTestId('palette-group');
    const present = layerCategories.filter((c) => layerKinds.some((k) => k.category === c));
    expect(groups.map((g) => g.dataset.category)).toEqual(present);
    const pooling = groups.find((g) => g.dataset.category === 'Pooling')!;
    expect(within(pooling).getByTestId('palette-MaxPooling2D').textContent).toContain('MaxPooling2D');
    expect(within(pooling).queryByTestId('palette-Conv2D')).toBeNull();
  });

  it('has the Sequence group of the text issue: Embedding, Conv1D, the 1-D pools, the recurrent layers, Bidirectional, Masking', () => {
    setup();
    const sequence = screen.getAllByTestId('palette-group').find((g) => g.dataset.category === 'Sequence')!;
    const kinds = Array.from(sequence.querySelectorAll('[data-testid^="palette-"]'), (e) => e.getAttribute('data-testid')!.slice('palette-'.length));
    expect(kinds.sort()).toEqual(['AveragePooling1D', 'Bidirectional', 'Conv1D', 'Embedding', 'GRU', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'LSTM', 'Masking', 'MaxPooling1D', 'SimpleRNN']);
  });

  it('filters by name, description and category as you type', async () => {
    setup();
    const search = screen.getByTestId('palette-search');
    await fireEvent.input(search, { target: { value: 'pool' } });
    const shown = layerKinds.filter((k) => screen.queryByTestId(`palette-${k.className}`)).map((k) => k.className);
    expect(shown).toContain('MaxPooling2D');
    expect(shown).toContain('GlobalAveragePooling2D');
    expect(shown).not.toContain('Dense');
    await fireEvent.input(search, { target: { value: 'zzz-no-such-layer' } });
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByText(/No layer matches/).textContent).toBe('No layer matches “zzz-no-such-layer”.');
    await fireEvent.input(search, { target: { value: '' } });
    expect(screen.getAllByRole('button')).toHaveLength(layerKinds.length);
  });

  it('adds on click and on Enter, and carries the kind in a drag', async () => {
    const added = setup();
    await fireEvent.click(screen.getByTestId('palette-Dense'));
    await fireEvent.keyDown(screen.getByTestId('palette-Conv2D'), { key: 'Enter' });
    expect(added).toEqual(['Dense', 'Conv2D']);
    const data = new DataTransfer();
    await fireEvent.dragStart(screen.getByTestId('palette-Flatten'), { dataTransfer: data });
    expect(data.getData(LAYER_DRAG_TYPE)).toBe('Flatten');
  });
});
