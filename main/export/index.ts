/** Exports, one registry entry per format (as Netron registers its formats): the only entry point callers need. */
import { exportKeras } from './keras';
import { exportPytorch } from './pytorch';
import { claimOutDir, MARKER, writeMarker } from './out-dir';
import { repairSpec } from './spec-repair';
import type { ExportFormat, ExportOptions, ExportResult, ExportSource, FormatResult } from './types';

type Exporter = (source: ExportSource, options: ExportOptions) => Promise<FormatResult>;

export const EXPORTERS: Record<ExportFormat, Exporter> = {
  // tfjs loads only when needed: importing it prints a banner and costs a second on every CLI call.
  tfjs: async (s, o) => (await import('./tfjs-export')).exportTfjs(s, o.outDir),
  keras: (s, o) => exportKeras(s, o.outDir, o.strategy ?? 'none', o.slurm ?? false),
  pytorch: (s, o) => exportPytorch(s, o.outDir),
};

export async function exportModel(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const exporter = EXPORTERS[options.format];
  if (!exporter) throw new Error(`unknown export format '${options.format}'; use one of ${Object.keys(EXPORTERS).join(', ')}.`);
  const origin = source.origin ?? String(source.spec.config?.name ?? 'model');
  const { existing } = await claimOutDir(options.outDir, origin, options.force ?? false);
  const result = await exporter(repairSpec(source), options);
  await writeMarker(options.outDir, { origin, format: options.format, files: result.files });
  return { ...result, replaced: result.files.filter((f) => existing.has(f) && f !== MARKER) };
}

export { loadExportSource } from './source';
export type { ExportFormat, ExportOptions, ExportResult, ExportSource } from './types';
