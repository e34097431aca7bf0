/** `--format pytorch`: model.py, weights.npz (converted Keras weights), train.py (DDP via torchrun), README.md. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportGraph } from '../model';
import { catalog, findCatalogEntry } from '../../datasets/catalog';
import { encodeNpz } from '../npy';
import { defaultExportTraining, type FormatResult, type ExportSource } from '../types';
import { generateTorchModel } from './model-code';
import { generateTorchTrain } from './train-code';
import { torchStateDict } from './weights';

export async function exportPytorch(source: ExportSource, outDir: string): Promise<FormatResult> {
  const ir = exportGraph(source.spec, source.groups);
  const training = source.training ?? defaultExportTraining();
  const notes: string[] = [];
  await mkdir(outDir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ['model.py', generateTorchModel(ir)],
    ['train.py', generateTorchTrain(ir, training)],
  ];
  if (source.weights) files.push(['weights.npz', encodeNpz(torchStateDict(ir, source.weights))]);
  else notes.push('no weights given: build_model() starts from Keras-style initial weights (glorot_uniform, zero biases).');
  if (!source.training) notes.push(`no training settings given: train.py uses Layerlab's defaults (${training.optimizer.name}, lr ${training.optimizer.learning_rate}, ${training.loss}, batch ${training.batch_size}, ${training.epochs} epochs, ${training.dataset.name}).`);
  if (!findCatalogEntry(training.dataset.name)) notes.push(`dataset '${training.dataset.name}' is not in Layerlab's catalog: train.py reads catalog datasets only (${catalog.map((e) => e.name).join(', ')}); pass --dataset.`);
  files.push(['README.md', readme(ir.name, training.dataset.name)]);
  for (const [name, content] of files) await writeFile(join(outDir, name), content);
  return { format: 'pytorch', outDir, files: files.map(([n]) => n), notes };
}

function readme(name: string, dataset: string): string {
  return `# ${name} (PyTorch export from Layerlab)

- \`model.py\`: \`build_model()\` returns the \`nn.Module\`, with \`weights.npz\` (the Keras weights, converted to
  PyTorch layouts) loaded when present. Inputs and outputs are channels-last, as in Keras: \`(batch, H, W, C)\`.
- \`train.py\`: the same experiment as in Layerlab on ${dataset}: data (limits, validation split, normalisation,
  augmentation), loss and metrics, class weights, optimizer, learning-rate schedule and early stopping. One JSON line
  per epoch on stdout, with the keys of \`layerlab train --json\`; progress on stderr.

\`\`\`sh
python train.py --data-dir DIR --offline         # DIR: a Layerlab dataset mirror (DIR/${dataset}/...) or the files
python train.py --fresh                          # start from fresh weights instead of weights.npz
python train.py --nproc-per-node 2               # 2 DDP processes on this machine (CPU: gloo, GPUs: NCCL)
torchrun --nproc_per_node=4 train.py             # the same with torchrun
torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py   # 2 nodes
\`\`\`

Without \`--data-dir\` the files are downloaded into \`data/\` from the dataset's official hosts.
torch 1.13's \`torchrun\` command crashes on Python 3.11 before it starts any worker (\`'NoneType' object has no
attribute 'get'\`: its default \`--redirects 0\` parses to None). \`python train.py --nproc-per-node N\` starts the
workers through the same elastic launcher without that parsing; with torchrun itself, add \`--redirects 1:2 --tee 1:2\`
or use torch >= 2.0.

Checkpoints: \`checkpoints/last.pt\` each epoch (\`--resume\` continues), \`checkpoints/final.pt\` at the end.
TensorBoard: \`tensorboard --logdir logs\` (needs \`pip install tensorboard\`).
`;
}
