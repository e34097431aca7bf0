/**
 * The Keras model config of a graph with groups (shared/graph/groups.ts), each written back as the nested model it
 * came from: a Functional layer holding its own InputLayers and layers, called once in the outer model. Callers of
 * its output name its second node ([name, 1, 0]): node 0 is the nested model's own, inside it (tf.keras 2 and tfjs
 * write it so). Training builds the flat form (compileGraph); this is for export and round trips.
 */
import { inboundEdges } from './analyze';
import { graphGroups } from './groups';
import type { Graph, GraphAnalysis, GraphNode, KerasLayerJson, ModelSpec } from './types';

type Ref = [string, number, number, Record<string, never>];
type LayerJson = (id: string) => { class_name: string; config: Record<string, unknown> };

export function nestedSpec(graph: Graph, analysis: GraphAnalysis, layerJson: LayerJson, meta: Pick<ModelSpec, 'keras_version' | 'backend'>, name: string): ModelSpec {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inbound = inboundEdges(graph);
  const groups = graphGroups(graph);
  const groupOf = new Map<string, string>();
  for (const [id, info] of groups) for (const m of info.members) groupOf.set(m, id);
  const used = new Set([...graph.nodes.map((n) => n.name), ...groups.keys()]);
  const unique = (base: string) => {
    let n = base;
    for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
    used.add(n);
    return n;
  };
  /** The outer model's reference to a node's output: a group's output layer is the group's call. */
  const outerRef = (id: string): Ref => {
    const group = groupOf.get(id);
    return group ? [group, 1, 0, {}] : [byId.get(id)!.name, 0, 0, {}];
  };
  const entries = new Map<string, KerasLayerJson>();
  for (const [id, info] of groups) {
    const members = analysis.order.filter((n) => groupOf.get(n) === id);
    const inside = new Set(members);
    const sources = [...new Set(members.flatMap((m) => inbound.get(m)!.map((e) => e.source).filter((s) => !inside.has(s))))];
    const inputNames = new Map(sources.map((s) => [s, unique(`${id}_input`)]));
    const leaving = members.filter((m) => graph.edges.some((e) => e.source === m && !inside.has(e.target)) || analysis.outputs.includes(m));
    if (leaving.length !== 1) throw new Error(`the nested model '${id}' has ${leaving.length} outputs; a nested model is written back with exactly one`);
    const inputs: KerasLayerJson[] = sources.map((s) => {
      const inName = inputNames.get(s)!;
      const shape = analysis.nodes[s]!.outputShape!;
      return { name: inName, class_name: 'InputLayer', config: { batch_input_shape: shape, dtype: 'float32', sparse: false, name: inName }, inbound_nodes: [] };
    });
    const layers = members.map((m): KerasLayerJson => {
      const refs = inbound.get(m)!.map((e): Ref => [inputNames.get(e.source) ?? byId.get(e.source)!.name, 0, 0, {}]);
      return { name: byId.get(m)!.name, ...layerJson(m), inbound_nodes: refs.length ? [refs] : [] };
    });
    // A Sequential model stays one where it still is a chain; otherwise it is written as the graph it has become.
    const chain = sources.length === 1 && members.every((m, i) => {
      const ins = inbound.get(m)!.map((e) => e.source);
      return ins.length === 1 && ins[0] === (i === 0 ? sources[0] : members[i - 1]);
    });
    const sequential = info.group.model === 'Sequential' && chain;
    const config = sequential
      ? { name: id, trainable: info.group.trainable, layers: [...inputs, ...layers].map(({ inbound_nodes: _, ...l }) => l) }
      : {
          name: id,
          trainable: info.group.trainable,
          layers: [...inputs, ...layers],
          input_layers: sources.map((s) => [inputNames.get(s)!, 0, 0]),
          output_layers: [[byId.get(leaving[0]!)!.name, 0, 0]],
        };
    entries.set(leaving[0]!, { name: id, class_name: sequential ? 'Sequential' : 'Functional', config, inbound_nodes: [sources.map(outerRef)] });
  }
  const layers: KerasLayerJson[] = [];
  for (const id of analysis.order) {
    const entry = entries.get(id);
    if (entry) layers.push(entry);
    if (groupOf.has(id)) continue;
    const refs = inbound.get(id)!.map((e) => outerRef(e.source));
    layers.push({ name: (byId.get(id) as GraphNode).name, ...layerJson(id), inbound_nodes: refs.length ? [refs] : [] });
  }
  const ref = (id: string): [string, number, number] => outerRef(id).slice(0, 3) as [string, number, number];
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: { name, layers, input_layers: analysis.inputs.map(ref), output_layers: analysis.outputs.map(ref) },
    ...meta,
  };
}
