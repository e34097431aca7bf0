import { parseSweepConfig } from '../../../shared/sweep/schema';
import { SWEEP_STATE_VERSION, type SweepState } from '../../../shared/sweep/state';

/** A sweep state file as `layerlab sweep` writes it; the message says what is wrong with it. */
export function readSweepState(text: string): SweepState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`This file is not JSON (${(e as Error).message}): open the sweep state file that \`layerlab sweep\` writes.`, { cause: e });
  }
  const d = data as Partial<SweepState>;
  if (d.version !== SWEEP_STATE_VERSION) throw new Error(`This is not a sweep state file of version ${SWEEP_STATE_VERSION} (its "version" is ${JSON.stringify(d.version)}).`);
  const config = parseSweepConfig(d.config);
  if (!config.ok) throw new Error(`The sweep's config is invalid: ${config.message}`);
  if (!Array.isArray(d.trials) || !d.graph || !Array.isArray(d.graph.nodes)) throw new Error('The sweep state has no trials or no graph: it is incomplete.');
  return { ...(d as SweepState), config: config.config };
}

