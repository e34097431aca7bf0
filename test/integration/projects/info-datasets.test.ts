/** `layerlab info` names the dataset each run trained on, not the project's current one for every run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../main/cli';
import { addRun, createProject, saveProjectAs } from '../../../main/projects/service';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-info-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    return { code: await main(argv), out };
  } finally {
    o.mockRestore();
  }
}

describe('layerlab info: each run’s own dataset', () => {
  it('shows fashion-mnist for a run trained on it in an mnist project, in the table and in --json', async () => {
    const file = join(dir, 'two.layerlab');
    const doc = createProject({ name: 'Two datasets', templateId: 'mlp-64' });
    const history = [{ epoch: 0, metrics: { loss: 0.5 } }];
    addRun(doc, { name: 'on mnist', status: 'completed', config: { dataset: { name: 'mnist' } }, graph: doc.project.graph, history, durationSeconds: 1, weights: null });
    addRun(doc, { name: 'on fashion', status: 'completed', config: { dataset: { name: 'fashion-mnist' } }, graph: doc.project.graph, history, durationSeconds: 1, weights: null });
    await saveProjectAs(doc, file);
    const { code, out } = await cli('info', file);
    expect(code).toBe(0);
    expect(out).toMatch(/^Dataset: mnist \(the project's; each run's own is in the table below\)$/m);
    expect(out).toMatch(/^Run\s+Name\s+Dataset\s+Status/m);
    expect(out).toMatch(/on mnist\s+mnist\s+completed/);
    expect(out).toMatch(/on fashion\s+fashion-mnist\s+completed/);
    const json = JSON.parse((await cli('info', file, '--json')).out) as { runs: { name: string; dataset: string }[] };
    expect(json.runs.map((r) => [r.name, r.dataset])).toEqual([['on mnist', 'mnist'], ['on fashion', 'fashion-mnist']]);
  });
});
