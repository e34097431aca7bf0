/** The export dialog's final/best choice (a run's best weights, follow-up of #14): when it shows and what it sends. */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import ProjectDialog from '../../renderer/src/shell/ProjectDialog.svelte';
import RunsTable from '../../renderer/src/training/RunsTable.svelte';
import type { RunSummary } from '../../shared/api';
import { TrainingConfigSchema } from '../../shared/training';

const best = { epoch: 3, monitor: 'val_loss', value: 0.88441, sameAsFinal: false };
const runs = [
  { id: 'kept', label: '#1 kept best', best },
  { id: 'last', label: '#2 best is last', best: { ...best, sameAsFinal: true } },
  { id: 'old', label: '#3 older run' },
];

/** Picks an option as a user does (the weights select reads its own value on change). */
async function choose(select: HTMLElement, value: string): Promise<void> {
  (select as HTMLSelectElement).value = value;
  await fireEvent.change(select);
  flushSync();
}

function open(exportRun: string) {
  const sent: [string, string, string, string][] = [];
  const { unmount } = render(ProjectDialog, {
    props: {
      mode: 'export', exportRuns: runs, exportRun, onnew: () => {}, onopen: () => {}, onimport: () => {}, onsaveas: () => {},
      onexport: (path: string, format: string, run: string, weights: string) => sent.push([path, format, run, weights]),
    },
  });
  return { sent, unmount };
}

describe('export dialog: final or best weights', () => {
  it('offers the best epoch of a run that keeps one and sends the choice', async () => {
    const { sent } = open('kept');
    const select = screen.getByTestId('export-weights') as HTMLSelectElement;
    expect(select.value).toBe('final');
    expect(select.querySelector('option[value=best]')!.textContent).toBe('Best: epoch 4, val_loss 0.8844');
    await choose(select, 'best');
    await fireEvent.click(screen.getByTestId('project-dialog-submit'));
    expect(sent).toEqual([['export', 'tfjs', 'kept', 'best']]);
  });

  // (The run and format selects use bind:value, which reads `:checked`; happy-dom does not match it for options, so
  // switching them is left to test/e2e/best-weights.spec.ts.)
  it('a run whose best epoch is its last: best is shown but not choosable; an older run has no choice', () => {
    const last = open('last');
    expect((screen.getByTestId('export-weights').querySelector('option[value=best]') as HTMLOptionElement).disabled).toBe(true);
    last.unmount();
    open('old');
    expect(screen.queryByTestId('export-weights')).toBeNull();
  });

  it('fresh weights send final and offer no choice', async () => {
    const { sent } = open('');
    expect(screen.queryByTestId('export-weights')).toBeNull();
    await fireEvent.click(screen.getByTestId('project-dialog-submit'));
    expect(sent).toEqual([['export', 'tfjs', '', 'final']]);
  });
});

it('the runs table marks the best epoch of a run that keeps one', () => {
  const run = (runId: string, bestWeights?: RunSummary['bestWeights']): RunSummary => ({
    runId, name: runId, status: 'completed', createdAt: '2026-12-01T10:00:00Z', config: TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 6 }),
    history: [], ...(bestWeights ? { bestWeights } : {}),
  });
  render(RunsTable, { props: { runs: [run('a', best), run('b')], compare: [], ontoggle: () => {}, onopen: () => {} } });
  const badges = screen.getAllByTestId('run-best-epoch');
  expect(badges.map((b) => b.textContent)).toEqual(['best 4']);
  expect(badges[0]!.getAttribute('title')).toContain('epoch 4, val_loss 0.8844');
});
