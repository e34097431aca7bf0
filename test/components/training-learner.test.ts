import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../shared/api';
import { TrainingConfigSchema } from '../../shared/training';
import { augmentationText } from '../../renderer/src/training/compare';
import { defaultDraft, runConfig, validationText } from '../../renderer/src/training/form';
import RunsTable from '../../renderer/src/training/RunsTable.svelte';
import { engineLines } from '../../renderer/src/training/engineLines';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';

describe('the validation size is seen and set before training', () => {
  it('says how many test samples a run validates on, and takes a number', () => {
    const form = defaultDraft();
    const limits = (limit_train: number | null, limit_test: number | null = null) => ({ ...form, config: { ...form.config, limit_train, limit_test } });
    expect(validationText(limits(2000).config, 10_000)).toBe('400 of the 10,000-sample test split');
    expect(validationText(limits(null).config, 10_000)).toBe('all of the 10,000-sample test split');
    expect(validationText(limits(2000, 50_000).config, 10_000)).toBe('10,000 of the 10,000-sample test split');
    const set = limits(2000, 1500);
    expect(validationText(set.config, 10_000)).toBe('1,500 of the 10,000-sample test split');
    expect(runConfig(set).limit_test).toBe(1500);
    expect(runConfig(limits(2000)).limit_test).toBe(400);
  });
});

describe('run history', () => {
  afterEach(() => vi.useRealTimers());

  function running(): RunSummary {
    const form = defaultDraft();
    Object.assign(form.config.augmentation, { rotation_range: 15, horizontal_flip: true });
    const config = TrainingConfigSchema.parse(runConfig(form));
    return { runId: 'r1', name: 'MLP', status: 'running', createdAt: new Date(Date.now() - 1000).toISOString(), startedAt: new Date(Date.now() - 1000).toISOString(), config, history: [] };
  }

  it("a running run's duration grows while it runs (it stayed at 0.0s)", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    render(RunsTable, { props: { runs: [running()], compare: [], ontoggle: () => {}, onopen: () => {} } });
    const first = screen.getByTestId('run-duration').textContent;
    expect(first).toBe('1.0s');
    await vi.advanceTimersByTimeAsync(3000);
    expect(screen.getByTestId('run-duration').textContent).toBe('4.0s');
  });

  it('the config column shows augmentation, so runs differing only there tell apart', () => {
    render(RunsTable, { props: { runs: [running()], compare: [], ontoggle: () => {}, onopen: () => {} } });
    expect(screen.getByTestId('run-row').textContent).toContain('· aug rot 15 hflip');
    expect(augmentationText(TrainingConfigSchema.parse(runConfig(defaultDraft())).augmentation)).toBe('');
  });
});

describe('the engine panel: one line per backend, details on demand', () => {
  it('lists every backend the API reports, the reasons cut to a few words without the repeated name', () => {
    const lines = engineLines({
      backend: 'wasm (SIMD, 2 threads)',
      skipped: [
        { backend: 'tfjs-node-gpu', reason: 'tfjs-node-gpu: not installed (optional dependency; its install downloads libtensorflow and needs internet: npm install @tensorflow/tfjs-node-gpu)' },
        { backend: 'webgpu', reason: 'webgpu: no adapter found. Install a Vulkan driver.' },
      ],
      gpuNotes: ['GPU training is off: ...'],
    });
    expect(lines.map((l) => [l.backend, l.short])).toEqual([
      ['tfjs-node-gpu', 'not installed'],
      ['webgpu', 'no adapter found'],
      ['wasm (SIMD, 2 threads)', 'in use'],
    ]);
    expect(lines[0]!.detail).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('renders them as lines, with the full text behind Details', () => {
    const training = new TrainingStore();
    training.system = {
      appVersion: '0.1.0',
      platform: 'linux',
      engine: { backend: 'wasm', skipped: [{ backend: 'tfjs-node', reason: 'tfjs-node: not installed (optional dependency)' }], gpuNotes: [] },
    } as unknown as TrainingStore['system'];
    render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore()) });
    expect(screen.getByTestId('engine-backend').textContent).toBe('Backend: wasm');
    expect(screen.getAllByTestId('engine-line').map((l) => l.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['✗tfjs-node: not installed']);
    expect(screen.getByText('Details')).toBeTruthy();
  });
});
