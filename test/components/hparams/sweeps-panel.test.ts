/**
 * SweepsPanel: defines a sweep from the editor's graph and training config, drives it through the host
 * (sweeps.start / pause / resume / stop) and shows it live from sweeps.get and sweeps.* events. The host is an
 * in-memory stand-in for the backend (the component's only dependency); the sweep it serves is a real sweep's saved
 * state (sweep-state.json: `layerlab sweep` on 300 MNIST digits), revealed trial by trial.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiEventPayload, ApiMethod, ApiParams, ApiResult, SweepDetail } from '../../../shared/api';
import { apiEvents } from '../../../shared/api';
import type { Graph } from '../../../shared/graph/types';
import { rankTrials } from '../../../shared/sweep/rank';
import { SweepConfigSchema } from '../../../shared/sweep/schema';
import type { SweepState, SweepStatus, TrialRecord } from '../../../shared/sweep/state';
import type { TrainingConfig } from '../../../shared/training';
import type { ConnectionState, Host } from '../../../renderer/src/host/types';
import { SweepsPanel } from '../../../renderer/src/views/hparams';
import { keepDraft, newDraft } from '../../../renderer/src/views/hparams/sweepForm';
import saved from './sweep-state.json';

const real = saved as unknown as SweepState;

/** A backend in memory: one sweep, whose trials the test reveals from the real saved state. */
class FakeHost implements Host {
  readonly kind = 'websocket' as const;
  readonly calls: { method: ApiMethod; params: unknown }[] = [];
  private readonly handlers = new Map<ApiEvent, Set<(p: never) => void>>();
  state: SweepState | null = null;

  call<M extends ApiMethod>(method: M, ...args: unknown[]): Promise<ApiResult<M>> {
    const params = (args[0] ?? {}) as ApiParams<M>;
    this.calls.push({ method, params });
    const result = (() => {
      switch (method) {
        case 'sweeps.list':
          return { sweeps: [] };
        case 'sweeps.start': {
          const { config, projectPath, recoveryId } = params as ApiParams<'sweeps.start'>;
          const parsed = SweepConfigSchema.parse(config);
          this.state = { ...structuredClone(real), id: 'sweep-1', config: parsed, status: 'running', trials: real.trials.map((t) => ({ id: t.id, values: t.values, status: 'pending', history: [] })) };
          // As the backend: a sweep of an Untitled project without a store gets a new one.
          return { sweepId: 'sweep-1', status: 'running', ...(projectPath || recoveryId ? {} : { recoveryId: 'untitled-new' }) };
        }
        case 'sweeps.pause':
          return this.setStatus('paused');
        case 'sweeps.resume':
          return this.setStatus('running');
        case 'sweeps.stop':
          return this.setStatus('stopped');
        case 'sweeps.get':
          return this.detail();
        default:
          throw new Error(`the fake host does not serve ${method}`);
      }
    })();
    return Promise.resolve(result as ApiResult<M>);
  }

  on<E extends ApiEvent>(event: E, handler: (payload: ApiEventPayload<E>) => void): () => void {
    const set = this.handlers.get(event) ?? new Set();
    this.handlers.set(event, set);
    set.add(handler as (p: never) => void);
    return () => set.delete(handler as (p: never) => void);
  }

  onConnection(handler: (state: ConnectionState) => void): () => void {
    handler('open');
    return () => {};
  }

  close(): void {}

  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void {
    expect(apiEvents[event].safeParse(payload).success).toBe(true);
    for (const h of this.handlers.get(event) ?? []) (h as (p: ApiEventPayload<E>) => void)(payload);
  }

  /** Trial `id` ends as it did in the real sweep. */
  finishTrial(id: number): void {
    const done = structuredClone(real.trials[id]!) as TrialRecord;
    this.state!.trials[id] = done;
    this.emit('sweeps.trial', { sweepId: 'sweep-1', trialId: id, phase: 'ended', status: done.status, values: done.values as never, history: done.history });
  }

  private setStatus(status: SweepStatus) {
    this.state!.status = status;
    return this.summary();
  }

  private summary() {
    const s = this.state!;
    return { sweepId: s.id, name: s.name, status: s.status, created: s.created, updated: s.updated, objective: s.config.objective, trialCount: s.trials.length, finished: s.trials.filter((t) => t.status !== 'pending').length, active: true };
  }

