import type { Graph, GraphAnalysis } from '../../../../shared/graph/types';
import { analyzeGraph, canConnect } from '../core';
import { setGroupTrainable } from '../../../../shared/graph/groups';
import { copyPayload, readPayload } from './clipboard';
import { initHistory, push, redo, undo, type History } from './history';
import * as ops from './ops';
import { freeShift, freeSpot } from './placement';
import { readiness, type Readiness } from './readiness';
import { buildViews, errorIds, type NodeView } from './views';

const EMPTY: Graph = { nodes: [], edges: [] };

/**
 * The editor's state: the Graph (immutable snapshots, `$state.raw`, replaced on every edit) with its undo
 * history, the analysis derived from it, and the selection. Components read from here and call its methods;
 * nothing else changes the graph.
 */
export class EditorStore {
  history = $state.raw<History<Graph>>(initHistory(EMPTY));
  graph = $derived(this.history.present);
  /** Re-derived on every edit; shape inference is cheap enough to run in full each time. */
  analysis: GraphAnalysis = $derived(analyzeGraph(this.history.present));
  /** Inputs connected to each node, for the merge nodes' "2 in" badge. */
  inputCounts: ReadonlyMap<string, number> = $derived.by(() => {
    const edges = this.history.present.edges;
    // A config edit keeps the edges array: keep the map too, so that no node's badge re-reads it.
    if (edges === this.#countedEdges) return this.#lastCounts;
    const counts = new Map<string, number>();
    for (const e of edges) counts.set(e.target, (counts.get(e.target) ?? 0) + 1);
    this.#countedEdges = edges;
    return (this.#lastCounts = counts);
  });
  #countedEdges: Graph['edges'] | null = null;
  #lastCounts: ReadonlyMap<string, number> = new Map();
  /** The previous views and error set, which the next ones reuse where nothing changed (see views.ts). */
  #lastViews: ReadonlyMap<string, NodeView> = new Map();
  #lastErrorIds: ReadonlySet<string> = new Set();
  /** What the canvas shows of each node's analysis; unchanged nodes keep their view object across edits. */
  views: ReadonlyMap<string, NodeView> = $derived.by(
    () => (this.#lastViews = buildViews(this.analysis, this.#lastViews, this.history.present, this.refusals)),
  );
  /** The last refused connection into each layer: source and target ids. */
  #attempts = $state.raw<ReadonlyMap<string, string>>(new Map());
  /**
   * Why each layer has no input, when the user tried to connect one and was refused: shown on the layer (its card
   * and the inspector) for as long as that stands, i.e. until the layer gets an input, either layer goes, or the
   * same connection would now be accepted (the message is recomputed, so it is never stale).
   */
  refusals: ReadonlyMap<string, string> = $derived.by(() => {
    const graph = this.history.present;
    const out = new Map<string, string>();
    for (const [target, source] of this.#attempts) {
      if (graph.edges.some((e) => e.target === target)) continue;
      const from = graph.nodes.find((n) => n.id === source);
      const to = graph.nodes.find((n) => n.id === target);
      if (!from || !to) continue;
      const check = canConnect(graph, source, target);
      if (check.ok) continue;
      const reason = check.reason.startsWith(`${to.name}: `) ? check.reason.slice(to.name.length + 2) : check.reason;
      out.set(target, `Cannot connect ${from.name} here: ${reason}`);
    }
    return out;
  });
  /** Whether the model can be trained and exactly why not (readiness.ts). */
  readiness: Readiness = $derived(readiness(this.history.present, this.analysis));
  /** Nodes in error; the same set object while the membership stands (the minimap colours by it). */
  errorIds: ReadonlySet<string> = $derived.by(() => (this.#lastErrorIds = errorIds(this.views, this.#lastErrorIds)));
  selected = $state.raw<string[]>([]);
  projectName = $state('Untitled model');
  /** A short message for the user (refused connection, pasted 3 layers, ...). */
  notice = $state.raw<{ text: string; tone: 'info' | 'error'; at: number } | null>(null);

  canUndo = $derived(this.history.past.length > 0);
  canRedo = $derived(this.history.future.length > 0);

  constructor(initial: Graph = EMPTY) {
    this.history = initHistory(ops.normalizeIds(initial));
  }

  private commit(next: Graph, coalesce: string | null = null): void {
    this.history = push(this.history, next, coalesce);
  }

  view(id: string): NodeView | undefined {
    return this.views.get(id);
  }

  notify(text: string, tone: 'info' | 'error' = 'info'): void {
    this.notice = { text, tone, at: Date.now() };
  }

  /** Replaces the whole graph (a template, an opened project); undoable. */
  load(graph: Graph, name?: string): void {
    this.commit(ops.normalizeIds(graph));
    this.selected = [];
    if (name) this.projectName = name;
  }

  /** Adds a layer at `position`, or at the nearest free spot when another layer is there. */
  addNode(kind: string, position: ops.XY): string {
    const { graph, id } = ops.addNode(this.graph, kind, freeSpot(this.graph, position));
    this.commit(graph);
    this.selected = [id];
    return id;
  }

  /** `sourceIndex`: which output of a multi-output layer (its handle out, h, c); 0 the first. */
  connect(source: string, target: string, sourceIndex = 0): boolean {
    const result = ops.connect(this.graph, source, target, sourceIndex);
    if (!result.ok) {
      this.notify(result.reason, 'error');
      this.#attempts = new Map([...this.#attempts, [target, source]]);
      return false;
    }
    this.commit(result.graph);
    return true;
  }

  /**
   * The keyboard way to connect (key C): with two layers selected, the upper one (the one with the smaller y; on a
   * tie, the left one) feeds the lower one. False, with a notice saying what to do, otherwise.
   */
  connectSelected(): boolean {
    const picked = this.selected.map((id) => this.graph.nodes.find((n) => n.id === id)).filter((n) => n !== undefined);
    if (picked.length !== 2) {
      this.notify('To connect with the keyboard, select exactly two layers (Shift+click), then press C: the upper one feeds the lower one.', 'error');
      return false;
    }
    const [a, b] = picked.sort((p, q) => (p.position?.y ?? 0) - (q.position?.y ?? 0) || (p.position?.x ?? 0) - (q.position?.x ?? 0));
    if (!this.connect(a!.id, b!.id)) return false;
    this.notify(`Connected ${a!.name} to ${b!.name}`);
    return true;
  }

  remove(nodeIds: readonly string[], edgeIds: readonly string[] = []): void {
    this.commit(ops.remove(this.graph, nodeIds, edgeIds));
    const gone = new Set(nodeIds);
    this.selected = this.selected.filter((id) => !gone.has(id));
  }

  setConfig(id: string, field: string, value: unknown): void {
    const node = this.graph.nodes.find((n) => n.id === id);
    if (!node) return;
    this.commit(ops.updateNode(this.graph, id, { config: { ...node.config, [field]: value } }), `${id}:${field}`);
  }

  /** Freezes (false) or unfreezes a nested model's layers (its group block's switch); undoable. */
  setGroupTrainable(groupId: string, trainable: boolean): void {
    this.commit(setGroupTrainable(this.graph, groupId, trainable));
  }

  rename(id: string, name: string): void {
    this.commit(ops.updateNode(this.graph, id, { name }), `${id}:name`);
  }

  move(positions: ReadonlyMap<string, ops.XY>): void {
    this.commit(ops.moveNodes(this.graph, positions));
  }

  undo(): void {
    this.history = undo(this.history);
    this.pruneSelection();
  }

  redo(): void {
    this.history = redo(this.history);
    this.pruneSelection();
  }

  private pruneSelection(): void {
    const ids = new Set(this.graph.nodes.map((n) => n.id));
    this.selected = this.selected.filter((id) => ids.has(id));
  }

  copyText(ids: readonly string[] = this.selected): string | null {
    const payload = copyPayload(this.graph, ids);
    return payload ? JSON.stringify(payload) : null;
  }

  /** Pastes layers from clipboard text; false when the text holds none. */
  pasteText(text: string, offset: ops.XY = { x: 40, y: 40 }): boolean {
    const payload = readPayload(text);
    if (!payload) return false;
    // Shifted further, as one block, where the copies would land on other layers.
    const clear = freeShift(
      this.graph,
      payload.nodes.map((n) => ({ x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y })),
    );
    const { graph, ids } = ops.paste(this.graph, payload, { x: offset.x + clear.x, y: offset.y + clear.y });
    this.commit(graph);
    this.selected = ids;
    this.notify(`Pasted ${ids.length} layer${ids.length === 1 ? '' : 's'}`);
    return true;
  }

  duplicate(ids: readonly string[] = this.selected): void {
    const text = this.copyText(ids);
    if (text) this.pasteText(text, { x: 40, y: 40 });
  }
}

declare global {
  interface Window {
    /** Set only for pages opened with ?bench (bench/ui.ts). */
    __layerlabBench?: { editor: EditorStore };
  }
}
