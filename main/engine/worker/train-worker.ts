/**
 * The training worker thread: waits for 'start', runs main/engine/train.ts, forwards its events, and turns any
 * failure into an 'error' message. stop/pause/resume act between batches.
 */
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { runTraining } from '../train';
import type { CallbackHook } from '../train';
import { TrainingControl } from '../training/control';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('train-worker.ts runs as a worker thread; start it with startTrainingWorker()');
const post = (m: FromWorker): void => port.postMessage(m);
const control = new TrainingControl();
let started = false;

async function loadHooks(modules: string[] = []): Promise<CallbackHook[]> {
  const hooks: CallbackHook[] = [];
  for (const m of modules) {
    const url = m.startsWith('file:') ? m : pathToFileURL(m).href;
    const mod = (await import(url)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new Error(`callback module ${m} must export a default function (ctx) => tf.Callback[]`);
    hooks.push(mod.default as CallbackHook);
  }
  return hooks;
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      if (started) return post({ type: 'error', message: 'this worker already runs a training; start a new worker for another run' });
      started = true;
      void (async () => {
        try {
          const callbackHooks = await loadHooks(message.request.options.callbackModules);
          await runTraining(message.request, post, { control, callbackHooks });
        } catch (err) {
          post({ type: 'error', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
        } finally {
          port.close();
        }
      })();
      break;
    case 'stop':
      control.stop();
      break;
    case 'pause':
      control.pause();
      post({ type: 'state', state: 'paused' });
      break;
    case 'resume':
      control.resume();
      post({ type: 'state', state: 'running' });
      break;
  }
});
