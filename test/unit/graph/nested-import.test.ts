/**
 * Nested models import as a group (issue 17): the layers of a model used as a layer join the graph tagged with the
 * group, with the parameter counts the framework that wrote the file computed, and a trainable switch that moves
 * the group's weights to non-trainable as Keras counts them.
 *
 * Fixtures: test/fixtures/nested/tfjs-*.json were written by tfjs 4.22's model.toJSON() (a functional backbone
 * inside a Sequential; a Sequential block inside a functional model, with a layer name used in both), with tfjs'
 * countParams() beside them. The Keras 3 case wraps a real Keras 3.15.1 to_json() model (resnet-cifar.keras3.json)
 * as a frozen backbone of a Sequential, the way Keras 3 writes a nested model.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { graphGroups, groupParams, setGroupTrainable } from '../../../shared/graph/groups';
import { importModelJson } from '../../../shared/graph/import';

const here = dirname(fileURLToPath(import.meta.url));
const read = (path: string) => JSON.parse(readFileSync(join(here, '../..', path), 'utf8'));

describe('nested models import as groups', () => {
  it('a functional backbone inside a Sequential (tfjs): its layers in one group, the counts tfjs computed, frozen on request', () => {
    const file = read('fixtures/nested/tfjs-sequential-backbone.json') as { counts: { total: number; trainable: number } };
    const g = importModelJson(file);
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.total).toBe(file.counts.total);
    // The backbone's own Input is the model's input; its layers are the group, in file order; the head is not.
    expect(g.nodes.map((n) => [n.name, n.group?.id ?? null])).toEqual([
      ['backbone_input', null],
      ['conv1', 'backbone'],
      ['conv2', 'backbone'],
      ['add', 'backbone'],
      ['pool', 'backbone'],
      ['gap', 'backbone'],
      ['dense', null],
      ['dense_1', null],
    ]);
    expect(g.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual(
      ['backbone_input->conv1', 'conv1->conv2', 'conv1->add', 'conv2->add', 'add->pool', 'pool->gap', 'gap->dense', 'dense->dense_1'].sort(),
    );
    const info = graphGroups(g).get('backbone')!;
    // tfjs does not write a nested model's trainable flag: it arrives trainable.
    expect(info.group).toEqual({ id: 'backbone', model: 'Functional', trainable: true });
    expect(groupParams(info, a)).toEqual({ total: 664, trainable: 664 });

    // Frozen: tfjs' own count of trainable weights with backbone.trainable = false.
    const frozen = setGroupTrainable(g, 'backbone', false);
    const fa = analyzeGraph(frozen);
    expect(fa.totals).toEqual({ total: file.counts.total, trainable: file.counts.trainable, nonTrainable: file.counts.total - file.counts.trainable });
    expect(groupParams(graphGroups(frozen).get('backbone')!, fa)).toEqual({ total: 664, trainable: 0 });
    expect(setGroupTrainable(frozen, 'backbone', false)).toBe(frozen);
    // The compiled model builds its layers frozen; the head stays trainable.
    const layers = compileGraph(frozen).config.layers;
    expect(layers.filter((l) => l.config['trainable'] === false).map((l) => l.config['name'])).toEqual(['conv1', 'conv2', 'add', 'pool', 'gap']);
    expect(layers.find((l) => l.config['name'] === 'dense')!.config['trainable']).toBe(true);
  });

  it('a Sequential block inside a functional model (tfjs): fed by the outer layer, clashing names made unique', () => {
    const file = read('fixtures/nested/tfjs-functional-block.json') as { counts: { total: number } };
    const g = importModelJson(file);
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.total).toBe(file.counts.total);
    // The block's Input gives way to the outer 'dense' that fed it; its own 'dense' becomes 'dense_1'.
    expect(g.nodes.map((n) => [n.name, n.group?.id ?? null])).toEqual([
      ['features', null],
      ['dense', null],
      ['dense_1', 'block'],
      ['drop', 'block'],
      ['cat', null],
      ['out', null],
    ]);
    expect(g.edges.filter((e) => e.target === 'cat').map((e) => [e.source, e.targetIndex])).toEqual([
      ['dense', 0],
      ['drop', 1],
    ]);
    expect(graphGroups(g).get('block')!.group).toEqual({ id: 'block', model: 'Sequential', trainable: true });
  });

  it('a frozen Keras 3 backbone (trainable: false on the nested model) inside a Sequential', () => {
    const resnet = read('support/keras-json/resnet-cifar.keras3.json');
    const alone = analyzeGraph(importModelJson(resnet)).totals.total;
    const backbone = { ...resnet, config: { ...resnet.config, name: 'resnet', trainable: false }, name: 'resnet' };
    const file = {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'transfer',
        trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 32, 32, 3], dtype: 'float32', sparse: false, name: 'images' }, registered_name: null },
          backbone,
          { module: 'keras.layers', class_name: 'Dense', config: { name: 'head', trainable: true, units: 5, activation: 'softmax', use_bias: true }, registered_name: null },
        ],
      },
    };
    const g = importModelJson(file);
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.total).toBe(alone + 10 * 5 + 5);
    expect(a.totals.trainable).toBe(10 * 5 + 5);
    const info = graphGroups(g).get('resnet')!;
    expect(info.group).toEqual({ id: 'resnet', model: 'Functional', trainable: false });
    // Its Input gives way to the outer one; the resnet's 'dense' output feeds the head.
    expect(g.nodes.filter((n) => n.kind === 'InputLayer').map((n) => n.name)).toEqual(['images']);
    expect(g.edges.find((e) => e.target === 'head')!.source).toBe('dense');
    expect(info.members).toHaveLength(g.nodes.length - 2);
  });

  it('a tf.keras 2 backbone frozen layer by layer reads as frozen; an unsupported layer inside is named with the rest', () => {
    const file = read('fixtures/nested/tfjs-sequential-backbone.json');
    const backbone = file.modelTopology.config.layers[0];
    for (const l of backbone.config.layers) if (l.class_name !== 'InputLayer') l.config.trainable = false;
    expect(graphGroups(importModelJson(file)).get('backbone')!.group.trainable).toBe(false);
    backbone.config.layers[2].class_name = 'Conv3D';
    file.modelTopology.config.layers.push({ class_name: 'Lambda', config: { name: 'fn' } });
    expect(() => importModelJson(file)).toThrow(/2 layer classes Layerlab does not support:\n- Conv3D \('conv2'\)\n- Lambda \('fn'\)/);
  });
});
