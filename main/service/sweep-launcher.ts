/** The backend service's runs, as the sweep runner's RunLauncher (main/sweep/launcher.ts). */
import type { RunLauncher } from '../sweep/launcher';
import type { EventBus } from './events';
import type { RunManager } from './runs';

export function serviceRunLauncher(backend: { readonly runs: RunManager; readonly bus: Pick<EventBus, 'subscribe'> }): RunLauncher {
  const { runs, bus } = backend;
  return {
    start: (graph, config, name) => runs.start(graph, config, name),
    stop: (runId) => void runs.stop(runId),
    pause: (runId) => void runs.pause(runId),
    resume: (runId) => void runs.resume(runId),
    detail: (runId) => runs.detail(runId),
    subscribe: (listener) => bus.subscribe(listener),
  };
}
