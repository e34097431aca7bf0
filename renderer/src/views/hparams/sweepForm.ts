/**
 * The sweep form of SweepsPanel as plain data, and its conversion to a sweep config checked with shared/sweep's own
 * rules (parseSweepConfig), so the panel refuses what the backend would refuse, with the same messages.
 */
import type { Json } from '../../../../shared/api-base';
import type { Graph } from '../../../../shared/graph/types';
import { parseSweepConfig, type SweepConfig } from '../../../../shared/sweep/schema';

export type DimensionKind = 'node' | 'training' | 'toggle';

export interface DimensionDraft {
  kind: DimensionKind;
  /** node and toggle: the node id. */
  node: string;
  /** node: its Keras config field, e.g. "units". */
  field: string;
  /** training: the setting, e.g. "learning_rate". */
  setting: string;
  /** node and training: "values" (a comma-separated list) or, for training, "range". */
  mode: 'values' | 'range';
  values: string;
  range: { min: number; max: number; count: number; scale: 'linear' | 'log'; type: 'float' | 'int' };
}

export interface SweepDraft {
  name: string;
  dimensions: DimensionDraft[];
  strategy: 'grid' | 'random' | 'successive_halving';
  trials: number;
  seed: number;
  minEpochs: number;
  maxEpochs: number;
  eta: number;
  metric: string;
  mode: 'max' | 'min';
}

/** Training settings offered as dimensions (any dotted path of the training config also works in a sweep file). */
export const TRAINING_SETTINGS = ['learning_rate', 'optimizer', 'momentum', 'nesterov', 'batch_size', 'epochs', 'augmentation'] as const;
export const METRICS = ['val_acc', 'val_loss', 'acc', 'loss'] as const;

export function newDimension(graph: Graph, kind: DimensionKind = 'training'): DimensionDraft {
  const first = graph.nodes.find((n) => n.kind !== 'InputLayer');
  return {
    kind,
    node: first?.id ?? '',
    field: 'units',
    setting: 'learning_rate',
    mode: 'values',
    values: kind === 'toggle' ? 'true, false' : '0.01, 0.1',
    range: { min: 0.001, max: 0.1, count: 3, scale: 'log', type: 'float' },
  };
}

/**
 * The sweep being defined outlives the Sweeps tab: switching to the editor and back used to clear it. One window
 * has one draft, so a module-level copy is enough (SweepsPanel reads it on mount and writes it on each change).
 */
let keptDraft: SweepDraft | null = null;

export function restoreDraft(): SweepDraft {
  return keptDraft ? structuredClone(keptDraft) : newDraft();
}

export function keepDraft(draft: SweepDraft): void {
  keptDraft = structuredClone(draft);
}

export function newDraft(): SweepDraft {
  return { name: 'sweep', dimensions: [], strategy: 'grid', trials: 8, seed: 0, minEpochs: 1, maxEpochs: 3, eta: 3, metric: 'val_acc', mode: 'max' };
}

/** "0.1, 0.01, adam, [3,3], true" -> [0.1, 0.01, "adam", [3, 3], true]: JSON where it parses, else the text. */
export function parseValues(text: string): Json[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return JSON.parse(p) as Json;
      } catch {
        return p;
      }
    });
}

function dimensionJson(d: DimensionDraft): Json {
  if (d.kind === 'toggle') return { target: { toggle: d.node }, values: parseValues(d.values) };
  const target: Json = d.kind === 'node' ? { node: String(d.node ?? ''), field: String(d.field ?? '').trim() } : { training: String(d.setting ?? '').trim() };
  if (d.kind === 'training' && d.mode === 'range') return { target, range: { ...d.range } };
  return { target, values: parseValues(d.values) };
}

/** The sweep config JSON of a draft (as sweeps.start takes it). */
export function draftJson(draft: SweepDraft): Json {
  const strategy: Json =
    draft.strategy === 'grid'
      ? { type: 'grid' }
      : draft.strategy === 'random'
        ? { type: 'random', trials: draft.trials, seed: draft.seed }
        : { type: 'successive_halving', min_epochs: draft.minEpochs, max_epochs: draft.maxEpochs, eta: draft.eta, seed: draft.seed };
  return {
    name: draft.name.trim() || 'sweep',
    dimensions: draft.dimensions.map(dimensionJson),
    strategy,
    objective: { metric: draft.metric, mode: draft.mode },
  };
}

/** The draft's config, or its problems one per line ("dimensions.0.values: ..."). */
export function checkDraft(draft: SweepDraft): { ok: true; json: Json; config: SweepConfig } | { ok: false; message: string } {
  const json = draftJson(draft);
  const parsed = parseSweepConfig(json);
  return parsed.ok ? { ok: true, json, config: parsed.config } : { ok: false, message: parsed.message };
}
