/**
 * Applying one trial's values to the model and its training config, giving the trial's own snapshots. Invalid
 * combinations (a Dense with 0 units, momentum for adam, a layer whose removal breaks a shape) are not errors of
 * the sweep: they come back as { ok: false, reason } and the runner records the trial as skipped.
 */
import { analyzeGraph } from '../graph/analyze';
import type { Graph, GraphNode } from '../graph/types';
import { getLayerKind } from '../layers/registry';
import { TrainingConfigSchema, type TrainingConfig } from '../training';
import type { TrialValues } from './expand';
import { dimensionName, type Dimension, type SweepConfig, type SweepValue } from './schema';

/** Training targets that live inside the optimizer block. */
const OPTIMIZER_FIELDS = new Set(['learning_rate', 'momentum', 'nesterov', 'beta_1', 'beta_2', 'epsilon', 'rho', 'centered', 'initial_accumulator_value']);

/** The node a target names: by id first, then by layer name. */
export function findNode(graph: Graph, ref: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.id === ref) ?? graph.nodes.find((n) => n.name === ref);
}

const sameShape = (a: readonly unknown[] | null | undefined, b: readonly unknown[] | null | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Problems of the sweep against the model it searches (a node that does not exist, a field the layer does not
 * have, a toggle on a layer that changes the shape): mistakes in the sweep file, reported before any trial runs.
 */
export function checkSweepTargets(graph: Graph, config: Pick<SweepConfig, 'dimensions'>): string[] {
  const problems: string[] = [];
  const analysis = analyzeGraph(graph);
  const names = () => graph.nodes.map((n) => n.name).join(', ');
  for (const d of config.dimensions) {
    const label = `dimension '${dimensionName(d)}'`;
    const t = d.target;
    if ('training' in t) {
      const root = t.training.split('.')[0]!;
      if (!OPTIMIZER_FIELDS.has(root) && root !== 'optimizer' && !(root in TrainingConfigSchema.parse({}))) {
        problems.push(`${label}: '${t.training}' is not a training setting; use optimizer, learning_rate, momentum, nesterov, batch_size, epochs, augmentation or a field of the training config`);
      }
      continue;
    }
    const ref = 'field' in t ? t.node : t.toggle;
    const node = findNode(graph, ref);
    if (!node) {
      problems.push(`${label}: the model has no layer with id or name '${ref}'; its layers are ${names()}`);
      continue;
    }
    const kind = getLayerKind(node.kind);
    if ('field' in t) {
      if (kind && !kind.params.some((p) => p.name === t.field)) {
        problems.push(`${label}: ${node.name} (${node.kind}) has no field '${t.field}'; its fields are ${kind.params.map((p) => p.name).join(', ')}`);
      }
      continue;
    }
    const inbound = graph.edges.filter((e) => e.target === node.id).length;
    if (node.kind === 'InputLayer' || inbound !== 1) {
      problems.push(`${label}: only a layer with exactly one input can be switched off, and ${node.name} has ${inbound}`);
      continue;
    }
    const info = analysis.nodes[node.id];
    if (info?.outputShape && info.inputShapes[0] && !sameShape(info.outputShape, info.inputShapes[0])) {
      problems.push(
        `${label}: ${node.name} changes the shape ([${info.inputShapes[0].join(', ')}] -> [${info.outputShape.join(', ')}]), so removing it would break the model; toggle only shape-preserving layers such as Dropout or BatchNormalization`,
      );
    }
  }
  return problems;
}

/** The graph without `nodeId`: its single input now feeds each of its consumers (in the same input slot). */
export function disableNode(graph: Graph, nodeId: string): Graph {
  const inbound = graph.edges.filter((e) => e.target === nodeId);
  if (inbound.length !== 1) throw new Error(`cannot switch off node '${nodeId}': it has ${inbound.length} inputs, and only a layer with one input can be bypassed`);
  const source = inbound[0]!.source;
  const edges = graph.edges
    .filter((e) => e.target !== nodeId)
    .map((e) => (e.source === nodeId ? { ...e, id: `${e.id}~bypass`, source } : e));
  return { nodes: graph.nodes.filter((n) => n.id !== nodeId), edges };
}

/** A scalar for a tuple field (kernel_size: 3) means the same size on every axis, as Keras reads it. */
function coerceField(node: GraphNode, field: string, value: SweepValue): SweepValue {
  const spec = getLayerKind(node.kind)?.params.find((p) => p.name === field);
  if (spec?.type === 'intTuple' && typeof value === 'number') return Array.from({ length: spec.length }, () => value);
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function applyTraining(config: Record<string, unknown>, base: TrainingConfig, setting: string, value: SweepValue): void {
  if (setting === 'optimizer') {
    // Switching optimizer starts from that optimizer's Keras defaults; naming the base optimizer keeps its settings.
    if (typeof value === 'string') config.optimizer = value === base.optimizer.name ? structuredClone(base.optimizer) : { name: value };
    else config.optimizer = value;
    return;
  }
  if (setting === 'augmentation' && (value === false || value === null)) {
    config.augmentation = {};
    return;
  }
  const path = setting.split('.');
  if (OPTIMIZER_FIELDS.has(path[0]!)) path.unshift('optimizer');
  setPath(config, path, value);
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string; code: string; keys?: string[] }[], config: Record<string, unknown>): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys' && path === 'optimizer') {
        const name = (config.optimizer as { name?: string } | undefined)?.name;
        return `the ${name} optimizer has no ${i.keys!.join(', ')}`;
      }
      return `${path || 'training'}: ${i.message}`;
    })
    .join('; ');
}

