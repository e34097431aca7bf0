/** `--format pytorch`: model.py, weights.npz (converted Keras weights), train.py (DDP via torchrun), README.md. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportGraph } from '../model';
import { encodeNpz } from '../npy';
import { defaultExportTraining, type FormatResult, type ExportSource } from '../types';
import { generateTorchModel } from './model-code';
import { generateTorchTrain } from './train-code';
import { torchStateDict } from './weights';

export async function exportPytorch(source: ExportSource, outDir: string): Promise<FormatResult> {
  const ir = exportGraph(source.spec);
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
  if (Object.values(training.augmentation).some((v) => v)) notes.push('data augmentation is not reproduced by train.py; add it to the DataLoader if you need it.');
  files.push(['README.md', readme(ir.name, training.dataset.name)]);
  for (const [name, content] of files) await writeFile(join(outDir, name), content);
  return { format: 'pytorch', outDir, files: files.map(([n]) => n), notes };
}

function readme(name: string, dataset: string): string {
  return `# ${name} (PyTorch export from Layerlab)

- \`model.py\`: \`build_model()\` returns the \`nn.Module\`, with \`weights.npz\` (the Keras weights, converted to
  PyTorch layouts) loaded when present. Inputs and outputs are channels-last, as in Keras: \`(batch, H, W, C)\`.
- \`train.py\`: trains with the same optimizer, loss, batch size and epochs on ${dataset}
  (downloaded into \`data/\` unless the standard files are already there).

\`\`\`sh
python train.py                                  # one process
torchrun --nproc_per_node=4 train.py             # 4 GPUs (NCCL) or 4 CPU processes (gloo)
torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py   # 2 nodes
\`\`\`

torch 1.13 with Python 3.11 (e.g. Debian's python3-torch) crashes in torchrun's own argument handling
(\`'NoneType' object has no attribute 'get'\`); add \`--redirects 1:2 --tee 1:2\` to the torchrun command line.

Checkpoints: \`checkpoints/last.pt\` each epoch (\`--resume\` continues), \`checkpoints/final.pt\` at the end.
TensorBoard: \`tensorboard --logdir logs\` (needs \`pip install tensorboard\`).
`;
}
