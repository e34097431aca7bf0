/**
 * One training worker thread per run, started through the engine's worker client (main/engine/worker/client.ts),
 * which turns every way a worker can end (a normal end, an exception, an out-of-memory abort, being terminated)
 * into exactly one terminal event; this adapter maps the engine's events to the run manager's messages.
 */
import { join } from 'node:path';
import type { BestWeights } from '../engine/training/best-weights';
import type { PredictResult } from '../../shared/api';
import type { ActivationMaps } from '../../shared/run-events';
import { ApiError } from '../../shared/api';
import { startInferenceWorker, startTrainingWorker, type WorkerEntry } from '../engine/worker/client';
import type { FromWorker as EngineMessage } from '../engine/worker/protocol';
import type { StoredWeights } from '../projects/types';
import type { FromWorker, RunSpec, WorkerWeight } from './protocol';

export interface RunnerHandle {
  pause(): void;
  resume(): void;
  stop(): void;
  predict(pixels: number[], shape: number[]): Promise<Omit<PredictResult, 'classNames'>>;
  /** Every layer's output for one raw sample (the activation probe the user picked). */
  probe?(pixels: number[], index: number, epoch: number, label?: number): Promise<ActivationMaps>;
  /** The current weights (for export). */
  weights(): Promise<WorkerWeight[]>;
  /** The model as TF.js layers artifacts, to store the run in a project. */
  artifacts?(): Promise<StoredWeights>;
  /** The best epoch's weights (training/best-weights.ts), stored beside the final ones. */
  bestArtifacts?(): Promise<BestWeights | null>;
  /** Ends the worker at once (a killed run reports 'failed' unless it had already ended). */
  kill(): Promise<void>;
  readonly threadId: number;
}

/** Starts a run. `onMessage` receives exactly one 'done' or 'failed' (after which only predictions follow). */
export type RunnerFactory = (spec: RunSpec, onMessage: (message: FromWorker) => void) => RunnerHandle;

export interface WorkerRunnerOptions {
  /** Where the worker's code is; default the engine's training worker (resolveWorkerEntry). */
  entry?: WorkerEntry;
  /** Heap limit of the worker in MB, so that an out-of-memory run dies alone rather than taking the backend down. */
  maxOldGenerationSizeMb?: number;
  /** Backend to force in the worker; default LAYERLAB_BACKEND or the best available. */
  backend?: string;
}

/** The engine worker's messages as the run manager's: run events get the run's id (and warnings their graph node). */
export function toServiceMessage(spec: RunSpec, nodeOfLayer: Map<string, string>, m: EngineMessage): FromWorker | undefined {
  const runId = spec.runId;
  switch (m.type) {
    case 'telemetry': {
      const event = m.event;
      if (event.type === 'health') {
        const nodeId = event.layer ? nodeOfLayer.get(event.layer) : undefined;
        return { type: 'event', event: { ...event, runId, ...(nodeId ? { nodeId } : {}) } };
      }
      return { type: 'event', event: { ...event, runId } };
    }
    case 'backend':
      return { type: 'backend', backend: m.choice.backend };
    case 'state':
      return m;
    case 'checkpoint':
      return { type: 'checkpoint', path: m.path, epoch: m.epoch };
    case 'done':
      return {
        type: 'done',
        status: m.status === 'stopped' ? 'stopped' : 'completed',
        // The API's run status stays 'completed'; the project file records that early stopping ended the run.
        ...(m.status === 'early-stopped' ? { earlyStopped: true } : {}),
        ...(m.message ? { message: m.message } : {}),
        telemetrySeconds: m.telemetrySeconds,
      };
    case 'error':
      return { type: 'failed', message: m.message };
    default:
      return undefined;
  }
}

/** Runs go to the engine's training worker (main/engine/worker), the same one `layerlab train` uses. */
export function createWorkerRunnerFactory(options: WorkerRunnerOptions = {}): RunnerFactory {
  return (spec, onMessage) => {
    const nodeOfLayer = new Map(spec.graph.nodes.map((n) => [n.name, n.id]));
    let killed = false;
    const backend = options.backend ?? process.env.LAYERLAB_BACKEND;
    const onEvent = (m: EngineMessage) => {
      if (m.type === 'error' && killed) return onMessage({ type: 'failed', message: 'the training worker was killed before the run ended' });
      const out = toServiceMessage(spec, nodeOfLayer, m);
      if (out) onMessage(out);
    };
    const workerOptions = { keepAlive: true, ...(options.entry ? { entry: options.entry } : {}), maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096 };
    const handle = spec.stored
      ? startInferenceWorker({ stored: spec.stored, config: spec.config, data: { ...spec.datasets }, backend }, onEvent, workerOptions)
      : startTrainingWorker(
          {
            runId: spec.runId,
            spec: spec.modelSpec,
            config: spec.config,
            data: { ...spec.datasets },
            backend,
            ...(spec.checkpointDir ? { checkpointDir: join(spec.checkpointDir, spec.runId) } : {}),
            ...(spec.resumeFrom ? { resumeFrom: spec.resumeFrom } : {}),
            ...(spec.initFrom ? { initFrom: spec.initFrom } : {}),
          },
          onEvent,
          workerOptions,
        );
    const unavailable = (err: unknown): never => {
      throw new ApiError('unavailable', `the run’s worker cannot answer: ${(err as Error).message}`);
    };
    return {
      threadId: handle.threadId,
      pause: () => handle.pause(),
      resume: () => handle.resume(),
      stop: () => handle.stop(),
      async predict(pixels) {
        let probabilities: number[];
        try {
          probabilities = await handle.predict(pixels);
        } catch (err) {
          throw /not built yet|values but the model takes/.test((err as Error).message) ? new ApiError('invalid-params', (err as Error).message) : unavailable(err);
        }
        return { probabilities, predicted: argmax(probabilities) };
      },
      probe: (pixels, index, epoch, label) => handle.probe(pixels, index, epoch, label).catch(unavailable),
      weights: () => handle.weights().catch(unavailable),
      artifacts: () => handle.artifacts().catch(unavailable),
      bestArtifacts: () => handle.bestArtifacts().catch(unavailable),
      async kill() {
        killed = true;
        await handle.terminate();
      },
    };
  };
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
