import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiHarness } from './api-harness';
import { API_LIMITS } from '../../../shared/api-base';
import type { Graph, GraphNode } from '../../../shared/graph/types';
import { requireLayerKind } from '../../../shared/layers/registry';

const { dir, call } = apiHarness('layerlab-large-graph-');

/** An Input, then residual blocks (Conv2D / BatchNormalization / ReLU / Add) up to `count` layers, like bench/ui.ts. */
function residualGraph(count: number): Graph {
  const nodes: GraphNode[] = [];
  const edges: Graph['edges'] = [];
  const add = (kind: string, config: Record<string, unknown>, inputs: string[]): string => {
    const id = `n${nodes.length}`;
    nodes.push({
      id,
      kind,
      name: `${kind.toLowerCase()}_${nodes.length}`,
      config: { ...requireLayerKind(kind).defaults(), ...config },
      position: { x: Math.floor(nodes.length / 25) * 260, y: (nodes.length % 25) * 110 },
    });
    inputs.forEach((source, targetIndex) => edges.push({ id: `e${edges.length}`, source, target: id, targetIndex }));
    return id;
  };
  let x = add('InputLayer', { batch_input_shape: [null, 32, 32, 3] }, []);
  x = add('Conv2D', { filters: 16, padding: 'same' }, [x]);
  while (nodes.length + 4 <= count) {
    const a = add('Conv2D', { filters: 16, padding: 'same' }, [x]);
    const b = add('BatchNormalization', {}, [a]);
    const c = add('ReLU', {}, [b]);
    x = add('Add', {}, [c, x]);
  }
  while (nodes.length < count) x = add('Dropout', { rate: 0.1 }, [x]);
  return { nodes, edges };
}

describe('projects.save through the API with graphs over 256 layers', () => {
  it('saves and reopens a 300-layer graph unchanged', async () => {
    const graph = residualGraph(300);
    expect(graph.nodes).toHaveLength(300);
    expect(graph.edges.length).toBeGreaterThan(256);
    const created = await call('projects.new', { name: 'Big graph' });
    const path = join(dir, 'big.layerlab');
    expect(await call('projects.saveAs', { path, project: { ...created.project, graph } })).toEqual({ path });
    const opened = await call('projects.open', { path });
    expect(opened.project.graph).toEqual(graph);

    // And saved again over itself (projects.save, not saveAs) after an edit in the window.
    const edited = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'n0' ? { ...n, config: { ...n.config, batch_input_shape: [null, 28, 28, 3] } } : n)) };
    expect(await call('projects.save', { path, project: { ...opened.project, graph: edited } })).toEqual({ path });
    expect((await call('projects.open', { path })).project.graph.nodes[0].config.batch_input_shape).toEqual([null, 28, 28, 3]);
  });

  it('still refuses a graph over the API limit, and long arrays elsewhere in the document', async () => {
    const created = await call('projects.new', { name: 'Too big' });
    const path = join(dir, 'too-big.layerlab');
    const huge = residualGraph(API_LIMITS.graphNodes + 1);
    const refused = await call('projects.saveAs', { path, project: { ...created.project, graph: huge } });
    expect(refused).toMatchObject({
      error: { code: 'invalid-params', message: expect.stringContaining(`project.graph.nodes: Too big: expected array to have <=${API_LIMITS.graphNodes} items`) },
    });

    // Outside the graph the usual 256-item bound of JSON arrays holds.
    const training = { ...created.project.training, extra: Array.from({ length: 300 }, (_, i) => i) };
    expect(await call('projects.saveAs', { path, project: { ...created.project, training } })).toMatchObject({
      error: { code: 'invalid-params', details: [expect.objectContaining({ path: 'project.training' })] },
    });
  });
});
