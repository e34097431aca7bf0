import { exportModel, loadExportSource } from '../export';
import type { DistributionStrategy, ExportFormat } from '../export/types';
import { resolve } from 'node:path';
import type { Command } from './types';

const USAGE = 'export FILE --format tfjs|keras|pytorch|tensorboard --out DIR [--run ID|#N|latest|none|all] [--weights final|best] [--strategy none|mirrored|multiworker] [--slurm] [--force]';

/** A project's stored runs as TensorBoard logs (one sub-folder per run). */
async function exportTensorboard(file: string, run: string, out: string, force: boolean): Promise<number> {
  if (!file.endsWith('.layerlab')) throw new Error(`--format tensorboard reads a project's stored runs: pass a .layerlab file, not '${file}'.`);
  const { intoTensorboardFolder } = await import('../export/tensorboard/index');
  const { exportProjectTensorboard } = await import('../export/tensorboard/from-project');
  const result = await intoTensorboardFolder(out, resolve(file), force, () => exportProjectTensorboard(file, run === 'none' ? 'latest' : run, out));
  process.stdout.write(`exported tensorboard to ${out}: ${result.files.join(', ')}\n`);
  if (result.replaced.length > 0) process.stdout.write(`replaced: ${result.replaced.join(', ')}\n`);
  for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`view with: tensorboard --logdir ${out}\n`);
  return 0;
}

export const exportCommand: Command = {
  name: 'export',
  usage: USAGE,
  summary: 'Write the model as TF.js files, a Keras (TensorFlow 2) program or a PyTorch program.',
  async run(argv) {
    let file: string | undefined;
    let format: string | undefined;
    let out: string | undefined;
    let strategy = 'none';
    let slurm = false;
    let run = 'latest';
    let force = false;
    let weights = 'final';
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const value = (): string => {
        const v = argv[++i];
        if (v === undefined) throw new Error(`${a} needs a value. Usage: layerlab ${USAGE}`);
        return v;
      };
      if (a === '--format') format = value();
      else if (a === '--out') out = value();
      else if (a === '--strategy') strategy = value();
      else if (a === '--slurm') slurm = true;
      else if (a === '--force') force = true;
      else if (a === '--run') run = value();
      else if (a === '--weights') weights = value();
      else if (a.startsWith('--')) throw new Error(`unknown option ${a}. Usage: layerlab ${USAGE}`);
      else if (file === undefined) file = a;
      else throw new Error(`one FILE only; got '${file}' and '${a}'.`);
    }
    if (!file || !format || !out) throw new Error(`FILE, --format and --out are required. Usage: layerlab ${USAGE}`);
    if (weights !== 'final' && weights !== 'best') throw new Error(`--weights '${weights}' is not one of final, best.`);
    if (format === 'tensorboard') return exportTensorboard(file, run, out, force);
    if (!['tfjs', 'keras', 'pytorch'].includes(format)) throw new Error(`--format '${format}' is not one of tfjs, keras, pytorch, tensorboard.`);
    if (!['none', 'mirrored', 'multiworker'].includes(strategy)) throw new Error(`--strategy '${strategy}' is not one of none, mirrored, multiworker.`);
    if ((strategy !== 'none' || slurm) && format !== 'keras') throw new Error('--strategy and --slurm apply to --format keras (the PyTorch export scales with torchrun).');
    const source = { ...(await loadExportSource(file, run, weights)), origin: resolve(file) };
    const result = await exportModel(source, { format: format as ExportFormat, outDir: out, strategy: strategy as DistributionStrategy, slurm, force });
    process.stdout.write(`exported ${format} to ${result.outDir}: ${result.files.join(', ')}\n`);
    if (result.replaced.length > 0) process.stdout.write(`replaced: ${result.replaced.join(', ')}\n`);
    for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
    return 0;
  },
};
