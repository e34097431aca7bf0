/**
 * One training worker thread per run. The handle turns every way a worker can end (a normal end, an exception,
 * an out-of-memory abort, being terminated) into exactly one terminal message, so the run manager can always
 * settle the run and move on to the next.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { PredictResult } from '../../shared/api';
import { ApiError } from '../../shared/api';
import type { FromWorker, RunSpec, ToWorker, WorkerWeight } from './protocol';

export interface RunnerHandle {
  pause(): void;
  resume(): void;
  stop(): void;
  predict(pixels: number[], shape: number[]): Promise<Omit<PredictResult, 'classNames'>>;
  /** The current weights (for export). */
  weights(): Promise<WorkerWeight[]>;
  /** Ends the worker at once (a killed run reports 'failed' unless it had already ended). */
  kill(): Promise<void>;
  readonly threadId: number;
}

/** Starts a run. `onMessage` receives exactly one 'done' or 'failed' (after which only predictions follow). */
export type RunnerFactory = (spec: RunSpec, onMessage: (message: FromWorker) => void) => RunnerHandle;

const BOOTSTRAP = fileURLToPath(new URL('./worker/bootstrap.mjs', import.meta.url));
export const DEFAULT_WORKER_ENTRY = fileURLToPath(new URL('./worker/train-worker.ts', import.meta.url));

export interface WorkerRunnerOptions {
  /** The worker's TypeScript module; default the service's training worker. */
  entry?: string;
  /** Heap limit of the worker in MB, so that an out-of-memory run dies alone rather than taking the backend down. */
  maxOldGenerationSizeMb?: number;
}

export function createWorkerRunnerFactory(options: WorkerRunnerOptions = {}): RunnerFactory {
  return (spec, onMessage) => {
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: options.entry ?? DEFAULT_WORKER_ENTRY, spec },
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096 },
      stdout: false,
      stderr: false,
    });
    let ended = false;
    let lastError: string | undefined;
    let killed = false;
    let nextRequest = 1;
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
    const ask = <T>(message: ToWorker & { requestId: number }): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        pending.set(message.requestId, { resolve: resolve as (value: unknown) => void, reject });
        send(message);
      });

    const settle = (message: FromWorker): void => {
      if (message.type === 'done' || message.type === 'failed') {
        if (ended) return;
        ended = true;
      }
      onMessage(message);
    };

    worker.on('message', (message: FromWorker) => {
      if (message.type === 'prediction' || message.type === 'prediction-error' || message.type === 'weights') {
        const waiter = pending.get(message.requestId);
        pending.delete(message.requestId);
        if (message.type === 'prediction') waiter?.resolve(message.probabilities);
        else if (message.type === 'weights') waiter?.resolve(message.weights);
        else waiter?.reject(new ApiError('invalid-params', message.message));
        return;
      }
      settle(message);
    });
    worker.on('error', (err) => {
      lastError = err.message;
      const oom = /heap|memory/i.test(err.message) || (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle({
        type: 'failed',
        message: oom
          ? `the training worker ran out of memory (${err.message}): use a smaller batch size, a smaller model or fewer samples`
          : `the training worker crashed: ${err.message}`,
      });
    });
    worker.on('exit', (code) => {
      for (const waiter of pending.values()) waiter.reject(new ApiError('unavailable', 'the run’s worker has ended: its weights are no longer loaded'));
      pending.clear();
      settle({
        type: 'failed',
        message: killed
          ? 'the training worker was killed before the run ended'
          : lastError
            ? `the training worker crashed: ${lastError}`
            : `the training worker exited unexpectedly (exit code ${code}) before the run ended`,
      });
    });

    const send = (message: ToWorker): void => {
      try {
        worker.postMessage(message);
      } catch {
        // The worker is gone; its exit handler settles the run.
      }
    };

    return {
      threadId: worker.threadId,
      pause: () => send({ type: 'pause' }),
      resume: () => send({ type: 'resume' }),
      stop: () => send({ type: 'stop' }),
      predict(pixels, shape) {
        return ask<number[]>({ type: 'predict', requestId: nextRequest++, pixels, shape }).then((probabilities) => ({
          probabilities,
          predicted: argmax(probabilities),
        }));
      },
      weights: () => ask<WorkerWeight[]>({ type: 'weights', requestId: nextRequest++ }),
      async kill() {
        killed = true;
        await worker.terminate();
      },
    };
  };
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
