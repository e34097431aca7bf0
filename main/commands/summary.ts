/** `layerlab summary FILE`: the Keras-style summary table of a model file (Keras JSON, TF.js model.json, project). */
import { analyzeGraph, formatSummary, summaryTable } from '../../shared/graph/index';
import { readModelFile } from '../engine/model-file';
import type { Command } from './types';

export const summaryCommand: Command = {
  name: 'summary',
  usage: 'summary FILE',
  summary: 'print the Keras-style summary of a model (Keras JSON, TF.js model.json or project)',
  async run(argv) {
    const files = argv.filter((a) => !a.startsWith('-'));
    if (files.length !== 1 || argv.length !== 1) throw new Error(`expected exactly one model file; usage: layerlab ${summaryCommand.usage}`);
    const { graph, name } = await readModelFile(files[0]!);
    const analysis = analyzeGraph(graph);
    if (!analysis.valid) {
      const lines = analysis.errors.map((e) => `  ${e.nodeId ? `${e.nodeId}: ` : ''}${e.message}`);
      throw new Error(`${files[0]} is not a valid model:\n${lines.join('\n')}`);
    }
    process.stdout.write(`${formatSummary(summaryTable(graph, analysis, name))}\n`);
    return 0;
  },
};
