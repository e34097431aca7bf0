/**
 * A backend that trains one run stored in a project, in its own process, so that crash-recovery.test.ts and
 * engine/kill-recovery.test.ts can SIGKILL it mid-training. argv: project file, checkpoint dir, data mirror[, training
 * samples (then in batches of 20)[, epochs (default 40)]]. Prints 'checkpointed' once the project holds the run with a checkpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openProject } from '../../../main/projects/service';
import { createBackendService } from '../../../main/service/service';
import { TrainingConfigSchema } from '../../../shared/training';
import { mlpGraph } from '../../unit/api/examples';

const [file, checkpointDir, mirror, limit, epochs] = process.argv.slice(2) as [string, string, string, string?, string?];
const service = createBackendService({ datasets: { mirror, offline: true }, checkpointDir });
const config = TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: Number(epochs ?? 40), batch_size: limit ? 20 : 50, limit_train: Number(limit ?? 1000), limit_test: limit ? 40 : 100, telemetry: { histograms: false, filters: false, activations: false } });
const { runId } = service.runs.start(mlpGraph, config, 'killed', file);
process.stdout.write(`run ${runId}\n`);
for (;;) {
  await sleep(100);
  const run = (await openProject(file).catch(() => null))?.doc.runs.find((r) => r.meta.id === runId);
  if ((run?.meta.telemetry as { checkpoint?: string } | undefined)?.checkpoint) break;
}
process.stdout.write('checkpointed\n');
