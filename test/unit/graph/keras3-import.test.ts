import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { importModelJson } from '../../../shared/graph/import';
import type { ModelSpec } from '../../../shared/graph/types';
import { getTemplate } from '../../../shared/templates/registry';

/** Files written by Keras 3.15.1's model.to_json() (see test/support/keras-check/generate_fixtures.py). */
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../support/keras-json');
const read = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));

function byName(spec: ModelSpec): ModelSpec {
  const layers = [...spec.config.layers].sort((a, b) => String(a.config['name']).localeCompare(String(b.config['name'])));
  return { ...spec, config: { ...spec.config, layers } };
}

describe('importing Keras 3 to_json() output', () => {
  it('reads a model using every kind of layer, with the shapes and counts Keras computed', () => {
    const expected = read('kitchen-sink.expected.json') as { total: number; trainable: number; shapes: Record<string, (number | null)[]> };
    const g = importModelJson(read('kitchen-sink.keras3.json'));
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.total).toBe(expected.total);
    expect(a.totals.trainable).toBe(expected.trainable);
    for (const n of g.nodes) expect(a.nodes[n.id]!.outputShape, n.name).toEqual(expected.shapes[n.name]);
    expect(g.nodes.find((n) => n.kind === 'LeakyReLU')!.config).toEqual({ alpha: 0.1 });
    expect(g.nodes.find((n) => n.kind === 'SeparableConv2D')!.config).toMatchObject({ activation: 'swish', depth_multiplier: 2 });
    expect(g.nodes.find((n) => n.kind === 'ZeroPadding2D')!.config).toEqual({ padding: [[1, 0], [0, 1]] });
    expect(g.nodes.find((n) => n.kind === 'ReLU')!.config).toEqual({ max_value: 6 });
  });

  it('reads a Keras 3 Sequential (InputLayer with batch_shape, SpatialDropout2D)', () => {
    const g = importModelJson(read('sequential.keras3.json'));
    expect(g.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'SpatialDropout2D', 'Flatten', 'Dense']);
    expect(g.nodes[0]!.config['batch_input_shape']).toEqual([null, 28, 28, 1]);
    expect(analyzeGraph(g).totals.total).toBe(54_410);
  });

  it.each(['cnn-dropout', 'resnet-cifar'])('%s: our JSON -> Keras 3 -> to_json() -> import -> compile gives our JSON back', (id) => {
    const ours = compileGraph(getTemplate(id)!.graph);
    const back = compileGraph(importModelJson(read(`${id}.keras3.json`)), { name: ours.config.name });
    expect(byName(back)).toEqual(byName(ours));
  });
});
