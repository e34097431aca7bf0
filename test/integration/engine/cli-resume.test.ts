/**
 * `layerlab train P.layerlab` SIGKILLed mid-run leaves its run in the project as `interrupted` (issue 14), with what
 * its dashboard showed of every stored epoch; `--resume #N` continues it with its own stored config into the same
 * entry, keeping the earlier epochs' telemetry beside the new ones', and refuses flags that contradict that config,
 * naming the flag, the stored value and the fix.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openProject } from '../../../main/projects/service';
import { readRunState } from '../../../main/projects/telemetry';
import type { RunState } from '../../../shared/run-state';
import { cli, startTraining, TINY, waitForRun } from './cli-training';

/** The epochs each kind of the dashboard holds. */
const epochsOf = (s: RunState) => ({
  history: s.history.map((h) => h.epoch),
  histograms: s.histograms.map((h) => h.epoch),
  confusion: s.confusion.map((c) => c.epoch),
  batches: [...new Set(s.batches.map((b) => b.epoch))],
});

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-cli-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a killed CLI run is interrupted; --resume #1 refuses contradicting flags and continues it into its entry', async () => {
  const file = path.join(dir, 'p.layerlab');
  expect(cli(dir, 'new', file, '--template', 'mlp-64').code).toBe(0);
  const training = startTraining(dir, [file, ...TINY, '--epochs', '40', '--optimizer', 'sgd', '--learning-rate', '0.05', '--seed', '7']);
  const live = await waitForRun(file, (runs) => runs.find((r) => r.history.length >= 2), training);
  // While its process lives, the run is running and names it.
  expect(live).toMatchObject({ status: 'running', number: 1, trainer: { pid: training.child.pid } });
  await training.kill();

  const [killed] = (await openProject(file)).doc.runs.map((r) => r.meta);
  expect(killed).toMatchObject({ id: live.id, number: 1, status: 'interrupted', hasWeights: false });
  const done = killed!.history.length;
  expect(done).toBeGreaterThanOrEqual(2);
  // Stored with each epoch's checkpoint: its histograms, confusion matrix and batch points (loss and accuracy).
  const shown = (await readRunState(file, live.id))!;
  const stored = Array.from({ length: done }, (_, i) => i);
  expect(epochsOf(shown)).toEqual({ history: stored, histograms: stored, confusion: stored, batches: stored });
  for (const b of shown.batches) expect(b.metrics!.acc).toBeGreaterThanOrEqual(0);
  const info = cli(dir, 'info', file);
  expect(info.stdout).toMatch(/#1\s+run-\S+\s+.*\s+interrupted\s+\d+/);
  expect(info.stdout).toContain(`continue one with: layerlab train ${file} --resume '#1'`);

  // Contradicting flags: refused, each named with the stored value and the fix; the file is not touched.
  const before = statSync(file).mtimeMs;
  const refused = cli(dir, 'train', file, '--resume', '#1', '--optimizer', 'adam', '--batch-size', '50', ...TINY.slice(0, 2));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("--optimizer adam contradicts run #1's stored optimizer (sgd): drop --optimizer to continue the run with its own settings");
  expect(refused.stderr).toContain("--batch-size 50 contradicts run #1's stored batch-size (20)");
  const fewer = cli(dir, 'train', file, '--resume', '#1', '--epochs', '1');
  expect(fewer.stderr).toContain(`--epochs 1 is not above the`);
  expect(cli(dir, 'train', file, '--resume', '#2').stderr).toMatch(/has no run #2; its runs are: #1 run-\S+ \(interrupted\)/);
  expect(statSync(file).mtimeMs).toBe(before);

  // Resumed by number, with flags that agree or only say where it runs, and fewer epochs than planned (ends earlier).
  const checkpointEpochs = Number(/after epoch (\d+)/.exec(cli(dir, 'train', file, '--resume', '#1', '--epochs', String(done + 2), '--optimizer', 'sgd', ...TINY).stdout)?.[1]);
  expect(checkpointEpochs).toBeGreaterThanOrEqual(done - 1); // the checkpoint follows the stored epoch closely
  const runs = (await openProject(file)).doc.runs.map((r) => r.meta);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ id: live.id, number: 1, status: 'completed', hasWeights: true });
  expect(runs[0]!.config).toMatchObject({ epochs: done + 2, batch_size: 20, seed: 7, optimizer: { name: 'sgd', learning_rate: 0.05 } });
  expect(runs[0]!.history.map((h) => h.epoch)).toEqual(Array.from({ length: done + 2 }, (_, i) => i));
  expect(runs[0]!.trainer).toBeUndefined();

  // The earlier session's telemetry is kept up to the checkpoint, the new session's follows it: every epoch shows.
  const resumed = (await readRunState(file, live.id))!;
  const all = Array.from({ length: done + 2 }, (_, i) => i);
  expect(epochsOf(resumed)).toEqual({ history: all, histograms: all, confusion: all, batches: all });
  for (const epoch of [0, 1]) {
    expect(resumed.histograms[epoch]).toEqual(shown.histograms[epoch]);
    expect(resumed.confusion[epoch]).toEqual(shown.confusion[epoch]);
    expect(resumed.batches.filter((b) => b.epoch === epoch)).toEqual(shown.batches.filter((b) => b.epoch === epoch));
  }
  // Batch points run forward in fractional epochs, each with its accuracy, never back over a resumed epoch.
  const x = resumed.batches.map((b) => b.epoch + (b.batch + 1) / b.batches);
  expect(x).toEqual([...x].sort((a, b) => a - b));
  expect(new Set(x).size).toBe(x.length);
  for (const b of resumed.batches) expect(b.metrics!.acc).toBeGreaterThanOrEqual(0);
}, 240_000);
