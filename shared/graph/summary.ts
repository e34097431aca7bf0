import type { Shape } from '../layers/types';
import { analyzeGraph, inboundEdges } from './analyze';
import { isChain } from './compile';
import { graphGroups, groupParams } from './groups';
import type { Graph, GraphAnalysis } from './types';

export interface SummaryRow {
  id: string;
  name: string;
  /** Keras class name. */
  type: string;
  outputShape: Shape | null;
  /** A multi-output layer (return_state): every output's shape; Keras prints them as a list. */
  outputShapes?: Shape[];
  params: number | null;
  /** Functional models: the inbound layers, Keras-style ('conv2d[0][0]'). */
  connectedTo: string[];
}

export interface SummaryTable {
  modelName: string;
  functional: boolean;
  rows: SummaryRow[];
  totals: { total: number; trainable: number; nonTrainable: number };
  /** False when the graph has errors: shapes and counts are then partial. */
  valid: boolean;
}

/** The rows Keras' model.summary() prints. Sequential models leave out the InputLayer, as Keras does. */
export function summaryTable(graph: Graph, analysis: GraphAnalysis = analyzeGraph(graph), modelName?: string): SummaryTable {
  const functional = !isChain(graph, analysis);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inbound = inboundEdges(graph);
  const ordered = [...analysis.order, ...graph.nodes.map((n) => n.id).filter((id) => !analysis.order.includes(id))];
  const rows = ordered
    .map((id) => byId.get(id)!)
    .filter((n) => functional || n.kind !== 'InputLayer')
    .map((n) => {
      const info = analysis.nodes[n.id];
      return {
        id: n.id,
        name: n.name,
        type: n.kind,
        outputShape: info?.outputShape ?? null,
        ...(info?.outputShapes ? { outputShapes: info.outputShapes } : {}),
        params: info?.params ? info.params.trainable + info.params.nonTrainable : null,
        connectedTo: functional ? inbound.get(n.id)!.map((e) => `${byId.get(e.source)!.name}[0][${e.sourceIndex ?? 0}]`) : [],
      };
    });
  return {
    modelName: modelName ?? (functional ? 'model' : 'sequential'),
    functional,
    rows: groupRows(graph, analysis, rows, functional),
    totals: { ...analysis.totals },
    valid: analysis.valid,
  };
}

/**
 * A nested model (a backbone) is one row, as Keras prints it: 'backbone (Functional)', its output shape, its
 * parameters, and what feeds it; in place of its layers, where its output is computed.
 */
function groupRows(graph: Graph, analysis: GraphAnalysis, rows: SummaryRow[], functional: boolean): SummaryRow[] {
  const groups = graphGroups(graph);
  if (groups.size === 0) return rows;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const groupOf = new Map<string, string>();
  for (const [id, info] of groups) for (const m of info.members) groupOf.set(m, id);
  const out: SummaryRow[] = [];
  for (const row of rows) {
    const id = groupOf.get(row.id);
    if (id === undefined) {
      // Layers fed by a nested model name it, not its last layer.
      out.push({ ...row, connectedTo: functional ? graph.edges.filter((e) => e.target === row.id).map((e) => `${groupOf.get(e.source) ?? byId.get(e.source)!.name}[0][0]`) : [] });
      continue;
    }
    const info = groups.get(id)!;
    const inside = new Set(info.members);
    const leaves = graph.edges.some((e) => e.source === row.id && !inside.has(e.target)) || analysis.outputs.includes(row.id);
    if (!leaves) continue;
    const params = groupParams(info, analysis);
    const sources = [...new Set(graph.edges.filter((e) => inside.has(e.target) && !inside.has(e.source)).map((e) => e.source))];
    out.push({
      id: `group:${id}`,
      name: id,
      type: info.group.model,
      outputShape: row.outputShape,
      params: params?.total ?? null,
      connectedTo: functional ? sources.map((src) => `${groupOf.get(src) ?? byId.get(src)!.name}[0][0]`) : [],
    });
  }
  return out;
}

/** "(None, 26, 26, 32)", as Keras prints shapes. */
export function formatShape(shape: Shape | null): string {
  if (!shape) return '?';
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** Keras' summary writes a multi-output layer's shapes as a list: [(None, 32), (None, 32), (None, 32)]. */
export function formatRowShape(row: Pick<SummaryRow, 'outputShape' | 'outputShapes'>): string {
  return row.outputShapes ? `[${row.outputShapes.map(formatShape).join(', ')}]` : formatShape(row.outputShape);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function columns(cells: string[], ends: number[]): string {
  let line = '';
  cells.forEach((cell, i) => {
    line += cell;
    const end = ends[i]!;
    line = line.length < end ? line.padEnd(end) : `${line} `;
  });
  return line.trimEnd();
}

/** The Keras text table: header, one row per layer, then `Total params: 55,050` and the split. */
export function formatSummary(table: SummaryTable): string {
  // Keras' column stops, widened when a layer name would run into the next column.
  const longest = Math.max(0, ...table.rows.map((r) => r.name.length + r.type.length + 5));
  const shift = Math.max(0, longest - (table.functional ? 32 : 29));
  // And the shape column, when a multi-output layer's list of shapes would run into the parameter count.
  const shapeWidth = Math.max(0, ...table.rows.map((r) => formatRowShape(r).length + 2));
  const shapeShift = Math.max(0, shapeWidth - 26);
  const ends = (table.functional ? [32, 58, 70, 98] : [29, 55, 65]).map((e, i) => e + shift + (i >= 1 ? shapeShift : 0));
  const width = ends[ends.length - 1]!;
  const header = table.functional
    ? [' Layer (type)', 'Output Shape', 'Param #', 'Connected to']
    : [' Layer (type)', 'Output Shape', 'Param #'];
  const lines = [`Model: "${table.modelName}"`, '_'.repeat(width), columns(header, ends), '='.repeat(width)];
  table.rows.forEach((row, i) => {
    const first = [
      ` ${row.name} (${row.type})`,
      formatRowShape(row),
      row.params === null ? '?' : formatCount(row.params),
    ];
    if (table.functional) first.push(row.connectedTo[0] ?? '');
    lines.push(columns(first, ends));
    for (const more of row.connectedTo.slice(1)) lines.push(columns(['', '', '', more], ends));
    lines.push(i === table.rows.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  if (table.rows.length === 0) lines.push('='.repeat(width));
  lines.push(
    `Total params: ${formatCount(table.totals.total)}`,
    `Trainable params: ${formatCount(table.totals.trainable)}`,
    `Non-trainable params: ${formatCount(table.totals.nonTrainable)}`,
    '_'.repeat(width),
  );
  if (!table.valid) lines.push('(The model has errors: shapes and counts marked ? are unknown.)');
  return lines.join('\n');
}
