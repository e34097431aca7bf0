/**
 * Dropout inside recurrent layers in the PyTorch export (issue 16): nn.LSTM/nn.GRU have no recurrent dropout, so
 * in training mode KerasRNN runs its step loop with Keras' masks. Checked on an exported model with every recurrent
 * kind (recurrent_dropout.py): training calls differ from each other and from eval, gradients reach every weight,
 * eval stays deterministic (and equal to tfjs: sequence-parity's recurrent_dropout case), and probes built from
 * the exported KerasRNN show the masks are the same at every step of a sequence and differ between samples.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { encodeNpy } from '../../../main/export/npy';
import { compileGraph } from '../../../shared/graph';
import { sequentialGraph } from '../../../shared/templates/builder';
import { REPO, rng, runPython, torchMissing } from './helpers';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED recurrent dropout export test: ${missing}`);

const root = mkdtempSync(join(tmpdir(), 'layerlab-rnn-dropout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(missing !== null)('PyTorch export: dropout and recurrent_dropout inside recurrent layers', () => {
  it('act in training mode only, with masks fixed per sequence and drawn per sample', async () => {
    const [N, T, V] = [16, 10, 50];
    const spec = compileGraph(sequentialGraph([null, T], [
      ['Embedding', { input_dim: V, output_dim: 6, mask_zero: true }],
      ['LSTM', { units: 5, dropout: 0.3, recurrent_dropout: 0.3, return_sequences: true }],
      ['Bidirectional', { layer: 'GRU', units: 4, recurrent_dropout: 0.3, return_sequences: true }],
      ['GRU', { units: 4, reset_after: false, dropout: 0.3, recurrent_dropout: 0.3, return_sequences: true }],
      ['SimpleRNN', { units: 3, dropout: 0.5, recurrent_dropout: 0.5 }],
    ]));
    const dir = join(root, 'model');
    await exportModel({ spec }, { format: 'pytorch', outDir: dir });
    const r = rng(7);
    writeFileSync(join(dir, 'x.npy'), encodeNpy([N, T], Float32Array.from({ length: N * T }, (_, i) => (i % T < 2 ? 0 : 1 + Math.floor(r() * (V - 1))))));
    const out = JSON.parse(runPython([join(REPO, 'test/integration/export/recurrent_dropout.py'), dir]).stdout.trim().split('\n').pop()!);

    expect(out.eval_repeat_diff).toBe(0);
    expect(out.train_calls_diff).toBeGreaterThan(1e-3);
    expect(out.train_eval_diff).toBeGreaterThan(1e-3);
    expect(out.grads_nonzero).toBe(out.params);
    expect(out.input_mask_constant_over_steps).toBe(true);
    expect(out.input_mask_values).toEqual([0, 2]);
    expect(out.input_mask_dropped_fraction).toBeGreaterThan(0.35);
    expect(out.input_mask_dropped_fraction).toBeLessThan(0.65);
    expect(out.input_mask_samples_differ).toBe(true);
    expect(out.recurrent_mask_constant_over_steps).toBe(true);
    expect(out.recurrent_mask_dropped_fraction).toBeGreaterThan(0.35);
    expect(out.recurrent_mask_dropped_fraction).toBeLessThan(0.65);
    // 4 distinct input masks (batch, 1, features) and 4 state masks (batch, units) with recurrent_dropout ...
    expect(out.lstm_per_gate_masks).toEqual([4, 4, [64, 1, 5], [64, 4]]);
    // ... and one input mask shared by the 4 gates without it.
    expect(out.lstm_input_only_masks).toEqual([4, 1, null]);
  }, 120_000);
});
