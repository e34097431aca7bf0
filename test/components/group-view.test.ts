/**
 * The canvas's view of nested models (renderer/src/editor/groupView.ts): a collapsed group is one block where its
 * first layer was, the edges into and out of it end at the block (labelled with the shape its output layer gives),
 * what lies below moves up by the group's height and maps back on a drop; expanded, every layer shows as it is.
 */
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../shared/graph/import';
import { groupDisplay, groupNodeId, layerOf } from '../../renderer/src/editor/groupView';
import { buildEdges } from '../../renderer/src/editor/flow';
import backbone from '../fixtures/nested/tfjs-sequential-backbone.json';

const graph = importModelJson(backbone);
const y = (id: string) => graph.nodes.find((n) => n.id === id)!.position!.y;

describe('group display', () => {
  it('collapsed by default: one block for the backbone, edges at the block, the head moved up by its height', () => {
    const shown = groupDisplay(graph, new Set());
    expect(shown.nodes.map((n) => n.id)).toEqual(['backbone_input', 'dense', 'dense_1']);
    expect(shown.blocks.map((b) => [b.id, b.expanded, b.output, b.info.members.length])).toEqual([['group:backbone', false, 'gap', 5]]);
    expect(shown.blocks[0]!.position.y).toBe(y('conv1'));
    expect(shown.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual(['backbone_input->group:backbone', 'dense->dense_1', 'group:backbone->dense']);
    // The edge out of the block carries gap's output shape.
    expect(buildEdges(shown, []).find((e) => e.source === groupNodeId('backbone'))!.data).toEqual({ shapeOf: 'gap' });
    const span = Math.max(...shown.blocks[0]!.info.members.map(y)) - y('conv1');
    expect(span).toBeGreaterThan(0);
    expect(shown.nodes.find((n) => n.id === 'dense')!.position!.y).toBe(y('dense') - span);
    expect(shown.lifted.get('dense')).toBe(span);
    expect(shown.toGraph({ x: 1, y: y('dense') - span })).toEqual({ x: 1, y: y('dense') });
    expect(shown.toGraph({ x: 1, y: y('backbone_input') })).toEqual({ x: 1, y: y('backbone_input') });
    // A connection from the block starts at the layer whose output leaves it.
    expect(layerOf('group:backbone', shown.blocks)).toBe('gap');
    expect(layerOf('dense', shown.blocks)).toBe('dense');
  });

  it('expanded: every layer where it is, the header beside them, the graph itself when there are no groups', () => {
    const shown = groupDisplay(graph, new Set(['backbone']));
    expect(shown.nodes).toBe(graph.nodes);
    expect(shown.edges).toBe(graph.edges);
    expect(shown.blocks[0]!.expanded).toBe(true);
    expect(shown.blocks[0]!.position.x).toBeLessThan(Math.min(...graph.nodes.map((n) => n.position!.x)));
    const plain = { nodes: graph.nodes.map(({ group: _, ...n }) => n), edges: graph.edges };
    const none = groupDisplay(plain, new Set());
    expect(none.nodes).toBe(plain.nodes);
    expect(none.edges).toBe(plain.edges);
  });
});
