/** Sequence layers (issue 16) train in Layerlab; until their exporters exist, Keras and PyTorch exports say so. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { compileGraph } from '../../../shared/graph';
import { templates } from '../../../shared/templates';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-seq-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each(['keras', 'pytorch'] as const)('%s refuses the imdb-lstm template, naming the layer and the reason', async (format) => {
  const template = templates.find((t) => t.id === 'imdb-lstm')!;
  const spec = compileGraph(template.graph);
  await expect(exportModel({ spec }, { format, outDir: join(dir, format) })).rejects.toThrow(/layer '.*' \((Embedding|LSTM)\) cannot be exported to .*: sequence layers .* are not exported yet/);
});
