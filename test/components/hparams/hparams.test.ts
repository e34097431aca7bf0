/**
 * The HParams view on a real sweep's saved state (sweep-state.json: `layerlab sweep` over a 784-16/64-10 MLP with a
 * Dropout toggle and two learning rates on 300 MNIST digits; the units=0 trials were skipped as invalid).
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { SweepState } from '../../../shared/sweep/state';
import HParamsView from '../../../renderer/src/views/hparams/HParamsView.svelte';
import { honestDomain, metricColor } from '../../../renderer/src/views/hparams/model';
import saved from './sweep-state.json';

const sweep = saved as unknown as SweepState;
const done = sweep.trials.filter((t) => t.status === 'done');
const last = (id: number, metric: string) => sweep.trials[id]!.history.at(-1)!.metrics[metric]!;
const rowTrials = () => screen.getAllByTestId('trial-row').map((r) => Number(r.dataset.trial));

describe('HParams view', () => {
  it('lists every trial best first, with dimensions, metrics, duration and status', () => {
    render(HParamsView, { sweep });
    const headers = [...screen.getByTestId('hparams-table').querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    expect(headers).toEqual(['trial', 'dense.units', 'dropout on', 'learning_rate', 'val_acc', 'acc', 'loss', 'val_loss', 'duration', 'status', '']);
    const rows = screen.getAllByTestId('trial-row');
    expect(rows).toHaveLength(12);
    const best = done.reduce((a, b) => (b.objective! > a.objective! ? b : a));
    expect(rowTrials()[0]).toBe(best.id + 1);
    const cells = [...rows[0]!.querySelectorAll('td')].map((td) => td.textContent!.trim());
    expect(cells.slice(0, 5)).toEqual([String(best.id + 1), '64', 'off', '0.1', best.objective!.toFixed(4)]);
    expect(cells[8]).toBe(`${best.durationSeconds!.toFixed(1)} s`);
    expect(cells[9]).toBe('done');
    // Skipped trials come last and say why on hover.
    expect(rows.slice(-4).map((r) => r.title)).toEqual(Array(4).fill(sweep.trials[0]!.reason));
  });

  it('sorts by a column both ways, keeping trials without a value last', async () => {
    render(HParamsView, { sweep });
    const byLoss = [...done].sort((a, b) => last(a.id, 'val_loss') - last(b.id, 'val_loss')).map((t) => t.id + 1);
    await fireEvent.click(screen.getByTestId('sort-val_loss'));
    expect(screen.getByTestId('sort-val_loss').closest('th')!.getAttribute('aria-sort')).toBe('descending');
    expect(rowTrials().slice(0, 8)).toEqual([...byLoss].reverse());
    await fireEvent.click(screen.getByTestId('sort-val_loss'));
    expect(screen.getByTestId('sort-val_loss').closest('th')!.getAttribute('aria-sort')).toBe('ascending');
    expect(rowTrials().slice(0, 8)).toEqual(byLoss);
    expect(rowTrials().slice(8).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });

  it('filters by text and status, and fades the filtered-out lines of the plot', async () => {
    render(HParamsView, { sweep });
    await fireEvent.click(screen.getByTestId('status-done'));
    await fireEvent.input(screen.getByTestId('hparams-filter'), { target: { value: 'OFF' } });
    const expected = done.filter((t) => t.values['dropout on'] === false).map((t) => t.id + 1);
    expect(rowTrials().sort((a, b) => a - b)).toEqual(expected);
    expect(screen.getByTestId('hparams-count').textContent).toBe(`${expected.length} of 12`);
    for (const t of done) {
      const faded = screen.getByTestId(`pc-line-${t.id + 1}`).classList.contains('faded');
      expect(faded).toBe(!expected.includes(t.id + 1));
    }
    await fireEvent.input(screen.getByTestId('hparams-filter'), { target: { value: 'no such value' } });
    expect(screen.getByText('No trial matches the filter.')).toBeTruthy();
  });

  it('draws one line per scored trial across every axis, coloured by the metric', () => {
    render(HParamsView, { sweep });
    const plot = screen.getByTestId('hparams-parallel');
    expect(plot.querySelectorAll('[data-testid=pc-axis]')).toHaveLength(4);
    const lines = [...plot.querySelectorAll('path.trial-line')];
    expect(lines).toHaveLength(done.length);
    const best = done.reduce((a, b) => (b.objective! > a.objective! ? b : a));
    const worst = done.reduce((a, b) => (b.objective! < a.objective! ? b : a));
    expect(screen.getByTestId(`pc-line-${best.id + 1}`).getAttribute('stroke')).toBe(metricColor(1));
    expect(screen.getByTestId(`pc-line-${worst.id + 1}`).getAttribute('stroke')).toBe(metricColor(0));
    for (const line of lines) {
      expect(line.getAttribute('d')!.match(/[ML]/g)).toHaveLength(4);
      const trial = sweep.trials[Number(line.getAttribute('data-testid')!.slice('pc-line-'.length)) - 1]!;
      expect(Number(line.getAttribute('data-metric'))).toBe(trial.objective);
    }
    // A higher metric is drawn higher (smaller y) on the metric axis.
    const endY = (id: number) => Number(screen.getByTestId(`pc-line-${id + 1}`).getAttribute('d')!.split(',').at(-1));
    expect(endY(best.id)).toBeLessThan(endY(worst.id));
  });

  it('"Apply to graph" hands the trial values to the callback; skipped trials cannot be applied', async () => {
    const onApply = vi.fn();
    const onSelect = vi.fn();
    render(HParamsView, { sweep, onApply, onSelect });
    await fireEvent.click(screen.getByTestId('apply-12'));
    expect(onApply).toHaveBeenCalledTimes(1);
    expect(onApply.mock.calls[0]![0]).toEqual({ 'dense.units': 64, 'dropout on': false, learning_rate: 0.1 });
    expect(onApply.mock.calls[0]![1].id).toBe(11);
    expect(onSelect).not.toHaveBeenCalled();
    expect((screen.getByTestId('apply-1') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('pc-line-8'));
    expect(onSelect.mock.calls[0]![0].id).toBe(7);
    expect(screen.getAllByTestId('trial-row').find((r) => r.dataset.trial === '8')!.classList.contains('selected')).toBe(true);
  });
});

describe('HParams curves', () => {
  it('overlays every trained trial’s objective per epoch, one point per logged epoch', () => {
    render(HParamsView, { sweep });
    const curves = screen.getByTestId('hparams-curves').querySelectorAll('path.trial-line');
    expect(curves).toHaveLength(done.length);
    for (const t of done) {
      const d = screen.getByTestId(`curve-${t.id + 1}`).getAttribute('d')!;
      expect(d.match(/[ML]/g)).toHaveLength(t.history.length);
    }
  });
});

describe('parallel coordinates read honestly', () => {
  it('trials 0.002 apart on accuracy sit close together on an axis at least 0.05 wide', () => {
    expect(honestDomain([0.775, 0.777])).toEqual({ lo: 0.751, hi: 0.801 });
    expect(honestDomain([0.99, 0.995])).toEqual({ lo: 0.95, hi: 1 });
    expect(honestDomain([0.1, 0.9])).toEqual({ lo: 0.1, hi: 0.9 });
    const wide = honestDomain([200, 201]);
    expect(wide.hi - wide.lo).toBeCloseTo(10.05);
  });

  it('the worst line is light enough to read on the dark theme', () => {
    const [r, g, b] = metricColor(0).match(/\d+/g)!.map(Number);
    // Relative luminance well above the panel's (#1b1d23 is about 0.012).
    const lum = (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    expect(lum).toBeGreaterThan(0.45);
  });
});
