/** The Sweeps tab: the window's mount of the HParams view over a real sweep state file (hparams/sweep-state.json). */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import SweepsView from '../../renderer/src/views/SweepsView.svelte';
import { readSweepState } from '../../renderer/src/views/sweepFile';

const text = readFileSync(join(process.cwd(), 'test/components/hparams/sweep-state.json'), 'utf8');

describe('sweeps view', () => {
  it('reads a sweep state file and refuses one of another kind with the reason', () => {
    expect(readSweepState(text).trials).toHaveLength(12);
    expect(() => readSweepState('{"version": 7}')).toThrow(/version 1/);
    expect(() => readSweepState('nope')).toThrow(/not JSON/);
  });

  it('opens a sweep file, and "Apply to graph" puts the trial into the editor and the training form', async () => {
    const editor = new EditorStore();
    const training = new TrainingStore();
    let applied = 0;
    const { container } = render(SweepsView, { props: { training, onapplied: () => applied++ }, context: editorContext(editor) });
    expect(screen.getByTestId('sweeps-view').textContent).toContain('layerlab sweep');
    const input = container.querySelector('input[type=file]') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File([text], 'sweep.json', { type: 'application/json' })] });
    await fireEvent.change(input);
    await waitFor(() => expect(screen.getAllByTestId('trial-row')).toHaveLength(12));
    // Trial 12 (id 11): dense.units 64, dropout off, learning rate 0.1.
    await fireEvent.click(screen.getByTestId('apply-12'));
    const dense = editor.graph.nodes.find((n) => n.name === 'dense');
    expect(dense?.config.units).toBe(64);
    expect(editor.graph.nodes.some((n) => n.kind === 'Dropout')).toBe(false);
    expect(training.form.config.optimizer.learning_rate).toBe(0.1);
    expect(applied).toBe(1);
  });
});
