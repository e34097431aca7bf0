import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import Inspector from '../../renderer/src/inspector/Inspector.svelte';
import StartPanel from '../../renderer/src/shell/StartPanel.svelte';
import StatusBar from '../../renderer/src/shell/StatusBar.svelte';
import WalkthroughPanel from '../../renderer/src/shell/WalkthroughPanel.svelte';
import { templates } from '../../shared/templates';

describe('the empty window', () => {
  it('shows no red problems before the user did anything', () => {
    const store = new EditorStore();
    render(Inspector, { context: editorContext(store) });
    render(StatusBar, { context: editorContext(store) });
    expect(screen.queryByText(/problem/)).toBeNull();
    expect(screen.queryByTestId('error-count')).toBeNull();
  });

  it('the start panel offers every template, the first-MLP walkthrough and the recent projects', async () => {
    const ontemplate = vi.fn();
    const onwalkthrough = vi.fn();
    const onopen = vi.fn();
    render(StartPanel, {
      props: {
        recent: [{ path: '/p/week1.layerlab', name: 'Week 1', openedAt: '2026-12-01T10:00:00Z' }],
        ontemplate,
        onwalkthrough,
        onopen,
        onbrowse: vi.fn(),
      },
    });
    for (const t of templates) expect(screen.getByTestId(`start-template-${t.id}`).textContent).toContain(t.title);
    await fireEvent.click(screen.getByTestId(`start-template-${templates[0]!.id}`));
    expect(ontemplate).toHaveBeenCalledWith(templates[0]!.id);
    await fireEvent.click(screen.getByTestId('start-recent'));
    expect(onopen).toHaveBeenCalledWith('/p/week1.layerlab');
    await fireEvent.click(screen.getByTestId('start-walkthrough'));
    expect(onwalkthrough).toHaveBeenCalledOnce();
  });

  it('the walkthrough ticks its steps from the graph as the learner builds the MLP', async () => {
    const store = new EditorStore();
    render(WalkthroughPanel, { props: { onclose: vi.fn() }, context: editorContext(store) });
    const done = () => ['input', 'flatten', 'hidden', 'output'].filter((s) => screen.getByTestId(`walk-${s}`).dataset['done'] === 'true');
    expect(done()).toEqual([]);
    const input = store.addNode('InputLayer', { x: 0, y: 0 });
    const flat = store.addNode('Flatten', { x: 0, y: 120 });
    store.connect(input, flat);
    await Promise.resolve();
    expect(done()).toEqual(['input', 'flatten']);
    const hidden = store.addNode('Dense', { x: 0, y: 240 });
    store.setConfig(hidden, 'units', 128);
    store.setConfig(hidden, 'activation', 'relu');
    store.connect(flat, hidden);
    const out = store.addNode('Dense', { x: 0, y: 360 });
    store.setConfig(out, 'units', 10);
    store.setConfig(out, 'activation', 'softmax');
    store.connect(hidden, out);
    await Promise.resolve();
    expect(done()).toEqual(['input', 'flatten', 'hidden', 'output']);
    expect(store.readiness.state).toBe('ready');
    expect(screen.getByTestId('walk-train').classList.contains('next')).toBe(true);
  });
});
