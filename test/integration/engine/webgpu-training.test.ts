/**
 * A real training run on webgpu (SwiftShader here): tf.memory() stays flat step after step with all telemetry on
 * (histograms, filters, activations, health checks, confusion matrix), and that telemetry arrives as on wasm.
 * Steps default to 120 (SwiftShader runs ~2 steps/s with this telemetry); LAYERLAB_WEBGPU_MEMORY_STEPS=1000 runs more.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runTraining } from '../../../main/engine/train';
import type { FromWorker } from '../../../main/engine/worker/protocol';
import { compileGraph, createNode } from '../../../shared/graph/index';
import type { Graph, GraphNode } from '../../../shared/graph/types';
import { TrainingConfigSchema } from '../../../shared/training';
import { webgpuSkip, webgpuTitle } from '../../support/swiftshader';
import { mnistDir } from './paths';

/** Input 28x28x1 -> Conv2D(4, 3x3, stride 2) -> MaxPooling2D -> Flatten -> Dense(10): small, with filters to draw. */
function tinyCnn() {
  const g: Graph = { nodes: [], edges: [] };
  const add = (kind: string, config: Record<string, unknown> = {}): GraphNode => {
    const n = createNode(g, kind);
    n.config = { ...n.config, ...config };
    const prev = g.nodes.at(-1);
    g.nodes.push(n);
    if (prev) g.edges.push({ id: `${prev.id}->${n.id}`, source: prev.id, target: n.id });
    return n;
  };
  add('InputLayer', { batch_input_shape: [null, 28, 28, 1] });
  add('Conv2D', { filters: 4, kernel_size: [3, 3], strides: [2, 2], activation: 'relu' });
  add('MaxPooling2D');
  add('Flatten');
  add('Dense', { units: 10, activation: 'softmax' });
  return compileGraph(g);
}

const steps = Number(process.env.LAYERLAB_WEBGPU_MEMORY_STEPS ?? 120);
const batch = 8;
const epochs = 4;

describe.skipIf(webgpuSkip)(webgpuTitle('training on webgpu'), () => {
  it(`tf.memory() stays flat over ${steps} steps with every telemetry on, and the telemetry arrives`, async () => {
    const perEpoch = Math.ceil(steps / epochs);
    const events: FromWorker[] = [];
    const memory: { epoch: number; tensors: number; bytes: number }[] = [];
    const result = await runTraining(
      {
        spec: tinyCnn(),
        config: TrainingConfigSchema.parse({
          dataset: { name: 'mnist' }, limit_train: perEpoch * batch, limit_test: 64, epochs, batch_size: batch, seed: 5,
          optimizer: { name: 'adam', learning_rate: 0.01 },
          telemetry: { histograms: true, filters: true, activations: true, health_checks: true, gradient_histograms: true },
        }),
        data: { dataDir: mnistDir },
        backend: 'webgpu',
      },
      (e) => {
        events.push(e);
        // Sampled at every progress event and at each epoch's end, in the thread that trains.
        if (e.type === 'epoch' || (e.type === 'telemetry' && e.event.type === 'batch')) {
          const m = tf.memory();
          memory.push({ epoch: e.type === 'epoch' ? e.epoch : (e.event as { epoch: number }).epoch, tensors: m.numTensors, bytes: m.numBytes });
        }
      },
    );
    expect(events.find((e) => e.type === 'backend')).toMatchObject({ choice: { backend: 'webgpu' } });
    const done = events.find((e) => e.type === 'done');
    expect(done).toMatchObject({ status: 'completed', epochsCompleted: epochs });
    // Epoch 0 creates the optimizer's slots and telemetry probes; from epoch 1 on nothing may pile up.
    const later = memory.filter((m) => m.epoch >= 1);
    expect(later.length).toBeGreaterThan(epochs);
    const first = later[0]!;
    const maxTensors = Math.max(...later.map((m) => m.tensors));
    const maxBytes = Math.max(...later.map((m) => m.bytes));
    const lastOfEach = [1, 2, 3].map((ep) => later.filter((m) => m.epoch === ep).at(-1)!);
    console.info(`webgpu memory over ${epochs * perEpoch} steps: tensors ${first.tensors} -> ${lastOfEach.map((m) => m.tensors).join(' -> ')} (max ${maxTensors}), bytes ${first.bytes} -> ${lastOfEach.at(-1)!.bytes} (max ${maxBytes})`);
    expect(new Set(lastOfEach.map((m) => m.tensors)).size).toBe(1);
    expect(new Set(lastOfEach.map((m) => m.bytes)).size).toBe(1);
    // Within an epoch a step holds a bounded working set: never more than a few tensors above the epoch's end.
    expect(maxTensors - lastOfEach[0]!.tensors).toBeLessThan(50);

    // Telemetry as on every backend: progress, epochs with metrics, histograms, filters, activations, confusion.
    const kinds = new Set(events.map((e) => (e.type === 'telemetry' ? (['histograms', 'filters'].includes(e.event.type) ? e.event.type : `telemetry:${e.event.type}`) : e.type)));
    for (const k of ['telemetry:batch', 'epoch', 'histograms', 'filters', 'telemetry:activations', 'telemetry:confusion']) expect(kinds, k).toContain(k);
    const filters = events.find((e) => e.type === 'telemetry' && e.event.type === 'filters');
    expect(filters && filters.type === 'telemetry' && filters.event.type === 'filters' && filters.event.layers[0]!.tiles).toBe(4);
    const epochsSeen = events.filter((e) => e.type === 'epoch');
    const last = epochsSeen.at(-1);
    expect(last && last.type === 'epoch' && (last.logs.val_acc as number)).toBeGreaterThan(0.2);
    result.model.dispose();
  }, Math.max(600_000, steps * 4_000));
});
