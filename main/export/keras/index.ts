/**
 * `--format keras`: model.py (explicit layers), weights.npz, train.py, model_config.json (the Keras JSON, for
 * model_from_json), reference.npz (inputs and the tfjs outputs, for tools/check_keras_export.py), README.md and,
 * with slurm, job.sbatch.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportGraph, layerNamed } from '../model';
import { kerasWeightList, weightsByLayer } from '../layer-weights';
import { encodeNpz, type NpyArray } from '../npy';
import { defaultExportTraining, type DistributionStrategy, type FormatResult, type ExportSource } from '../types';
import { generateKerasModel } from './model-code';
import { generateKerasTrain, generateSlurmJob } from './train-code';

export async function exportKeras(source: ExportSource, outDir: string, strategy: DistributionStrategy = 'none', slurm = false): Promise<FormatResult> {
  const ir = exportGraph(source.spec, source.groups);
  const training = source.training ?? defaultExportTraining();
  const notes: string[] = [];
  const files: [string, string | Uint8Array][] = [
    ['model.py', generateKerasModel(ir)],
    ['train.py', generateKerasTrain(ir, training, slurm && strategy === 'none' ? 'multiworker' : strategy)],
    ['model_config.json', JSON.stringify(source.spec, null, 1)],
  ];
  if (source.weights) {
    const arrays: Record<string, NpyArray> = {};
    for (const [layer, w] of weightsByLayer(ir, source.weights)) {
      kerasWeightList(layerNamed(ir, layer), w).forEach((a, i) => { arrays[`${layer}/${i}`] = a; });
    }
    files.push(['weights.npz', encodeNpz(arrays)]);
  } else {
    notes.push('no weights given: build_model() starts from Keras\' own initial weights.');
  }
  const reference = await referenceOutputs(source).catch((err: Error) => {
    notes.push(`no reference.npz: ${err.message}`);
    return undefined;
  });
  if (reference) files.push(['reference.npz', reference]);
  if (ir.layers.some((l) => l.className === 'UpSampling2D' && l.config.interpolation === 'bilinear')) {
    notes.push("bilinear UpSampling2D: TensorFlow 2 interpolates with half-pixel centres, TF.js (Layerlab) without, so outputs differ slightly there; the PyTorch export follows TF.js.");
  }
  if (slurm) files.push(['job.sbatch', generateSlurmJob(ir.name)]);
  files.push(['README.md', readme(ir.name, slurm)]);
  await mkdir(outDir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(outDir, name), content);
  return { format: 'keras', outDir, files: files.map(([n]) => n), notes };
}

/** Seeded inputs and what tfjs computes from them with the exported weights: the check script's ground truth. */
async function referenceOutputs(source: ExportSource): Promise<Uint8Array | undefined> {
  if (!source.weights) return undefined;
  const tf = await import('@tensorflow/tfjs');
  const { buildTfjsModel } = await import('../tfjs-model');
  const model = await buildTfjsModel(source.spec, source.weights);
  const arrays: Record<string, NpyArray> = {};
  const inputs = model.inputs.map((input, i) => {
    const shape = [8, ...(input.shape.slice(1) as number[])];
    const x = tf.randomUniform(shape, 0, 1, 'float32', 1234 + i);
    arrays[`input_${i}`] = { shape, data: x.dataSync() as Float32Array };
    return x;
  });
  const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  (Array.isArray(out) ? out : [out]).forEach((y, i) => { arrays[`output_${i}`] = { shape: y.shape, data: y.dataSync() as Float32Array }; });
  tf.dispose([...inputs, ...(Array.isArray(out) ? out : [out])]);
  model.dispose();
  return encodeNpz(arrays);
}

function readme(name: string, slurm: boolean): string {
  return `# ${name} (Keras / TensorFlow 2 export from Layerlab)

- \`model.py\`: \`build_model()\` builds the model layer by layer and loads \`weights.npz\` when present.
- \`train.py\`: the same dataset (tf.keras.datasets), preprocessing, optimizer, loss, metrics, batch size, epochs and
  callbacks; TensorBoard logs in \`logs/\` (\`tensorboard --logdir logs\`).
- \`model_config.json\`: the same model as Keras JSON (\`keras.models.model_from_json\`).
- \`reference.npz\`: inputs and the outputs Layerlab (tfjs) computed; check with
  \`python tools/check_keras_export.py <this folder>\` from the Layerlab repository.

\`\`\`sh
python train.py                        # one device
python train.py --strategy mirrored    # all GPUs of this machine
${slurm ? 'sbatch job.sbatch                      # several nodes (MultiWorkerMirroredStrategy), see job.sbatch\n' : ''}\`\`\`
`;
}
