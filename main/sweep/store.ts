/**
 * Where a sweep's state is saved after every trial, so that a sweep survives a restart. JsonSweepStore keeps it in
 * one JSON file (replaced atomically: a crash mid-save leaves the previous state); project-store.ts keeps it in a
 * project's sweeps array.
 */
import { readFile } from 'node:fs/promises';
import { SweepConfigSchema } from '../../shared/sweep/schema';
import { SWEEP_STATE_VERSION, type SweepState } from '../../shared/sweep/state';
import { writeFileAtomically } from '../projects/atomic-file';

export interface SweepStore {
  /** The saved state, or null when nothing was saved yet. */
  load(): Promise<SweepState | null>;
  save(state: SweepState): Promise<void>;
}

/** Checks that a parsed value is a sweep state this build can resume; throws saying what is wrong. */
export function validateSweepState(value: unknown, where: string): SweepState {
  const fail = (why: string): never => {
    throw new Error(`${where} is not a sweep state this build can resume: ${why}; delete it to start the sweep afresh`);
  };
  if (value === null || typeof value !== 'object') fail('expected a JSON object');
  const s = value as Partial<SweepState>;
  if (s.version !== SWEEP_STATE_VERSION) fail(`expected version ${SWEEP_STATE_VERSION}, found ${JSON.stringify(s.version)}`);
  if (typeof s.id !== 'string' || !Array.isArray(s.trials) || !s.graph || !s.training) fail('id, graph, training or trials is missing');
  const config = SweepConfigSchema.safeParse(s.config);
  if (!config.success) fail(`its config does not validate (${config.error.issues[0]?.message})`);
  s.trials!.forEach((t, i) => {
    if (t?.id !== i || typeof t.status !== 'string' || !Array.isArray(t.history)) fail(`trial ${i} is malformed`);
  });
  return { ...(s as SweepState), config: config.data! };
}

export class JsonSweepStore implements SweepStore {
  constructor(readonly path: string) {}

  async load(): Promise<SweepState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`cannot read the sweep state ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`the sweep state ${this.path} is not valid JSON (${(err as Error).message}); delete it to start the sweep afresh`, { cause: err });
    }
    return validateSweepState(json, this.path);
  }

  async save(state: SweepState): Promise<void> {
    const text = `${JSON.stringify(state, null, 1)}\n`;
    await writeFileAtomically(this.path, async (fh) => {
      await fh.writeFile(text, 'utf8');
    }, { backup: false });
  }
}

/** Saves to every store in turn (e.g. a JSON file and the project); loads from the first that has a state. */
export function combineStores(...stores: SweepStore[]): SweepStore {
  return {
    async load() {
      for (const store of stores) {
        const state = await store.load();
        if (state) return state;
      }
      return null;
    },
    async save(state) {
      for (const store of stores) await store.save(state);
    },
  };
}
