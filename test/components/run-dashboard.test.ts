/**
 * The dashboard draws a run from its RunState (shared/run-state.ts), however it got there: pushed live or rebuilt
 * from a stored run's events. Curves within epochs, and every epoch's histograms, filters and confusion matrix.
 * (The charts themselves are drawn by chart.js on a canvas: the e2e tests look at them in Chromium.)
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { batchPoints } from '../../renderer/src/training/curves';
import EpochPicker from '../../renderer/src/training/EpochPicker.svelte';
import Histograms from '../../renderer/src/training/Histograms.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import type { RunEvent } from '../../shared/run-events';
import { replayRunEvents } from '../../shared/run-state';
import { bytesToBase64 } from '../../shared/telemetry';

/** A 2-epoch run of 10 batches per epoch, as the engine reports one. */
function twoEpochRun(): RunEvent[] {
  const events: RunEvent[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let batch = 0; batch < 10; batch++) {
      events.push({ type: 'batch', epoch, batch, batches: 10, samplesPerSec: 100, etaSeconds: 1, loss: 2 - epoch - batch / 10, metrics: { acc: 0.1 + epoch * 0.4 + batch / 40 } });
    }
    events.push({ type: 'epoch', epoch, metrics: { loss: 1.5 - epoch, acc: 0.5 + epoch / 4, val_loss: 1.4 - epoch, val_acc: 0.6 + epoch / 4 }, lr: 0.001, seconds: 1 });
    const bins = 4;
    events.push({
      type: 'histograms',
      epoch,
      histograms: [{ type: 'histogram', epoch, layer: 'conv2d_1', weight: 'kernel', of: 'weights', bins, min: -1 - epoch, max: 1 + epoch, counts: [1, 2 + epoch, 3, 4], count: 10 + epoch, mean: 0, std: 0.5 }],
    });
    events.push({ type: 'filters', epoch, layers: [{ type: 'filters', epoch, layer: 'conv2d_1', kind: 'grey', tileWidth: 3, tileHeight: 3, tiles: 2, channels: 1, data: bytesToBase64(new Uint8Array(18).fill(epoch * 100)) }] });
    events.push({ type: 'confusion', epoch, matrix: [[5 + epoch, 1 - epoch], [2, 2]], precision: [0.7, 0.7], recall: [0.8, 0.5], accuracy: (7 + epoch) / 10, samples: 10, confidentlyWrong: [] });
  }
  return events;
}

describe('run dashboard', () => {
  it('puts the loss and the accuracy of every batch at its fractional epoch, between the epoch ends', () => {
    const run = replayRunEvents(twoEpochRun());
    const points = batchPoints(run.batches, 'loss');
    expect(points).toHaveLength(20);
    expect(points[0]).toEqual([0.1, 2]);
    expect(points[9]).toEqual([1, 2 - 0.9]);
    expect(points[19]![0]).toBeCloseTo(2);
    const acc = batchPoints(run.batches, 'acc');
    expect(acc.map(([x]) => x)).toEqual(points.map(([x]) => x));
    expect(acc[0]).toEqual([0.1, 0.1]);
    expect(acc[19]![1]).toBeCloseTo(0.5 + 9 / 40);
    // A run stored when batch points held only the loss draws its accuracy per epoch only.
    const old = run.batches.map(({ metrics: _m, ...b }) => b);
    expect(batchPoints(old, 'acc')).toEqual([]);
    expect(batchPoints(old, 'loss')).toEqual(points);
    // Epoch metrics are drawn at the epoch ends, 1 and 2: a 2-epoch run is a curve, not two dots.
    expect(run.history.map((h) => h.epoch + 1)).toEqual([1, 2]);
  });

  it('shows every epoch\'s histograms, filters and confusion matrix through the epoch slider', async () => {
    const training = new TrainingStore();
    training.run = replayRunEvents(twoEpochRun());
    render(EpochPicker, { props: { get epochs() { return training.snapshotEpochs; }, get shown() { return training.shownEpoch; }, onpick: (e: number | null) => training.showEpoch(e) } });
    expect(screen.getByTestId('epoch-shown').textContent).toBe('2 of 2 (latest)');
    expect(training.histograms?.epoch).toBe(1);
    expect(training.confusion?.matrix).toEqual([[6, 0], [2, 2]]);
    await fireEvent.input(screen.getByTestId('epoch-slider'), { target: { value: '0' } });
    expect(training.shownEpoch).toBe(0);
    expect(screen.getByTestId('epoch-shown').textContent).toBe('1 of 2');
    expect([training.histograms?.epoch, training.filters?.epoch, training.confusion?.epoch]).toEqual([0, 0, 0]);
    expect(training.confusion?.matrix).toEqual([[5, 1], [2, 2]]);
    render(Histograms, { props: { histograms: training.histograms! } });
    expect(screen.getByTestId('histograms-view').querySelectorAll('rect')).toHaveLength(4);
    await fireEvent.input(screen.getByTestId('epoch-slider'), { target: { value: '1' } });
    expect(training.shownEpoch).toBeNull();
    expect(training.histograms?.epoch).toBe(1);
  });
});
