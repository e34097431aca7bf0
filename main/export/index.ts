/** Exports, one registry entry per format (as Netron registers its formats): the only entry point callers need. */
import { exportKeras } from './keras';
import { exportPytorch } from './pytorch';
import { repairSpec } from './spec-repair';
import type { ExportFormat, ExportOptions, ExportResult, ExportSource } from './types';

export const EXPORTERS: Record<ExportFormat, (source: ExportSource, options: ExportOptions) => Promise<ExportResult>> = {
  // tfjs loads only when needed: importing it prints a banner and costs a second on every CLI call.
  tfjs: async (s, o) => (await import('./tfjs-export')).exportTfjs(s, o.outDir),
  keras: (s, o) => exportKeras(s, o.outDir, o.strategy ?? 'none', o.slurm ?? false),
  pytorch: (s, o) => exportPytorch(s, o.outDir),
};

export async function exportModel(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const exporter = EXPORTERS[options.format];
  if (!exporter) throw new Error(`unknown export format '${options.format}'; use one of ${Object.keys(EXPORTERS).join(', ')}.`);
  return exporter(repairSpec(source), options);
}

export { loadExportSource } from './source';
export type { ExportFormat, ExportOptions, ExportResult, ExportSource, ExportTrainingConfig, NamedWeight } from './types';
