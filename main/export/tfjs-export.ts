/**
 * `--format tfjs`: model.json + group1-shard1of1.bin, written by tfjs' own save path (so tf.loadLayersModel reads
 * it back exactly), plus a README on serving it; a run on text adds its vocabulary and a predict example.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTfjsModel } from './tfjs-model';
import { stockTfjsGaps, stockTfjsNote, TFJS_LAYERS_FILE, TFJS_LAYERS_JS, TFJS_LAYERS_README } from './tfjs-stock-gaps';
import type { ModelSpec } from '../../shared/graph/types';
import type { FormatResult, ExportSource } from './types';
import { textVocabulary, VOCABULARY_FILE } from './text-vocabulary';
import { PREDICT_FILE, predictJs, TEXT_ENCODER_FILE, TEXT_ENCODER_JS, textReadmeSection } from './tfjs-text-files';

export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** The TF.js model.json and the weights buffer, as tfjs' save handlers receive them. */
export async function tfjsArtifacts(source: ExportSource): Promise<{ modelJson: tf.io.ModelJSON; weightData: ArrayBuffer }> {
  const model = await buildTfjsModel(source.spec, source.weights);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const a = artifacts!;
  const weightData = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: keepDepthMultipliers(a.modelTopology as ModelSpec, source.spec),
    format: 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: 'Layerlab export',
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
  };
  if (a.trainingConfig) modelJson.trainingConfig = a.trainingConfig;
  return { modelJson, weightData };
}

/** tfjs' SeparableConv2D.getConfig() drops depth_multiplier (see spec-repair.ts); its loader does read it. */
function keepDepthMultipliers(saved: ModelSpec, spec: ModelSpec): ModelSpec {
  const wanted = new Map(spec.config.layers.filter((l) => l.class_name === 'SeparableConv2D').map((l) => [String(l.config.name), l.config.depth_multiplier]));
  for (const layer of saved.config.layers) {
    const dm = wanted.get(String(layer.config.name));
    if (layer.class_name === 'SeparableConv2D' && dm !== undefined) layer.config.depth_multiplier = dm;
  }
  return saved;
}

export async function exportTfjs(source: ExportSource, outDir: string): Promise<FormatResult> {
  const { modelJson, weightData } = await tfjsArtifacts(source);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(outDir, TFJS_WEIGHTS_FILE), new Uint8Array(weightData));
  const gaps = stockTfjsGaps(modelJson.modelTopology as ModelSpec);
  if (gaps.length) await writeFile(join(outDir, TFJS_LAYERS_FILE), TFJS_LAYERS_JS);
  const text = await textFiles(source, outDir, gaps.length > 0);
  await writeFile(join(outDir, 'README.md'), readme(String(source.spec.config.name ?? 'model')) + text.readme + (gaps.length ? TFJS_LAYERS_README : ''));
  const notes = [...(source.weights ? [] : ['no weights given: the files hold freshly initialised weights.']), ...(gaps.length ? [stockTfjsNote(gaps)] : []), ...text.notes];
  return { format: 'tfjs', outDir, files: ['model.json', TFJS_WEIGHTS_FILE, ...(gaps.length ? [TFJS_LAYERS_FILE] : []), ...text.files, 'README.md'], notes };
}

/** A run on text: its vocabulary, the encoder and the predict example (text-vocabulary.ts, tfjs-text-files.ts). */
async function textFiles(source: ExportSource, outDir: string, shim: boolean): Promise<{ files: string[]; readme: string; notes: string[] }> {
  let vocabulary;
  try {
    vocabulary = await textVocabulary(source.training, source.datasets);
  } catch (err) {
    // The model is still worth having: say what is missing and how to get it.
    const why = err instanceof Error ? err.message : String(err);
    return { files: [], readme: '', notes: [`no ${VOCABULARY_FILE}: the run's word index could not be read (${why}); fetch the dataset (layerlab datasets fetch ${source.training?.dataset.name ?? ''}) and export again.`] };
  }
  if (!vocabulary) return { files: [], readme: '', notes: [] };
  await writeFile(join(outDir, VOCABULARY_FILE), JSON.stringify(vocabulary));
  await writeFile(join(outDir, TEXT_ENCODER_FILE), TEXT_ENCODER_JS);
  await writeFile(join(outDir, PREDICT_FILE), predictJs(shim));
  return { files: [VOCABULARY_FILE, TEXT_ENCODER_FILE, PREDICT_FILE], readme: textReadmeSection(vocabulary), notes: [`${VOCABULARY_FILE}: ${vocabulary.words.length} word ids; ${PREDICT_FILE} classifies sentences with it.`] };
}

function readme(name: string): string {
  return `# ${name} (TF.js export from Layerlab)

\`model.json\` (topology + weights manifest) and \`${TFJS_WEIGHTS_FILE}\` (float32 weights) in the TF.js layers
format. Keep the two files together and serve them over HTTP from one folder.

## In a web page
\`\`\`sh
npx http-server . --cors -p 8080          # or: python3 -m http.server 8080
\`\`\`
\`\`\`js
import * as tf from '@tensorflow/tfjs';
const model = await tf.loadLayersModel('http://localhost:8080/model.json');
const probabilities = model.predict(tf.zeros([1, ...model.inputs[0].shape.slice(1)]));
\`\`\`

## In Node.js
\`\`\`js
import * as tf from '@tensorflow/tfjs-node';   // or @tensorflow/tfjs with a file:// IOHandler
const model = await tf.loadLayersModel('file://' + process.cwd() + '/model.json');
\`\`\`

## In Python (TensorFlow)
\`pip install tensorflowjs\`, then \`tensorflowjs_converter --input_format=tfjs_layers_model
--output_format=keras model.json model.h5\`.
`;
}
