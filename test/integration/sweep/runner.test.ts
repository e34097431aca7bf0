/**
 * Real sweeps: every trial trains a small Dense net on a real MNIST subset (300 train / 100 test images) through the
 * run manager and its worker threads, as the app does.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiEventPayload } from '../../../shared/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { SweepRunner, type SweepEvent } from '../../../main/sweep/runner';
import type { TrainingConfigInput } from '../../../shared/training';
import { serviceRunLauncher } from '../../../main/service/sweep-launcher';
import { JsonSweepStore } from '../../../main/sweep/store';
import {
  bestTrial,
  createSweepState,
  decidePromotion,
  formatSweepTable,
  objectiveValue,
  rungValues,
  SweepConfigSchema,
  type SweepConfigInput,
  type SweepState,
} from '../../../shared/sweep/index';
import { sequentialGraph } from '../../../shared/templates/builder';

const MIRROR = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const graph = sequentialGraph([null, 28, 28, 1], [['Flatten'], ['Dense', { units: 16, activation: 'relu' }], ['Dropout', { rate: 0.2 }], ['Dense', { units: 10, activation: 'softmax' }]]);
const training: TrainingConfigInput = { dataset: { name: 'mnist' }, limit_train: 300, limit_test: 100, batch_size: 32, epochs: 1, optimizer: { name: 'sgd', learning_rate: 0.1 } };

const services: LocalBackendService[] = [];
function service(): LocalBackendService {
  const s = createBackendService({ datasets: { mirror: MIRROR, cacheDir: mkdtempSync(join(tmpdir(), 'layerlab-sweep-cache-')), offline: true } });
  services.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

/** The run manager's ids of the runs a service started (its 'running' status events). */
function startedRuns(s: LocalBackendService): string[] {
  const ids: string[] = [];
  s.bus.subscribe((m) => {
    if (m.event !== 'training.status') return;
    const { status, runId } = m.payload as ApiEventPayload<'training.status'>;
    if (status === 'running' && !ids.includes(runId)) ids.push(runId);
  });
  return ids;
}

const newState = (input: SweepConfigInput): SweepState => createSweepState(SweepConfigSchema.parse(input), graph, { training, id: 'sweep-test' });

