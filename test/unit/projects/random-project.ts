/** Seeded generators of random (schema-valid) project documents for round-trip property tests. */
import type { Graph } from '../../../shared/graph/types';
import { CURRENT_FORMAT_VERSION, type ProjectJson, type RunJson } from '../../../shared/format';

export { mulberry32 as rng } from '../../../shared/random';

const kinds = ['Dense', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'BatchNormalization', 'Add', 'Concatenate'];

function randomConfig(r: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = `k${Math.floor(r() * 1000)}_${['units', 'rate', 'activation', 'kernel_size', 'ünï'][i % 5]}`;
    const pick = r();
    if (pick < 0.2) out[key] = Math.floor(r() * 512);
    else if (pick < 0.4) out[key] = r() * 2 - 1; // full-precision doubles must survive JSON exactly
    else if (pick < 0.55) out[key] = ['relu', 'softmax', 'same', '"quoted"\n', '✓'][Math.floor(r() * 5)];
    else if (pick < 0.65) out[key] = r() < 0.5;
    else if (pick < 0.75) out[key] = null;
    else if (pick < 0.9) out[key] = [Math.floor(r() * 9), Math.floor(r() * 9)];
    else if (depth < 2) out[key] = randomConfig(r, depth + 1);
  }
  return out;
}

export function randomGraph(r: () => number): Graph {
  const count = 1 + Math.floor(r() * 12);
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `n${i}_${Math.floor(r() * 1e6)}`,
    kind: i === 0 ? 'InputLayer' : kinds[Math.floor(r() * kinds.length)]!,
    name: `layer_${i}`,
    config: randomConfig(r),
    ...(r() < 0.8 ? { position: { x: (r() - 0.5) * 4000, y: Math.round(r() * 3000) } } : {}),
  }));
  const edges = [];
  for (let i = 1; i < count; i++) {
    const ins = 1 + (r() < 0.2 ? 1 : 0);
    for (let k = 0; k < ins; k++) {
      const source = nodes[Math.floor(r() * i)]!.id;
      edges.push({ id: `e${i}_${k}`, source, target: nodes[i]!.id, ...(ins > 1 ? { targetIndex: k } : {}) });
    }
  }
  return { nodes, edges };
}

export function randomProject(r: () => number): ProjectJson {
  const created = new Date(Date.UTC(2025, Math.floor(r() * 12), 1 + Math.floor(r() * 27))).toISOString();
  return {
    formatVersion: CURRENT_FORMAT_VERSION,
    appVersion: '0.1.0',
    name: `Project ${Math.floor(r() * 1000)} ✓`,
    created,
    modified: created,
    graph: randomGraph(r),
    viewport: { x: (r() - 0.5) * 1000, y: (r() - 0.5) * 1000, zoom: 0.1 + r() * 3 },
    training: { optimizer: { name: 'adam', learning_rate: r() / 100 }, epochs: 1 + Math.floor(r() * 20), batch_size: 32 },
    dataset: r() < 0.3 ? null : r() < 0.5 ? { kind: 'builtin', id: 'mnist' } : { kind: 'file', path: '../data/x.csv', format: 'csv' },
    notes: r() < 0.5 ? '' : 'Notes with\nnewlines, "quotes" and ünïcode',
  };
}

export function randomRun(r: () => number, id: string, graph: Graph): RunJson {
  const epochs = Math.floor(r() * 6);
  const history = Array.from({ length: epochs }, (_, epoch) => ({
    epoch,
    metrics: { loss: r(), acc: r(), val_loss: r() < 0.1 ? null : r() },
    time: epoch * 1.5,
  }));
  return {
    id,
    name: `Run ${id}`,
    status: 'completed',
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(r() * 1000))).toISOString(),
    config: { epochs, batch_size: 32 },
    graph,
    history,
    best: { loss: 0.1, acc: 0.9 },
    telemetry: { confusion: [[1, 2], [3, 4]] },
    durationSeconds: r() * 100,
    hasWeights: false,
  };
}

/** Random bytes in float32 layout, including NaN payloads and -0, which must survive bit for bit. */
export function randomWeightBytes(r: () => number, floats: number): Uint8Array {
  const bytes = new Uint8Array(floats * 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
  return bytes;
}
