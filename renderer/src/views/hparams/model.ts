/**
 * The HParams view's data, as pure functions: table columns and rows, sorting, filtering, and the geometry of the
 * parallel-coordinates plot. Kept out of the component so that it stays thin.
 */
import { rankTrials } from '../../../../shared/sweep/rank';
import { dimensionName, type SweepConfig, type SweepValue } from '../../../../shared/sweep/schema';
import type { TrialRecord } from '../../../../shared/sweep/state';
import { formatSweepValue } from '../../../../shared/sweep/table';

/** What the view needs of a sweep (a SweepState has all of it). */
export interface HParamsSweep {
  name: string;
  config: SweepConfig;
  trials: TrialRecord[];
}

export type ColumnKind = 'trial' | 'dimension' | 'metric' | 'duration' | 'status';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Dimensions: a toggle (shown on/off); a log-scale range (plotted on a log axis). */
  toggle?: boolean;
  log?: boolean;
}

export interface Row {
  trial: TrialRecord;
  /** Rank by the objective (1 = best); finished trials first. */
  rank: number;
  /** Column key -> raw value (for sorting) and text (for showing and filtering). */
  raw: Record<string, SweepValue | undefined>;
  text: Record<string, string>;
}

/** The metrics shown: the objective first, then every other metric some trial logged, in a stable order. */
export function metricKeys(sweep: HParamsSweep): string[] {
  const seen = new Set<string>();
  for (const t of sweep.trials) for (const h of t.history) for (const k of Object.keys(h.metrics)) seen.add(k);
  const objective = sweep.config.objective.metric;
  return [objective, ...[...seen].filter((k) => k !== objective).sort()];
}

export function columns(sweep: HParamsSweep): Column[] {
  const dims: Column[] = sweep.config.dimensions.map((d) => ({
    key: `dim:${dimensionName(d)}`,
    label: dimensionName(d),
    kind: 'dimension',
    toggle: 'toggle' in d.target,
    log: d.range?.scale === 'log',
  }));
  const metrics: Column[] = metricKeys(sweep).map((m) => ({ key: `metric:${m}`, label: m, kind: 'metric' }));
  return [{ key: 'trial', label: 'trial', kind: 'trial' }, ...dims, ...metrics, { key: 'duration', label: 'duration', kind: 'duration' }, { key: 'status', label: 'status', kind: 'status' }];
}

