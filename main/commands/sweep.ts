/**
 * `layerlab sweep FILE --config sweep.json`: a hyperparameter sweep over a project or a Keras model JSON, one trial
 * after another through the backend's run manager (as the app trains), a progress line per trial and a ranked
 * table at the end. The state is saved after every trial (--state, and in the project when FILE is one): running the
 * same command again resumes an unfinished sweep, skipping the trials that have ended. Ctrl-C stops it resumably.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Graph } from '../../shared/graph/types';
import { bestTrial, createSweepState, dimensionName, formatSweepTable, formatSweepValue, parseSweepConfig, type SweepConfig, type SweepState, type TrialRecord } from '../../shared/sweep/index';
import { readModelFile } from '../engine/model-file';
import { openProject } from '../projects/service';
import type { ProjectDocument } from '../projects/types';
import { createBackendService } from '../service/service';
import { ProjectSweepStore, projectSweeps } from '../sweep/project-store';
import { SweepRunner, type SweepEvent } from '../sweep/runner';
import { serviceRunLauncher } from '../service/sweep-launcher';
import { combineStores, JsonSweepStore, type SweepStore } from '../sweep/store';
import type { Command } from './types';

const USAGE = 'sweep FILE --config SWEEP.json [--data-dir DIR] [--state STATE.json] [--restart]';

export interface SweepArgs {
  file: string;
  config: string;
  dataDir?: string;
  state?: string;
  restart: boolean;
}

export function parseSweepArgs(argv: string[]): SweepArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      state: { type: 'string' },
      restart: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error(`expected one model file (a .layerlab project or a Keras model JSON); usage: layerlab ${USAGE}`);
  if (!values.config) throw new Error(`--config is required: a sweep JSON file; usage: layerlab ${USAGE}`);
  return { file: positionals[0]!, config: values.config, dataDir: values['data-dir'], state: values.state, restart: values.restart ?? false };
}

async function readSweepConfig(path: string): Promise<SweepConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the sweep config ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = parseSweepConfig(text);
  if (!parsed.ok) throw new Error(`${path} is not a valid sweep config:\n${parsed.message}`);
  return parsed.config;
}

const sameConfig = (a: SweepConfig, b: SweepConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Same layers, configs and edges; where the nodes sit on the canvas does not matter. */
function sameModel(a: Graph, b: Graph): boolean {
  const strip = (g: Graph) => JSON.stringify({ nodes: g.nodes.map(({ position: _, ...n }) => n), edges: g.edges });
  return strip(a) === strip(b);
}

function describeValues(config: SweepConfig, trial: TrialRecord): string {
  return config.dimensions.map((d) => `${dimensionName(d)}=${formatSweepValue(trial.values[dimensionName(d)], 'toggle' in d.target)}`).join(' ');
}

/** One line per ended trial: "trial 2/6 done  val_acc 0.8123  3.2 s  units=32 dropout on=off". */
export function trialLine(state: SweepState, trial: TrialRecord): string {
  const { metric } = state.config.objective;
  const value = trial.objective == null ? '-' : trial.objective.toFixed(4);
  const time = trial.durationSeconds === undefined ? '' : `  ${trial.durationSeconds.toFixed(1)} s`;
  const why = trial.reason ? `  (${trial.reason})` : '';
  return `trial ${trial.id + 1}/${state.trials.length} ${trial.status}  ${metric} ${value}${time}  ${describeValues(state.config, trial)}${why}`;
}

