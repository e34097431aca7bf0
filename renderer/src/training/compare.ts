/**
 * Run history helpers: what changed between two runs (config and graph), the figures of the runs table, and
 * the lines of an overlaid chart. Pure, so the table and charts only render what these return.
 */
import type { EpochRecord, RunSummary } from '../../../shared/api';
import type { Graph } from '../../../shared/graph/types';

/** Short names for the config fields people compare most; others keep their dotted path. */
const ALIASES: Record<string, string> = {
  'optimizer.learning_rate': 'lr',
  'optimizer.name': 'optimizer',
  'optimizer.momentum': 'momentum',
  batch_size: 'batch',
  limit_train: 'subset',
  limit_test: 'val subset',
  'dataset.name': 'dataset',
};

function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

function changes(a: Map<string, string>, b: Map<string, string>, name: (key: string) => string): string[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => (a.get(k) ?? '—') !== (b.get(k) ?? '—')).map((k) => `${name(k)} ${a.get(k) ?? '—'}→${b.get(k) ?? '—'}`);
}

/** e.g. ["lr 0.01→0.05", "batch 64→128"]; fields that only the defaults filled in are compared like any other. */
export function configDiff(a: unknown, b: unknown): string[] {
  return changes(flatten(a, '', new Map()), flatten(b, '', new Map()), (k) => ALIASES[k] ?? k);
}

/** Layers added, removed or changed between two graphs, matched by layer name: "+dropout (Dropout)", "conv2d.filters 32→64". */
export function graphDiff(a: Graph, b: Graph): string[] {
  const before = new Map(a.nodes.map((n) => [n.name, n]));
  const after = new Map(b.nodes.map((n) => [n.name, n]));
  const out: string[] = [];
  for (const [name, n] of after) {
    const old = before.get(name);
    if (!old) out.push(`+${name} (${n.kind})`);
    else if (old.kind !== n.kind) out.push(`${name} ${old.kind}→${n.kind}`);
    else out.push(...changes(flatten(old.config, '', new Map()), flatten(n.config, '', new Map()), (k) => `${name}.${k}`));
  }
  for (const [name, n] of before) if (!after.has(name)) out.push(`−${name} (${n.kind})`);
  return out;
}

/** What distinguishes `run` from `base`, short enough for a legend; "same config" when nothing does. */
export function diffLabel(base: { config: unknown; graph?: Graph }, run: { config: unknown; graph?: Graph }, max = 3): string {
  const parts = [...configDiff(base.config, run.config), ...(base.graph && run.graph ? graphDiff(base.graph, run.graph) : [])];
  if (!parts.length) return 'same config';
  return parts.length > max ? `${parts.slice(0, max).join(', ')} +${parts.length - max} more` : parts.join(', ');
}

export function bestValAccuracy(run: Pick<RunSummary, 'history'>): number | null {
  let best: number | null = null;
  for (const r of run.history) {
    const v = r.metrics.val_acc ?? r.metrics.val_accuracy;
    if (typeof v === 'number' && Number.isFinite(v) && (best === null || v > best)) best = v;
  }
  return best;
}

/** Wall time from start to end (or to now while it runs); the epochs' own times when the stamps are missing. */
export function durationSeconds(run: Pick<RunSummary, 'startedAt' | 'endedAt' | 'history'>, now: number = Date.now()): number | null {
  if (run.startedAt) {
    const end = run.endedAt ? Date.parse(run.endedAt) : now;
    const s = (end - Date.parse(run.startedAt)) / 1000;
    if (Number.isFinite(s) && s >= 0) return s;
  }
  return run.history.length ? run.history.reduce((t, r) => t + r.seconds, 0) : null;
}

/** " · aug rot 15 shift 0.1 ..." for the run history's config column; '' without augmentation. */
export function augmentationText(aug: Partial<Record<string, number | boolean>> | undefined): string {
  if (!aug) return '';
  const parts: string[] = [];
  const n = (k: string) => (typeof aug[k] === 'number' && (aug[k] as number) > 0 ? (aug[k] as number) : 0);
  if (n('rotation_range')) parts.push(`rot ${n('rotation_range')}`);
  if (n('width_shift_range') || n('height_shift_range')) parts.push(`shift ${n('width_shift_range')}/${n('height_shift_range')}`);
  if (n('zoom_range')) parts.push(`zoom ${n('zoom_range')}`);
  if (aug['horizontal_flip'] === true) parts.push('hflip');
  if (aug['vertical_flip'] === true) parts.push('vflip');
  if (n('gaussian_noise')) parts.push(`noise ${n('gaussian_noise')}`);
  return parts.length ? ` · aug ${parts.join(' ')}` : '';
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m ${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export type RunSortKey = 'name' | 'status' | 'created' | 'duration' | 'best' | 'lr' | 'epochs';

function learningRate(run: RunSummary): number {
  return run.config.optimizer.learning_rate ?? NaN;
}

export function sortRuns(runs: readonly RunSummary[], key: RunSortKey, descending: boolean, now: number = Date.now()): RunSummary[] {
  const value = (r: RunSummary): number | string => {
    switch (key) {
      case 'name':
        return r.name.toLowerCase();
      case 'status':
        return r.status;
      case 'created':
        return Date.parse(r.createdAt);
      case 'duration':
        return durationSeconds(r, now) ?? -1;
      case 'best':
        return bestValAccuracy(r) ?? -1;
      case 'lr':
        return learningRate(r);
      case 'epochs':
        return r.config.epochs;
    }
  };
  const sign = descending ? -1 : 1;
  return [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

export interface ChartLine {
  label: string;
  values: number[];
  color: string;
  dashed?: boolean;
}

export const RUN_COLORS = ['#60a5fa', '#f472b6', '#34d399', '#fbbf24', '#a78bfa', '#f87171', '#22d3ee', '#fb923c'];

/** Train and validation lines of each run (solid and dashed, one colour per run), for one metric. */
export function overlayLines(runs: readonly { label: string; history: readonly EpochRecord[] }[], keys: readonly [string, string]): ChartLine[] {
  return runs.flatMap((run, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    return [
      { label: `${run.label} · train`, values: run.history.map((r) => r.metrics[keys[0]] ?? NaN), color },
      { label: `${run.label} · val`, values: run.history.map((r) => r.metrics[keys[1]] ?? NaN), color, dashed: true },
    ];
  });
}

export function lrLines(runs: readonly { label: string; history: readonly EpochRecord[] }[]): ChartLine[] {
  return runs.map((run, i) => ({ label: run.label, values: run.history.map((r) => r.lr), color: RUN_COLORS[i % RUN_COLORS.length] }));
}

/**
 * #1, #2, ...: a short handle for runs that share the project's name. A run stored in its project has its number
 * there (stable across saves and restarts); others (not stored yet) follow in the order they were created.
 */
export function runOrdinals(runs: readonly Pick<RunSummary, 'runId' | 'createdAt' | 'number'>[]): Map<string, number> {
  const order = [...runs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.runId.localeCompare(b.runId));
  let most = order.reduce((m, r) => Math.max(m, r.number ?? 0), 0);
  return new Map(order.map((r) => [r.runId, r.number ?? ++most]));
}
