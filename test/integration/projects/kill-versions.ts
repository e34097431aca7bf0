import type { ProjectDocument } from '../../../main/projects/types';
import { randomProject, rng } from '../../unit/projects/random-project';

const FLOATS = 1 << 18; // 1 MiB of weights: a save takes long enough to be killed in every phase

/** Deterministic weight bytes for version n (cheap to make and to check). */
export function versionWeights(n: number): Uint8Array {
  const words = new Uint32Array(FLOATS);
  for (let i = 0; i < FLOATS; i++) words[i] = Math.imul(i + 1, 2654435761) ^ Math.imul(n + 1, 40503);
  return new Uint8Array(words.buffer);
}

export function versionedDocument(n: number): ProjectDocument {
  const project = { ...randomProject(rng(42)), notes: `version ${n}` };
  return {
    path: null,
    project,
    runs: [
      {
        meta: {
          id: 'r1',
          name: `weights of version ${n}`,
          status: 'completed',
          created: '2026-01-01T00:00:00.000Z',
          config: {},
          graph: project.graph,
          history: [],
          best: {},
          durationSeconds: n,
          hasWeights: true,
        },
        weights: {
          kind: 'memory',
          weights: {
            modelJson: { modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [FLOATS], dtype: 'float32' }] }] },
            weightData: versionWeights(n),
          },
        },
      },
    ],
  };
}
