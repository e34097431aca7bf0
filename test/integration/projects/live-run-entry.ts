/**
 * A run's entry after `epochs` epochs, as a trainer stores it (service/run-store.ts): a history and telemetry of
 * one epoch event per epoch. For the live-run tests, which are about where epochs are written, not what they hold.
 */
import type { RunEntry } from '../../../main/service/run-store';
import { TrainingConfigSchema } from '../../../shared/training';
import { mlpGraph } from '../../unit/api/examples';

export const liveEntry = (id: string, epochs: number, status: RunEntry['status'] = 'running'): RunEntry => ({
  id,
  name: 'live',
  status,
  created: '2026-01-02T03:04:05.000Z',
  config: TrainingConfigSchema.parse({ dataset: { name: 'mnist' }, epochs: 40 }),
  graph: mlpGraph,
  history: Array.from({ length: epochs }, (_, epoch) => ({ epoch, metrics: { loss: 1 / (epoch + 1), lr: 0.001 }, time: epoch + 1 })),
  telemetry: { checkpoint: '/nowhere' },
  storedTelemetry: { version: 1, events: Array.from({ length: epochs }, (_, epoch) => ({ type: 'epoch' as const, epoch, metrics: { loss: 1 / (epoch + 1) }, lr: 0.001, seconds: 1 })) },
  durationSeconds: epochs,
});
