/**
 * Starts the training worker thread (the one client for the CLI and the backend service) and turns every way it can
 * end (done, an error it reports, an exception it does not catch, running out of memory, being terminated) into
 * exactly one final event: 'done' or 'error'. Predictions, weights and artifacts are request/response calls.
 */
import { Worker } from 'node:worker_threads';
import type { BestWeights } from '../training/best-weights';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { ActivationMaps } from '../../../shared/run-events';
import type { StoredWeights } from '../../projects/types';
import type { EpochEvent, FromWorker, LoadRequest, StartRequest, TerminalEvent, ToWorker, WorkerWeight } from './protocol';

export interface WorkerEntry {
  /** The file given to `new Worker`. */
  file: string;
  /** The TypeScript entry the bootstrap loads through tsx; absent for a built app. */
  entry?: string;
}

/**
 * Where the worker's code is. From source (this module is .ts): the tsx bootstrap plus train-worker.ts. From a
 * build (.js, also inside app.asar, which worker_threads read through Electron's patched fs): train-worker.js beside
 * this file, started directly.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url, exists: (p: string) => boolean = existsSync): WorkerEntry {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const ext = path.extname(fileURLToPath(moduleUrl));
  if (ext === '.ts' || ext === '.mts') {
    return { file: path.join(here, 'bootstrap.mjs'), entry: path.join(here, `train-worker${ext}`) };
  }
  for (const name of ['train-worker.js', 'train-worker.mjs', 'train-worker.cjs']) {
    const p = path.join(here, name);
    if (exists(p)) return { file: p };
  }
  throw new Error(`the training worker is missing: no train-worker.js next to ${here}; the build must emit main/engine/worker/train-worker.ts`);
}

export interface TrainingHandle {
  stop(): void;
  pause(): void;
  resume(): void;
  /** Class probabilities for one raw sample (0..255 for images), with the current weights; during or after training. */
  predict(pixels: number[]): Promise<number[]>;
  /** Every layer's output for one raw sample with the current weights (the dashboard's chosen activation probe). */
  probe(pixels: number[], index: number, epoch: number, label?: number): Promise<ActivationMaps>;
  /** The current weights, named as tfjs names them (for export). */
  weights(): Promise<WorkerWeight[]>;
  /** The model as TF.js layers artifacts (model.json + weights.bin), as a project stores a run. */
  artifacts(): Promise<StoredWeights>;
  /** After training: the best epoch's weights (null: none; `weights` null: the final weights are the best). */
  bestArtifacts(): Promise<BestWeights | null>;
  /** Ends the worker at once; if training had not ended, `finished` resolves with an 'error' event saying so. */
  terminate(): Promise<void>;
  /** Settles with the final event: 'done', or 'error' for every failure. Never rejects. */
  finished: Promise<TerminalEvent>;
  /** Epoch events received so far. */
  readonly epochs: EpochEvent[];
  readonly threadId: number;
}

export interface StartOptions {
  /** Heap limit of the worker, so an out-of-memory run dies alone (default 4096 MB). */
  maxOldGenerationSizeMb?: number;
  entry?: WorkerEntry;
  /**
   * Keep the worker after training ends, to answer predict/weights/artifacts until terminate() (default false:
   * the worker ends right after the final event).
   */
  keepAlive?: boolean;
}

type Pending = { resolve: (value: never) => void; reject: (e: Error) => void };

export function startTrainingWorker(request: StartRequest, onEvent: (e: FromWorker) => void = () => {}, options: StartOptions = {}): TrainingHandle {
  return startWorker({ type: 'start', request }, onEvent, options);
}

/** A worker that loads a stored run's model and answers predictions; `finished` settles with 'done' once it can. */
export function startInferenceWorker(request: LoadRequest, onEvent: (e: FromWorker) => void = () => {}, options: StartOptions = {}): TrainingHandle {
  return startWorker({ type: 'load', request }, onEvent, { ...options, keepAlive: true });
}