export const sweepCommand: Command = {
  name: 'sweep',
  usage: USAGE,
  summary: 'hyperparameter sweep (grid, random, successive halving) over a project or model; resumable, ranked table at the end',
  help: `Options:
  --config SWEEP.json    the sweep: its dimensions, strategy and trials (required)
  --data-dir DIR         read the datasets' files from DIR (a mirror folder with one sub-folder per dataset)
  --state STATE.json     where the sweep's state is saved after every trial (default: in the project, or
                         SWEEP.state.json beside the config for a model file); the same command again resumes it
  --restart              start the sweep afresh instead of resuming its saved state
`,
  async run(argv) {
    const args = parseSweepArgs(argv);
    const config = await readSweepConfig(args.config);
    const isProject = /\.layerlab$/i.test(args.file);
    let graph: Graph;
    let training: Record<string, unknown> = {};
    let doc: ProjectDocument | undefined;
    if (isProject) {
      const opened = await openProject(args.file);
      doc = opened.doc;
      graph = opened.graph;
      training = doc.project.training;
    } else {
      graph = (await readModelFile(args.file)).graph;
    }

    // Resume an unfinished sweep of the same config (from --state, else from the project), unless --restart.
    let state: SweepState | null = null;
    const fileStore = args.state ? new JsonSweepStore(args.state) : !isProject ? new JsonSweepStore(`${args.config.replace(/\.json$/i, '')}.state.json`) : undefined;
    if (!args.restart) {
      const matches = (s: SweepState) => sameConfig(s.config, config) && sameModel(s.graph, graph);
      const saved = (await fileStore?.load()) ?? (doc ? (projectSweeps(doc).reverse().find(matches) ?? null) : null);
      if (saved && !matches(saved)) {
        const what = sameConfig(saved.config, config) ? 'a different model' : 'a different sweep config';
        throw new Error(`the saved sweep state ${fileStore?.path} belongs to ${what}: pass --restart to start afresh, or another --state file`);
      }
      if (saved?.status === 'completed') {
        process.stdout.write(`sweep '${saved.name}' has already completed (pass --restart to run it again):\n\n${formatSweepTable(saved)}\n`);
        return 0;
      }
      state = saved;
    }
    const resumed = state !== null;
    state ??= createSweepState(config, graph, { training });
    const stores: SweepStore[] = [];
    if (fileStore) stores.push(fileStore);
    if (doc) stores.push(new ProjectSweepStore(doc, state.id));
    const store = combineStores(...stores);

    const finished = state.trials.filter((t) => t.status !== 'pending' && t.status !== 'running').length;
    process.stdout.write(
      `sweep '${state.name}': ${state.trials.length} trials (${config.strategy.type}), objective ${config.objective.metric} (${config.objective.mode})` +
        `${resumed ? `; resuming, ${finished} already ended` : ''}\n`,
    );
    const service = createBackendService({ datasets: args.dataDir ? { mirror: args.dataDir } : {} });
    const onEvent = (e: SweepEvent, s: SweepState): void => {
      if (e.type === 'trial-end') process.stdout.write(`${trialLine(s, e.trial)}\n`);
      else if (e.type === 'rung' && !e.decision.promoted) {
        process.stderr.write(`trial ${e.trial.id + 1}: ${s.config.objective.metric} ${e.decision.value.toFixed(4)} after ${e.decision.epochs} epoch(s) is not in the top 1/${s.config.strategy.type === 'successive_halving' ? s.config.strategy.eta : 1} of its rung: stopping it\n`);
      }
    };
    const runner = new SweepRunner({ launcher: serviceRunLauncher(service), state, store, onEvent });
    const onSigint = (): void => {
      process.stderr.write('\nstopping the sweep after the current batch; run the same command again to resume\n');
      runner.stop();
    };
    process.once('SIGINT', onSigint);
    let result: SweepState;
    try {
      result = await runner.run();
    } finally {
      process.removeListener('SIGINT', onSigint);
      await service.close();
    }

    process.stdout.write(`\n${formatSweepTable(result)}\n`);
    const best = bestTrial(result.trials, config.objective);
    if (best) process.stdout.write(`\nbest: trial ${best.id + 1} (${describeValues(config, best)}) ${config.objective.metric} ${best.objective!.toFixed(4)}\n`);
    const where = [fileStore?.path, doc?.path ? `${doc.path} (sweep ${result.id})` : undefined].filter(Boolean).join(' and ');
    if (result.status !== 'completed') process.stdout.write(`sweep stopped; state saved in ${where}: run the same command again to resume\n`);
    else process.stdout.write(`saved in ${where}\n`);
    return result.status === 'completed' && best ? 0 : 1;
  },
};
