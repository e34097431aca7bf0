/**
 * `layerlab train FILE --dataset mnist --epochs N ...`: trains a model file on a dataset in a worker thread, with a
 * progress bar per epoch on stderr, and one line (or with --json one JSON object on stdout) per epoch.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { OPTIMIZER_NAMES } from '../../shared/training';
import type { OptimizerName } from '../../shared/training';
import { formatBackendChoice } from '../engine/backend';
import { readModelFile } from '../engine/model-file';
import { startTrainingWorker } from '../engine/worker/client';
import type { FromWorker, StartRequest } from '../engine/worker/protocol';
import type { Command } from './types';

const USAGE =
  'train FILE --dataset mnist|fashion-mnist --epochs N [--batch-size B] [--optimizer sgd|adam|rmsprop|adagrad|adadelta|adamax] ' +
  '[--learning-rate X] [--momentum M] [--limit-train N] [--limit-test N] [--backend NAME] [--data-dir DIR] [--seed S] [--json]';

function positiveInt(name: string, v: string | undefined, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${v}'`);
  return n;
}

/** Parses the argv tail of `layerlab train` into a worker request (plus output options). */
export function parseTrainArgs(argv: string[]): { request: StartRequest; file: string; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      dataset: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      optimizer: { type: 'string' },
      'learning-rate': { type: 'string' },
      momentum: { type: 'string' },
      'limit-train': { type: 'string' },
      'limit-test': { type: 'string' },
      backend: { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error(`expected one model file; usage: layerlab ${USAGE}`);
  if (!values.dataset) throw new Error('--dataset is required (mnist or fashion-mnist)');
  const epochs = positiveInt('epochs', values.epochs);
  if (epochs === undefined) throw new Error('--epochs is required, e.g. --epochs 5');
  const name = (values.optimizer ?? 'sgd').toLowerCase();
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown --optimizer '${values.optimizer}'; use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const lr = positiveNumber('learning-rate', values['learning-rate']);
  const momentum = positiveNumber('momentum', values.momentum);
  if (momentum !== undefined && !['sgd', 'rmsprop'].includes(name)) throw new Error(`--momentum applies to sgd and rmsprop, not ${name}`);
  const optimizer: StartRequest['options']['optimizer'] = { name: name as OptimizerName };
  if (lr !== undefined) (optimizer as { learning_rate?: number }).learning_rate = lr;
  if (momentum !== undefined) (optimizer as { momentum?: number }).momentum = momentum;
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'`);
  return {
    file: positionals[0]!,
    json: values.json ?? false,
    request: {
      spec: { class_name: 'Sequential', config: { name: '', layers: [] } },
      data: {
        dataset: values.dataset,
        dataDir: values['data-dir'],
        limitTrain: positiveInt('limit-train', values['limit-train']),
        limitTest: positiveInt('limit-test', values['limit-test']),
      },
      options: { epochs, batchSize: positiveInt('batch-size', values['batch-size'], 32)!, optimizer, backend: values.backend, seed },
    },
  };
}

const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(4));

export const trainCommand: Command = {
  name: 'train',
  usage: 'train FILE --dataset NAME --epochs N [options]',
  summary: 'train a model file on mnist or fashion-mnist (progress on stderr; --json: one JSON line per epoch)',
  async run(argv) {
    const { request, file, json } = parseTrainArgs(argv);
    request.spec = (await readModelFile(file)).spec;
    const info = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
    let backend = '';
    let bar: cliProgress.SingleBar | null = null;
    const epochs = request.options.epochs;
    const onEvent = (e: FromWorker): void => {
      switch (e.type) {
        case 'backend':
          backend = e.choice.backend;
          info(formatBackendChoice(e.choice));
          break;
        case 'ready':
          info(`data: ${e.trainCount} training and ${e.testCount} test samples, input [${e.inputShape.join(', ')}]; ${e.params.toLocaleString('en-US')} parameters`);
          break;
        case 'progress':
          if (!bar) {
            bar = new cliProgress.SingleBar(
              { stream: process.stderr, format: 'epoch {ep}/{epochs} [{bar}] {value}/{total} batches | loss {loss} | ETA {eta_formatted}', hideCursor: false, clearOnComplete: true, etaBuffer: 20 },
              cliProgress.Presets.shades_classic,
            );
            bar.start(e.batchesPerEpoch, 0, { ep: e.epoch + 1, epochs, loss: 'n/a' });
          }
          bar.update(e.batch + 1, { ep: e.epoch + 1, epochs, loss: fmt(e.loss) });
          break;
        case 'epoch': {
          bar?.stop();
          bar = null;
          const l = e.logs;
          if (json) {
            process.stdout.write(
              `${JSON.stringify({ epoch: e.epoch + 1, loss: l.loss ?? null, acc: l.acc ?? l.accuracy ?? null, val_loss: l.val_loss ?? null, val_acc: l.val_acc ?? l.val_accuracy ?? null, seconds: e.seconds, samples_per_second: e.samplesPerSecond, backend })}\n`,
            );
          } else {
            process.stdout.write(
              `epoch ${e.epoch + 1}/${epochs}: loss ${fmt(l.loss)} acc ${fmt(l.acc)} val_loss ${fmt(l.val_loss)} val_acc ${fmt(l.val_acc)} ` +
                `(${e.seconds.toFixed(1)} s, ${e.samplesPerSecond.toFixed(1)} samples/s)\n`,
            );
          }
          break;
        }
        default:
          break;
      }
    };
    const handle = startTrainingWorker(request, onEvent);
    const onSigint = () => {
      process.stderr.write('\nstopping after the current batch (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => void handle.terminate());
      handle.stop();
    };
    process.once('SIGINT', onSigint);
    const end = await handle.finished;
    process.removeListener('SIGINT', onSigint);
    (bar as cliProgress.SingleBar | null)?.stop();
    if (end.type === 'error') throw new Error(end.message);
    if (end.stopped) info(`stopped after ${end.epochsCompleted} of ${epochs} epochs`);
    return 0;
  },
};