export type AppliedTrial = { ok: true; graph: Graph; config: TrainingConfig } | { ok: false; reason: string };

export interface ApplyOptions {
  /** Epochs every trial trains for, whatever the values say (successive halving's max_epochs). */
  epochs?: number;
}

/**
 * The trial's graph and training config: the base ones with the trial's values set, node fields first, then
 * toggles (so a removed layer's fields do not matter), training settings with the optimizer name before its fields.
 * Both results are validated (analyzeGraph, the training schema); the first problems become the reason.
 */
export function applyTrial(
  graph: Graph,
  base: TrainingConfig,
  dimensions: readonly Dimension[],
  values: TrialValues,
  options: ApplyOptions = {},
): AppliedTrial {
  let out: Graph = structuredClone(graph);
  // Set by dotted paths as plain JSON; the training schema validates the result below.
  const config: Record<string, unknown> = { ...structuredClone(base) };
  const valueOf = (d: Dimension): SweepValue | undefined => values[dimensionName(d)];
  const ordered = [...dimensions].sort((a, b) => rank(a) - rank(b));
  for (const d of ordered) {
    const value = valueOf(d);
    if (value === undefined) return { ok: false, reason: `the trial has no value for dimension '${dimensionName(d)}'` };
    const t = d.target;
    if ('field' in t) {
      const node = findNode(out, t.node);
      if (!node) return { ok: false, reason: `no layer '${t.node}' in the model` };
      node.config = { ...node.config, [t.field]: coerceField(node, t.field, value) };
    } else if ('toggle' in t) {
      if (value === false) {
        const node = findNode(out, t.toggle);
        if (!node) return { ok: false, reason: `no layer '${t.toggle}' in the model` };
        try {
          out = disableNode(out, node.id);
        } catch (err) {
          return { ok: false, reason: (err as Error).message };
        }
      }
    } else {
      applyTraining(config, base, t.training, value);
    }
  }
  if (options.epochs !== undefined) config.epochs = options.epochs;

  const analysis = analyzeGraph(out);
  if (!analysis.valid) {
    const first = analysis.errors.slice(0, 3).map((e) => e.message);
    const more = analysis.errors.length > 3 ? ` (and ${analysis.errors.length - 3} more)` : '';
    return { ok: false, reason: `invalid model: ${first.join('; ')}${more}` };
  }
  const parsed = TrainingConfigSchema.safeParse(config);
  if (!parsed.success) return { ok: false, reason: `invalid training config: ${describeIssues(parsed.error.issues as never, config)}` };
  return { ok: true, graph: out, config: parsed.data };
}

/** Application order: node fields, toggles, optimizer choice, other training settings. */
function rank(d: Dimension): number {
  const t = d.target;
  if ('field' in t) return 0;
  if ('toggle' in t) return 1;
  return t.training === 'optimizer' ? 2 : 3;
}