/** A trial's value of a metric: the objective as the sweep scored it, other metrics at the last epoch. */
function metricValue(sweep: HParamsSweep, trial: TrialRecord, metric: string): number | undefined {
  if (metric === sweep.config.objective.metric) return trial.objective ?? undefined;
  for (let i = trial.history.length - 1; i >= 0; i--) {
    const v = trial.history[i]!.metrics[metric];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

export function rows(sweep: HParamsSweep): Row[] {
  const cols = columns(sweep);
  return rankTrials(sweep.trials, sweep.config.objective).map((trial, i) => {
    const raw: Row['raw'] = {};
    const text: Row['text'] = {};
    for (const c of cols) {
      if (c.kind === 'trial') {
        raw[c.key] = trial.id + 1;
        text[c.key] = String(trial.id + 1);
      } else if (c.kind === 'dimension') {
        raw[c.key] = trial.values[c.label];
        text[c.key] = formatSweepValue(trial.values[c.label], c.toggle);
      } else if (c.kind === 'metric') {
        const v = metricValue(sweep, trial, c.label);
        raw[c.key] = v;
        text[c.key] = v === undefined ? '' : v.toFixed(4);
      } else if (c.kind === 'duration') {
        raw[c.key] = trial.durationSeconds;
        text[c.key] = trial.durationSeconds === undefined ? '' : `${trial.durationSeconds.toFixed(1)} s`;
      } else {
        raw[c.key] = trial.status;
        text[c.key] = trial.status;
      }
    }
    return { trial, rank: i + 1, raw, text };
  });
}

function compareValues(a: SweepValue | undefined, b: SweepValue | undefined): number {
  // Missing values sort last whatever the direction, so a sort never buries the trials that have numbers.
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return JSON.stringify(a).localeCompare(JSON.stringify(b), undefined, { numeric: true });
}

export type SortDirection = 'asc' | 'desc';

/** Rows sorted by a column (ties keep the rank order); null keeps the rank order. */
export function sortRows(list: readonly Row[], sort: { key: string; direction: SortDirection } | null): Row[] {
  if (!sort) return [...list];
  return [...list].sort((x, y) => {
    const a = x.raw[sort.key];
    const b = y.raw[sort.key];
    const missing = a === undefined || a === null || b === undefined || b === null;
    const c = compareValues(a, b);
    return (missing ? c : sort.direction === 'asc' ? c : -c) || x.rank - y.rank;
  });
}

export interface RowFilter {
  /** Case-insensitive; every word must appear in some cell ("adam off" finds adam trials without the layer). */
  text: string;
  /** Empty: every status. */
  statuses: readonly string[];
}

export function filterRows(list: readonly Row[], filter: RowFilter): Row[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return list.filter((r) => {
    if (filter.statuses.length > 0 && !filter.statuses.includes(r.trial.status)) return false;
    const cells = Object.values(r.text).map((t) => t.toLowerCase());
    return words.every((w) => cells.some((c) => c.includes(w)));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Parallel coordinates

export interface Axis {
  key: string;
  label: string;
  x: number;
  /** Value -> y in the plot (top = larger numbers / later categories). */
  y: (value: SweepValue | undefined) => number | null;
  ticks: { y: number; label: string }[];
}

export interface PlotLine {
  trialId: number;
  points: { x: number; y: number }[];
  metric: number;
  color: string;
}

export interface PlotLayout {
  width: number;
  height: number;
  axes: Axis[];
  lines: PlotLine[];
}

const PAD = { top: 18, bottom: 22, left: 40, right: 40 };

/**
 * The objective axis spans at least this much, so that trials 0.002 apart are drawn close together, not from the
 * bottom of the axis to its top (0.775-0.777 made 0.2 points look dramatic): 0.05 for metrics in [0, 1] (accuracy),
 * else 5% of the largest value.
 */
export function honestDomain(values: number[]): { lo: number; hi: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const unit = lo >= 0 && hi <= 1;
  const minSpan = unit ? 0.05 : 0.05 * Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  if (hi - lo >= minSpan) return { lo, hi };
  const mid = (lo + hi) / 2;
  lo = mid - minSpan / 2;
  hi = mid + minSpan / 2;
  if (unit && lo < 0) [lo, hi] = [0, minSpan];
  if (unit && hi > 1) [lo, hi] = [1 - minSpan, 1];
  return { lo, hi };
}

function numericAxis(values: number[], log: boolean, top: number, bottom: number, domain?: { lo: number; hi: number }): Pick<Axis, 'y' | 'ticks'> {
  const f = log ? (v: number) => Math.log10(v) : (v: number) => v;
  const lo = domain ? f(domain.lo) : Math.min(...values.map(f));
  const hi = domain ? f(domain.hi) : Math.max(...values.map(f));
  const span = hi - lo || 1;
  const y = (v: SweepValue | undefined): number | null => (typeof v === 'number' && (!log || v > 0) ? bottom - ((f(v) - lo) / span) * (bottom - top) : null);
  const fmt = (v: number) => formatSweepValue(Number(v.toPrecision(3)));
  const ends = domain ? [domain.lo, domain.hi] : [Math.min(...values), Math.max(...values)];
  return { y, ticks: [...new Set(ends)].map((v) => ({ y: y(v)!, label: fmt(v) })) };
}

function categoricalAxis(values: SweepValue[], toggle: boolean, top: number, bottom: number): Pick<Axis, 'y' | 'ticks'> {
  const labels = [...new Set(values.map((v) => formatSweepValue(v, toggle)))];
  const at = (i: number) => (labels.length === 1 ? (top + bottom) / 2 : bottom - (i / (labels.length - 1)) * (bottom - top));
  const y = (v: SweepValue | undefined): number | null => {
    if (v === undefined) return null;
    const i = labels.indexOf(formatSweepValue(v, toggle));
    return i < 0 ? null : at(i);
  };
  return { y, ticks: labels.map((label, i) => ({ y: at(i), label })) };
}

/**
 * Light blue-violet (worst) to yellow (best), through teal: viridis without its darkest end, whose purple was
 * unreadable on the dark theme; ordered for colour-blind eyes.
 */
export function metricColor(t: number): string {
  const stops = [
    [140, 140, 230],
    [72, 130, 200],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i]!.map((v, k) => Math.round(v + (stops[i + 1]![k]! - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * One vertical axis per dimension plus the objective; one line per trial that has an objective value, coloured by
 * it (the best trial brightest, whichever the mode).
 */
export function parallelLayout(sweep: HParamsSweep, width = 640, height = 240): PlotLayout {
  const top = PAD.top;
  const bottom = height - PAD.bottom;
  const scored = sweep.trials.filter((t) => t.objective !== undefined && t.objective !== null && t.status !== 'skipped');
  const dims = columns(sweep).filter((c) => c.kind === 'dimension');
  const objective = sweep.config.objective;
  const count = dims.length + 1;
  const xAt = (i: number) => PAD.left + (count === 1 ? 0 : (i / (count - 1)) * (width - PAD.left - PAD.right));
  const axes: Axis[] = dims.map((c, i) => {
    const values = sweep.trials.map((t) => t.values[c.label]).filter((v): v is SweepValue => v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
    const scale = numeric ? numericAxis(values as number[], Boolean(c.log), top, bottom) : categoricalAxis(values, Boolean(c.toggle), top, bottom);
    return { key: c.key, label: c.label, x: xAt(i), ...scale };
  });
  const metrics = scored.map((t) => t.objective as number);
  const metricAxis = metrics.length > 0 ? numericAxis(metrics, false, top, bottom, honestDomain(metrics)) : { y: () => null, ticks: [] };
  axes.push({ key: `metric:${objective.metric}`, label: objective.metric, x: xAt(dims.length), ...metricAxis });
  const lo = Math.min(...metrics);
  const hi = Math.max(...metrics);
  const lines: PlotLine[] = scored.map((t) => {
    const metric = t.objective as number;
    const quality = hi === lo ? 1 : objective.mode === 'max' ? (metric - lo) / (hi - lo) : (hi - metric) / (hi - lo);
    const points = axes.flatMap((a, i) => {
      const y = i === dims.length ? a.y(metric) : a.y(t.values[a.label]);
      return y === null ? [] : [{ x: a.x, y }];
    });
    return { trialId: t.id, points, metric, color: metricColor(quality) };
  });
  return { width, height, axes, lines };
}

export interface CurveLine {
  trialId: number;
  points: { x: number; y: number }[];
  color: string;
}

/**
 * Every trial's per-epoch curve of one metric, overlaid on shared axes (epochs across, the metric up), coloured
 * as in the parallel-coordinates plot so that a line can be followed from one plot to the other.
 */
export function curvesLayout(sweep: HParamsSweep, metric: string, width = 640, height = 180): { width: number; height: number; lines: CurveLine[]; maxEpoch: number; min: number; max: number } {
  const colors = new Map(parallelLayout(sweep).lines.map((l) => [l.trialId, l.color]));
  const series = sweep.trials
    .map((t) => ({ t, pts: t.history.filter((h) => typeof h.metrics[metric] === 'number').map((h) => ({ epoch: h.epoch + 1, v: h.metrics[metric]! })) }))
    .filter((s) => s.pts.length > 0);
  const values = series.flatMap((s) => s.pts.map((p) => p.v));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const maxEpoch = Math.max(1, ...series.flatMap((s) => s.pts.map((p) => p.epoch)));
  const x = (epoch: number) => PAD.left + (maxEpoch === 1 ? 0 : ((epoch - 1) / (maxEpoch - 1)) * (width - PAD.left - PAD.right));
  const y = (v: number) => height - PAD.bottom - ((v - min) / (max - min || 1)) * (height - PAD.top - PAD.bottom);
  const lines = series.map(({ t, pts }) => ({ trialId: t.id, points: pts.map((p) => ({ x: x(p.epoch), y: y(p.v) })), color: colors.get(t.id) ?? 'var(--text-dim)' }));
  return { width, height, lines, maxEpoch, min, max };
}
