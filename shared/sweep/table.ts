/** The ranked table of a sweep, as the CLI prints it and the HParams view lists it. */
import { rankTrials } from './rank';
import { dimensionName, type SweepValue } from './schema';
import type { SweepState, TrialRecord } from './state';

/** A dimension value as a short cell: 0.001, 'adam', on/off for toggles, JSON for tuples and objects. */
export function formatSweepValue(value: SweepValue | undefined, toggle = false): string {
  if (value === undefined) return '';
  if (toggle && typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface SweepTableRow {
  rank: number;
  trial: number;
  /** Dimension name -> formatted value, in dimension order. */
  values: Record<string, string>;
  metric: number | null;
  durationSeconds: number | null;
  status: TrialRecord['status'];
  reason?: string;
}

export function sweepTableRows(state: Pick<SweepState, 'config' | 'trials'>): SweepTableRow[] {
  const dims = state.config.dimensions.map((d) => ({ name: dimensionName(d), toggle: 'toggle' in d.target }));
  return rankTrials(state.trials, state.config.objective).map((t, i) => ({
    rank: i + 1,
    trial: t.id + 1,
    values: Object.fromEntries(dims.map((d) => [d.name, formatSweepValue(t.values[d.name], d.toggle)])),
    metric: t.objective ?? null,
    durationSeconds: t.durationSeconds ?? null,
    status: t.status,
    ...(t.reason ? { reason: t.reason } : {}),
  }));
}

/** A plain-text table, best first; skipped and failed trials carry their reason under the table. */
export function formatSweepTable(state: Pick<SweepState, 'config' | 'trials'>): string {
  const rows = sweepTableRows(state);
  const dims = state.config.dimensions.map((d) => dimensionName(d));
  const header = ['#', 'trial', ...dims, state.config.objective.metric, 'duration', 'status'];
  const body = rows.map((r) => [
    String(r.rank),
    String(r.trial),
    ...dims.map((d) => r.values[d] ?? ''),
    r.metric === null ? '-' : r.metric.toFixed(4),
    r.durationSeconds === null ? '-' : `${r.durationSeconds.toFixed(1)} s`,
    r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const notes = rows.filter((r) => r.reason).map((r) => `trial ${r.trial} ${r.status}: ${r.reason}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
