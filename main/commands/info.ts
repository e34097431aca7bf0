/** `layerlab info FILE [--json]`: what a project holds: its model summary and its runs with their best metrics. */
import { formatMetric } from '../../shared/format';
import { analyzeGraph, formatSummary, summaryTable } from '../../shared/graph';
import { listRuns, openProject, type RunSummary } from '../projects/service';
import type { Command } from './types';

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}


/**
 * The dataset a run trained on, from its own stored config (a run may have trained on another dataset than the
 * project's current one); '-' when its config names none.
 */
export function runDataset(config: Record<string, unknown>): string {
  const dataset = config.dataset;
  if (typeof dataset === 'string') return dataset;
  if (dataset && typeof dataset === 'object') {
    const d = dataset as Record<string, unknown>;
    for (const key of ['name', 'id', 'path']) if (typeof d[key] === 'string') return `${d[key]}${catalogTextNote(d)}`;
  }
  return '-';
}

/** imdb/reuters' options the run set (config.dataset.text), Keras' names: the same dataset loaded otherwise is another experiment. */
function catalogTextNote(dataset: Record<string, unknown>): string {
  const text = dataset['text'];
  if (dataset['source'] !== undefined || !text || typeof text !== 'object') return '';
  const parts = Object.entries(text).map(([k, v]) => (k === 'multi_hot' ? (v ? 'multi-hot' : '') : `${k}=${v === null ? 'None' : String(v)}`));
  const shown = parts.filter(Boolean);
  return shown.length ? ` (${shown.join(' ')})` : '';
}

export function formatRunsTable(runs: (RunSummary & { dataset: string })[], file = 'FILE'): string {
  if (runs.length === 0) return 'Runs: none yet.';
  const rows = runs.map((r) => [
    `#${r.number}`,
    r.id,
    r.name,
    r.dataset,
    r.status,
    String(r.epochs),
    Object.entries(r.best)
      .map(([k, v]) => `${k}=${formatMetric(v)}`)
      .join(' ') || '-',
    formatDuration(r.durationSeconds),
    r.hasWeights ? (r.bestWeights ? `yes, best: epoch ${r.bestWeights.epoch}${r.bestWeights.sameAsFinal ? ' (= final)' : ''} ${r.bestWeights.monitor}=${formatMetric(r.bestWeights.value)}` : 'yes') : 'no',
  ]);
  const header = ['#', 'Run', 'Name', 'Dataset', 'Status', 'Epochs', 'Best', 'Time', 'Weights'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const table = [`Runs (${runs.length}):`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const interrupted = runs.filter((r) => r.status === 'interrupted');
  // The way on, where a run's process died mid-training (projects/trainer.ts). '#1' is quoted: a shell reads an
  // unquoted #1 as a comment, so the pasted command would lose its run.
  if (interrupted.length) table.push('', `Interrupted (its process died mid-training): ${interrupted.map((r) => `#${r.number}`).join(', ')}; continue one with: layerlab train ${file} --resume '#${interrupted[0]!.number}'`);
  return table.join('\n');
}

export const infoCommand: Command = {
  name: 'info',
  usage: 'info FILE [--json]',
  summary: "show a project's model summary and its runs with their best metrics",
  async run(argv) {
    const json = argv.includes('--json');
    const files = argv.filter((a) => a !== '--json');
    if (files.length !== 1) throw new Error(`expected one project file; usage: layerlab ${infoCommand.usage}`);
    const { doc, graph, configIssues } = await openProject(files[0]!);
    const datasets = new Map(doc.runs.map((r) => [r.meta.id, runDataset(r.meta.config)]));
    const runs = listRuns(doc).map((r) => ({ ...r, dataset: datasets.get(r.id) ?? '-' }));
    const analysis = analyzeGraph(graph);
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ name: doc.project.name, formatVersion: doc.project.formatVersion, migratedFrom: doc.migratedFrom ?? null, created: doc.project.created, modified: doc.project.modified, dataset: doc.project.dataset, layers: graph.nodes.length, params: analysis.totals, valid: analysis.valid, runs, configIssues }, null, 2)}\n`,
      );
      return 0;
    }
    const p = doc.project;
    const dataset = p.dataset === null ? 'none' : p.dataset.kind === 'builtin' ? p.dataset.id : p.dataset.path;
    const out = [
      `Project: ${p.name}`,
      `File: ${doc.path} (format ${p.formatVersion}${doc.migratedFrom ? `, migrated from format ${doc.migratedFrom} on open; saving writes format ${p.formatVersion}` : ''}, written by Layerlab ${p.appVersion})`,
      `Created: ${p.created}  Modified: ${p.modified}`,
      `Dataset: ${dataset} (the project's; each run's own is in the table below)`,
      ...(p.notes ? [`Notes: ${p.notes.split('\n')[0]}`] : []),
      ...(configIssues.length ? [`Training config problems: ${configIssues.map((i) => `${i.path || '(config)'}: ${i.message}`).join('; ')}`] : []),
      '',
      graph.nodes.length === 0 ? 'Model: empty (no layers yet).' : formatSummary(summaryTable(graph, analysis, p.name)),
      '',
      formatRunsTable(runs, files[0]!),
      '',
    ];
    process.stdout.write(out.join('\n'));
    return 0;
  },
};
