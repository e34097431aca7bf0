/**
 * What a sweep needs of whoever trains its trials, and nothing more: start a run, steer it, read where it stands,
 * and hear its events. The backend service provides one (main/service/sweep-launcher.ts); the runner never sees
 * the service's run manager or event bus.
 */
import type { ApiEventMessage, RunSummary } from '../../shared/api';
import type { Graph } from '../../shared/graph/types';
import type { TrainingConfig } from '../../shared/training';

/** A trial's run as the runner reads it: its status (and why it ended), its epochs, when it ran. */
export type TrialRun = Pick<RunSummary, 'status' | 'message' | 'history' | 'startedAt' | 'endedAt'>;

export interface RunLauncher {
  /** Queues the run; a worker that fails to start may have ended it already (detail says so). */
  start(graph: Graph, config: TrainingConfig, name: string): { runId: string };
  stop(runId: string): void;
  pause(runId: string): void;
  resume(runId: string): void;
  /** Throws for a run the launcher does not know. */
  detail(runId: string): TrialRun;
  /** Every pushed event ('training.status', 'training.epoch', ...); returns the function that unsubscribes. */
  subscribe(listener: (message: ApiEventMessage) => void): () => void;
}