function startWorker(first: Extract<ToWorker, { type: 'start' | 'load' }>, onEvent: (e: FromWorker) => void, options: StartOptions): TrainingHandle {
  const entry = options.entry ?? resolveWorkerEntry();
  const worker = new Worker(entry.file, {
    workerData: { entry: entry.entry },
    resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096 },
  });
  const epochs: EpochEvent[] = [];
  let settled = false;
  let terminated = false;
  let exited = false;
  let lastError: string | undefined;
  let nextRequest = 1;
  const pending = new Map<number, Pending>();
  let resolveFinished!: (e: TerminalEvent) => void;
  const finished = new Promise<TerminalEvent>((r) => (resolveFinished = r));

  const settle = (e: TerminalEvent): void => {
    if (settled) return;
    settled = true;
    onEvent(e);
    resolveFinished(e);
    if (!options.keepAlive) void worker.terminate();
  };

  worker.on('message', (m: FromWorker) => {
    if (m.type === 'prediction' || m.type === 'probe' || m.type === 'weights' || m.type === 'artifacts' || m.type === 'best-artifacts' || m.type === 'request-error') {
      const waiter = pending.get(m.requestId);
      pending.delete(m.requestId);
      if (!waiter) return;
      if (m.type === 'request-error') waiter.reject(new Error(m.message));
      else waiter.resolve((m.type === 'prediction' ? m.probabilities : m.type === 'probe' ? m.activations : m.type === 'weights' ? m.weights : m.type === 'artifacts' ? m.artifacts : m.best) as never);
      return;
    }
    if (m.type === 'done' || m.type === 'error') return settle(m);
    if (m.type === 'epoch') epochs.push(m);
    if (!settled) onEvent(m);
  });
  worker.on('error', (err) => {
    lastError = err.message;
    const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit/i.test(err.message);
    settle({
      type: 'error',
      message: oom
        ? `the training worker ran out of memory (${err.message}): use a smaller batch size, a smaller model or fewer samples`
        : `the training worker crashed: ${err.message}`,
      stack: err.stack,
    });
  });
  worker.on('messageerror', (err) => settle({ type: 'error', message: `a message from the training worker could not be read: ${err.message}` }));
  worker.on('exit', (code) => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error('the training worker has ended: its weights are no longer loaded'));
    pending.clear();
    settle({
      type: 'error',
      message: terminated
        ? 'training was terminated before it finished'
        : lastError
          ? `the training worker crashed: ${lastError}`
          : `the training worker exited (code ${code}) before training finished (killed, or out of memory?)`,
    });
  });

  const send = (m: ToWorker): void => {
    try {
      worker.postMessage(m);
    } catch {
      // The worker is gone; its exit handler settles.
    }
  };
  const ask = <T>(make: (requestId: number) => ToWorker): Promise<T> => {
    if (exited) return Promise.reject(new Error('the training worker has ended: its weights are no longer loaded'));
    const requestId = nextRequest++;
    return new Promise<T>((resolve, reject) => {
      pending.set(requestId, { resolve: resolve as (value: never) => void, reject });
      send(make(requestId));
    });
  };
  send(first);
  return {
    stop: () => send({ type: 'stop' }),
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    predict: (pixels) => ask<number[]>((requestId) => ({ type: 'predict', requestId, pixels })),
    probe: (pixels, index, epoch, label) => ask<ActivationMaps>((requestId) => ({ type: 'probe', requestId, pixels, index, epoch, ...(label !== undefined ? { label } : {}) })),
    weights: () => ask<WorkerWeight[]>((requestId) => ({ type: 'weights', requestId })),
    artifacts: () => ask<StoredWeights>((requestId) => ({ type: 'artifacts', requestId })),
    bestArtifacts: () => ask<BestWeights | null>((requestId) => ({ type: 'best-artifacts', requestId })),
    async terminate() {
      terminated = true;
      await worker.terminate();
    },
    finished,
    epochs,
    threadId: worker.threadId,
  };
}