  private detail(): SweepDetail {
    const s = structuredClone(this.state!);
    return { ...this.summary(), config: s.config, graph: s.graph, training: s.training, trials: s.trials, ranked: rankTrials(s.trials, s.config.objective).map((t) => t.id) };
  }
}

const select = (label: string, index = 0) => screen.getAllByLabelText(label)[index] as HTMLSelectElement;
/** Picks an option the way a user does: the option becomes selected, then the select fires change. */
async function choose(el: HTMLSelectElement, value: string): Promise<void> {
  const option = [...el.options].find((o) => o.value === value);
  if (!option) throw new Error(`no option ${value} in ${el.getAttribute('aria-label')}: ${[...el.options].map((o) => o.value).join(', ')}`);
  await fireEvent.change(el, { target: { value } });
}
const input = (label: string, index = 0) => screen.getAllByLabelText(label)[index] as HTMLInputElement;

describe('SweepsPanel', () => {
  // The draft outlives the panel (a tab switch); each test starts from a fresh one.
  beforeEach(() => keepDraft(newDraft()));

  it('keeps the sweep being defined when the tab is left and opened again', async () => {
    const host = new FakeHost();
    const first = render(SweepsPanel, { host, graph: real.graph, training: real.training, onApply: () => {} });
    await fireEvent.input(screen.getByTestId('sweep-name'), { target: { value: 'lr study' } });
    await fireEvent.click(screen.getByText('+ training setting'));
    first.unmount();
    render(SweepsPanel, { host, graph: real.graph, training: real.training, onApply: () => {} });
    expect((screen.getByTestId('sweep-name') as HTMLInputElement).value).toBe('lr study');
    expect(screen.getAllByTestId('dimension')).toHaveLength(1);
  });

  it("an Untitled project lists no sweeps before its first, and keeps the recovery store its first sweep got", async () => {
    const host = new FakeHost();
    const stores: string[] = [];
    render(SweepsPanel, { host, graph: real.graph, training: real.training, onApply: () => {}, onrecovery: (id: string) => stores.push(id) });
    await fireEvent.click(screen.getByText('+ training setting'));
    await fireEvent.input(input('values', 0), { target: { value: '0.1' } });
    await fireEvent.click(screen.getByTestId('sweep-start'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toMatch(/^running/));
    expect(host.calls.map((c) => c.method)).not.toContain('sweeps.list');
    expect(stores).toEqual(['untitled-new']);
  });

  it('defines a sweep from the graph, starts it through the host, shows trials live and applies one', async () => {
    const host = new FakeHost();
    const applied: { graph: Graph; config: TrainingConfig }[] = [];
    render(SweepsPanel, { host, graph: real.graph, training: real.training, projectPath: 'p.layerlab', onApply: (graph: Graph, config: TrainingConfig) => applied.push({ graph, config }) });
    await waitFor(() => expect(host.calls.map((c) => c.method)).toContain('sweeps.list'));
    // The open project's sweeps, not every sweep of the backend.
    expect(host.calls.find((c) => c.method === 'sweeps.list')!.params).toEqual({ projectPath: 'p.layerlab' });
    expect((screen.getByTestId('sweep-start') as HTMLButtonElement).disabled).toBe(true);

    // dense.units over 0, 16, 64; dropout on/off; learning rate 0.01, 0.1: the real sweep's three dimensions.
    await fireEvent.click(screen.getByText('+ node field'));
    await choose(select('node', 0), 'dense');
    await choose(select('field', 0), 'units');
    await fireEvent.input(input('values', 0), { target: { value: '' } });
    expect(screen.getByTestId('sweep-problems').textContent).toMatch(/dimensions\.0\.values: values must list at least one value/);
    expect((screen.getByTestId('sweep-start') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(input('values', 0), { target: { value: '0, 16, 64' } });
    await fireEvent.click(screen.getByText('+ node on/off'));
    await choose(select('node', 1), 'dropout');
    await fireEvent.click(screen.getByText('+ training setting'));
    await fireEvent.input(input('values', 1), { target: { value: '0.01, 0.1' } });
    expect(screen.queryByTestId('sweep-problems')).toBeNull();

    await fireEvent.click(screen.getByTestId('sweep-start'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toBe('running · 0/12 trials'));
    const start = host.calls.find((c) => c.method === 'sweeps.start')!.params as ApiParams<'sweeps.start'>;
    expect(start.graph).toEqual(real.graph);
    expect(start.projectPath).toBe('p.layerlab');
    expect(start.training).toEqual(real.training);
    const config = SweepConfigSchema.parse(start.config);
    expect(config.dimensions).toEqual([
      { target: { node: 'dense', field: 'units' }, values: [0, 16, 64] },
      { target: { toggle: 'dropout' }, values: [true, false] },
      { target: { training: 'learning_rate' }, values: [0.01, 0.1] },
    ]);
    expect(config.strategy).toEqual({ type: 'grid' });
    expect(config.objective).toMatchObject({ metric: 'val_acc', mode: 'max' });

    // Pause, resume, stop go to the host for this sweep; the buttons follow its status.
    await fireEvent.click(screen.getByTestId('sweep-pause'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toMatch(/^paused/));
    expect(screen.queryByTestId('sweep-pause')).toBeNull();
    await fireEvent.click(screen.getByTestId('sweep-resume'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toMatch(/^running/));
    expect(host.calls.filter((c) => c.method.startsWith('sweeps.') && c.method !== 'sweeps.get').map((c) => [c.method, (c.params as { sweepId?: string }).sweepId])).toEqual([
      ['sweeps.list', undefined],
      ['sweeps.start', undefined],
      ['sweeps.pause', 'sweep-1'],
      ['sweeps.resume', 'sweep-1'],
    ]);

    // Trials arrive as events; each refreshes the table from sweeps.get.
    host.finishTrial(0);
    host.finishTrial(4);
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toBe('running · 2/12 trials'));
    for (let id = 1; id < 12; id++) if (id !== 4) host.finishTrial(id);
    host.state!.status = 'completed';
    host.emit('sweeps.status', { sweepId: 'sweep-1', status: 'completed', at: new Date().toISOString() });
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toBe('completed · 12/12 trials'));
    const best = rankTrials(real.trials, real.config.objective)[0]!;
    expect(Number(screen.getAllByTestId('trial-row')[0]!.dataset.trial)).toBe(best.id + 1);
    expect(screen.queryByTestId('sweep-stop')).toBeNull();

    // "Apply to graph" hands the editor that trial's model and training config.
    await fireEvent.click(screen.getByTestId(`apply-${best.id + 1}`));
    expect(applied).toHaveLength(1);
    const dense = applied[0]!.graph.nodes.find((n) => n.id === 'dense')!;
    expect(dense.config.units).toBe(best.values['dense.units']);
    expect(applied[0]!.graph.nodes.some((n) => n.kind === 'Dropout')).toBe(best.values['dropout on'] === true);
    expect(applied[0]!.config.optimizer.learning_rate).toBe(best.values.learning_rate);
  });

  it('stops a running sweep and shows the error the host answers with', async () => {
    const host = new FakeHost();
    render(SweepsPanel, { host, graph: real.graph, training: real.training, onApply: () => {} });
    await fireEvent.click(screen.getByText('+ training setting'));
    await choose(select('values or range'), 'range');
    await fireEvent.click(screen.getByTestId('sweep-start'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toMatch(/^running/));
    const config = SweepConfigSchema.parse((host.calls.find((c) => c.method === 'sweeps.start')!.params as ApiParams<'sweeps.start'>).config);
    expect(config.dimensions[0]).toEqual({ target: { training: 'learning_rate' }, range: { min: 0.001, max: 0.1, count: 3, scale: 'log', type: 'float' } });
    await fireEvent.click(screen.getByTestId('sweep-stop'));
    await waitFor(() => expect(screen.getByTestId('sweep-status').textContent).toMatch(/^stopped/));
    expect(screen.getByTestId('sweep-resume').textContent).toMatch(/Resume/);
    expect(screen.queryByTestId('sweep-stop')).toBeNull();

    host.state!.status = 'running';
    host.call = (() => Promise.reject(new Error('sweeps.pause: cannot pause sweep sweep-1: it is stopped, not running'))) as Host['call'];
    await fireEvent.click(screen.getByTestId('sweep-resume'));
    await waitFor(() => expect(screen.getByTestId('sweep-error').textContent).toContain('cannot pause sweep sweep-1'));
  });
});