describe('sweep runner (real tfjs, real MNIST subset)', () => {
  it('runs a grid with a dropout toggle and a skipped combination; the best trial has the best metric', async () => {
    const state = newState({
      name: 'width and dropout',
      dimensions: [
        { target: { node: 'dense', field: 'units' }, values: [0, 32] },
        { target: { toggle: 'dropout' } },
      ],
    });
    const s = service();
    const started = startedRuns(s);
    const events: SweepEvent['type'][] = [];
    // Pause as the first trained trial starts; while paused its run stays paused and trains nothing; then resume.
    let whilePaused: { run: string; sweep: string; epochs: number } | undefined;
    const runner: SweepRunner = new SweepRunner({
      launcher: serviceRunLauncher(s),
      state,
      onEvent: (e) => {
        events.push(e.type);
        if (e.type !== 'trial-start' || e.trial.id !== 2) return;
        runner.pause();
        setTimeout(() => {
          const run = s.runs.detail(e.runId);
          whilePaused = { run: run.status, sweep: runner.state.status, epochs: run.history.length };
          runner.resume();
        }, 1500);
      },
    });
    const done = await runner.run();
    expect(whilePaused).toEqual({ run: 'paused', sweep: 'paused', epochs: 0 });

    expect(done.status).toBe('completed');
    expect(done.trials.map((t) => t.status)).toEqual(['skipped', 'skipped', 'done', 'done']);
    expect(done.trials[0]!.reason).toMatch(/invalid model: .*units=0/);
    // Only the two valid trials trained, each as its own run with its own graph snapshot.
    expect(started).toHaveLength(2);
    expect(started).toEqual([done.trials[2]!.runId, done.trials[3]!.runId]);
    const withDropout = s.runs.detail(done.trials[2]!.runId!).graph;
    const without = s.runs.detail(done.trials[3]!.runId!).graph;
    expect(withDropout.nodes.map((n) => n.kind)).toContain('Dropout');
    expect(without.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense']);
    expect(without.nodes.find((n) => n.id === 'dense')!.config.units).toBe(32);

    for (const t of done.trials.slice(2)) {
      expect(t.history).toHaveLength(1);
      expect(Object.keys(t.history[0]!.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      expect(t.objective).toBe(t.history[0]!.metrics.val_acc);
      // 300 real digits, one epoch of SGD at 0.1: well past chance (10%).
      expect(t.objective!).toBeGreaterThan(0.3);
      expect(t.durationSeconds!).toBeGreaterThan(0);
    }
    const best = bestTrial(done.trials, done.config.objective)!;
    const top = Math.max(...done.trials.filter((t) => t.status === 'done').map((t) => t.objective!));
    expect(best.objective).toBe(top);

    const table = formatSweepTable(done).split('\n');
    expect(table[0]).toMatch(/^#\s+trial\s+dense\.units\s+dropout on\s+val_acc\s+duration\s+status$/);
    expect(table[2]).toContain(top.toFixed(4));
    expect(table[2]).toMatch(new RegExp(`^1\\s+${best.id + 1}\\s+32\\s`));
    expect(events.filter((e) => e === 'trial-end')).toHaveLength(4);
  });

  it('resumes after a restart from the saved state, skipping finished trials', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'layerlab-sweep-')), 'state.json');
    const state = newState({ dimensions: [{ target: { training: 'learning_rate' }, values: [0.05, 0.1, 0.2] }] });

    // First process: stop the sweep as soon as the first trial has ended.
    const first = service();
    const runner = new SweepRunner({
      launcher: serviceRunLauncher(first),
      state,
      store: new JsonSweepStore(path),
      onEvent: (e) => {
        if (e.type === 'trial-end') runner.stop();
      },
    });
    const stopped = await runner.run();
    expect(stopped.status).toBe('stopped');
    expect(stopped.trials.map((t) => t.status)).toEqual(['done', 'pending', 'pending']);
    const saved = JSON.parse(await readFile(path, 'utf8')) as SweepState;
    expect(saved.trials[0]).toMatchObject({ status: 'done', runId: stopped.trials[0]!.runId });
    await first.close();

    // "Restart": a new backend and a new runner from what was saved.
    const loaded = (await new JsonSweepStore(path).load())!;
    const second = service();
    const started = startedRuns(second);
    const resumed = await new SweepRunner({ launcher: serviceRunLauncher(second), state: loaded, store: new JsonSweepStore(path) }).run();
    expect(resumed.status).toBe('completed');
    expect(resumed.trials.map((t) => t.status)).toEqual(['done', 'done', 'done']);
    expect(started).toEqual([resumed.trials[1]!.runId, resumed.trials[2]!.runId]);
    expect(resumed.trials[0]).toEqual(saved.trials[0]);
    const onDisk = (await new JsonSweepStore(path).load())!;
    expect(onDisk.status).toBe('completed');
    expect(onDisk.trials.map((t) => t.values.learning_rate)).toEqual([0.05, 0.1, 0.2]);
  });

  it('successive halving terminates exactly the trials its rule says, from their recorded metrics', async () => {
    // Learning rates far apart, so that epoch-1 accuracies differ clearly; 1e-4 barely learns.
    const state = newState({
      dimensions: [{ target: { training: 'learning_rate' }, values: [0.2, 0.0001, 0.1] }],
      strategy: { type: 'successive_halving', min_epochs: 1, max_epochs: 2, eta: 2 },
    });
    const s = service();
    const done = await new SweepRunner({ launcher: serviceRunLauncher(s), state }).run();
    expect(done.status).toBe('completed');
    const { objective } = done.config;

    for (const t of done.trials) {
      // Every trial was judged at the rung of 1 epoch, from its own recorded epoch-1 metric.
      expect(t.rungs).toHaveLength(1);
      const rung = t.rungs![0]!;
      expect(rung.epochs).toBe(1);
      expect(rung.value).toBe(objectiveValue(t.history, objective, 1));
      const earlier = rungValues(done.trials.slice(0, t.id), 1, t.id);
      expect(rung.promoted).toBe(decidePromotion(earlier, rung.value, 2, 'max'));
      if (rung.promoted) {
        expect(t.status).toBe('done');
        expect(t.history.map((h) => h.epoch)).toEqual([0, 1]);
      } else {
        expect(t.status).toBe('terminated-early');
        expect(t.reason).toMatch(/after 1 epoch its val_acc/);
        // Stopped between batches soon after the rung: the second epoch never completed.
        expect(t.history.length).toBeLessThanOrEqual(2);
        expect(s.runs.detail(t.runId!).status === 'stopped' || t.history.length === 2).toBe(true);
      }
    }
    expect(done.trials[0]!.status).toBe('done');
    // lr 1e-4 is far behind lr 0.2 at epoch 1: it must have been cut.
    expect(done.trials[1]!.status).toBe('terminated-early');
    expect(bestTrial(done.trials, objective)!.status).toBe('done');
  });
});
