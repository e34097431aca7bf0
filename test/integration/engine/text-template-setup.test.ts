/**
 * The text templates' own training setup trains as it stands (reuters-mlp: multi-hot reuters, sparse categorical
 * cross-entropy, RMSprop), on the generated files in Keras' layout; and a 1-unit sigmoid output with
 * sparse_categorical_crossentropy is refused by the engine naming binary_crossentropy, where tfjs would train it
 * without a word.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { getTemplate } from '../../../shared/templates/registry';
import { TrainingConfigSchema } from '../../../shared/training';
import { runTraining } from '../../../main/engine/train';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-text-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mirror = join(dir, 'mirror');
const data = { mirror, cacheDir: join(dir, 'cache'), offline: true, catalog: miniTextCatalog(mirror) };
const quiet = { histograms: false, filters: false, activations: false };

describe("the text templates' training setup", () => {
  it('reuters-mlp trains with its own config: multi-hot over 10,000 words, 46 topics', async () => {
    const t = getTemplate('reuters-mlp')!;
    const config = TrainingConfigSchema.parse({ ...t.training, epochs: 1, batch_size: 16, telemetry: quiet });
    const result = await runTraining({ spec: compileGraph(t.graph), config, data, backend: 'cpu' }, () => {});
    expect(result.done.status).toBe('completed');
    expect(result.inputShape).toEqual([10000]);
    expect(result.classNames).toHaveLength(46);
    expect(Number.isFinite(result.history[0]!.metrics.val_loss)).toBe(true);
    result.model.dispose();
  }, 120_000);

  it('imdb-embedding-pool with sparse_categorical_crossentropy is refused: a 1-unit sigmoid output needs binary_crossentropy', async () => {
    const t = getTemplate('imdb-embedding-pool')!;
    const config = TrainingConfigSchema.parse({ ...t.training, loss: 'sparse_categorical_crossentropy', epochs: 1, telemetry: quiet });
    await expect(runTraining({ spec: compileGraph(t.graph), config, data, backend: 'cpu' }, () => {})).rejects.toThrow(
      'a 1-unit sigmoid output needs binary_crossentropy, not sparse_categorical_crossentropy',
    );
  }, 120_000);
});
