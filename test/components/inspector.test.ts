import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { requireLayerKind } from '../../shared/layers/registry';
import Inspector from '../../renderer/src/inspector/Inspector.svelte';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { chain } from './fixtures';

function setup(select: string) {
  const store = new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 28, 28, 1] }], ['Conv2D', { filters: 32 }]]));
  store.selected = [select];
  const view = render(Inspector, { context: editorContext(store) });
  return { store, view };
}

describe('Inspector', () => {
  it('generates one field per ParamSpec of the selected kind, with the right control', () => {
    setup('n1');
    for (const spec of requireLayerKind('Conv2D').params) {
      const el = screen.getByTestId(`param-${spec.name}`);
      const tag = spec.type === 'enum' ? 'SELECT' : 'INPUT';
      expect(el.tagName, spec.name).toBe(tag);
      if (spec.type === 'bool') expect((el as HTMLInputElement).type).toBe('checkbox');
    }
    expect((screen.getByTestId('param-kernel_size') as HTMLInputElement).value).toBe('3, 3');
    expect((screen.getByTestId('param-filters') as HTMLInputElement).value).toBe('32');
    expect(screen.getByTestId('inspector-shape').textContent).toBe('(None, 26, 26, 32)');
  });

  it("shows the layer's validate() message as you type and marks the node in error", async () => {
    const { store } = setup('n1');
    await fireEvent.input(screen.getByTestId('param-filters'), { target: { value: '0' } });
    expect(screen.getByTestId('param-error-filters').textContent).toContain('Received: filters=0');
    expect(store.analysis.nodes.n1.errors.length).toBeGreaterThan(0);
    await fireEvent.input(screen.getByTestId('param-filters'), { target: { value: '1.5' } });
    expect(screen.getByTestId('param-error-filters').textContent).toContain('expected an integer');
    await fireEvent.input(screen.getByTestId('param-filters'), { target: { value: '16' } });
    expect(screen.queryByTestId('param-error-filters')).toBeNull();
  });

  it('re-infers shapes at once when a parameter changes', async () => {
    const { store } = setup('n1');
    await fireEvent.input(screen.getByTestId('param-filters'), { target: { value: '64' } });
    await fireEvent.input(screen.getByTestId('param-kernel_size'), { target: { value: '5' } });
    expect(store.graph.nodes[1].config.kernel_size).toEqual([5, 5]);
    expect(screen.getByTestId('inspector-shape').textContent).toBe('(None, 24, 24, 64)');
    expect(screen.getByTestId('inspector-params').textContent?.trim()).toBe('1,664');
    await fireEvent.change(screen.getByTestId('param-padding'), { target: { value: 'same' } });
    expect(screen.getByTestId('inspector-shape').textContent).toBe('(None, 28, 28, 64)');
  });

  it('edits the input shape without the batch axis and undoes a change', async () => {
    const { store } = setup('n0');
    const shape = screen.getByTestId('param-batch_input_shape') as HTMLInputElement;
    expect(shape.value).toBe('28, 28, 1');
    await fireEvent.input(shape, { target: { value: '32x32x3' } });
    expect(store.graph.nodes[0].config.batch_input_shape).toEqual([null, 32, 32, 3]);
    expect(store.analysis.nodes.n1.outputShape).toEqual([null, 30, 30, 32]);
    store.undo();
    expect(store.analysis.nodes.n1.outputShape).toEqual([null, 26, 26, 32]);
  });

  it('lists whole-model problems when nothing is selected: a node problem selects its node, the others are text', async () => {
    const store = new EditorStore(chain([['Dense', { units: 4 }]]));
    render(Inspector, { context: editorContext(store) });
    expect(screen.getByText('2 problems')).toBeTruthy();
    // Not about one node: plain, readable text (it was a disabled, faded button).
    const whole = screen.getByText(/The model has no Input layer/);
    expect(whole.closest('button')).toBeNull();
    const nodeProblem = screen.getByText(/is not connected: drag from a layer's bottom port onto it/).closest('button')!;
    expect(nodeProblem.disabled).toBe(false);
    await fireEvent.click(nodeProblem);
    expect(store.selected).toEqual(['n0']);
  });
});
