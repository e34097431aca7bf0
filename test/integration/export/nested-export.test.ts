/**
 * A project with a frozen backbone exports as such (issue 17): Keras model.py builds the backbone as its own
 * keras.Model, frozen with trainable = False, called as one layer of the outer model; PyTorch model.py holds it as a
 * frozen submodule (model.backbone), and a real training step in torch leaves it as it was while the head learns.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exportModel, loadExportSource } from '../../../main/export';
import { importModelFile } from '../../../main/projects/import';
import { saveProjectAs } from '../../../main/projects/service';
import { setGroupTrainable } from '../../../shared/graph/groups';
import { REPO, runPython, torchMissing } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-nested-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = torchMissing();

async function frozenProject(): Promise<string> {
  const doc = await importModelFile(join(REPO, 'test/fixtures/nested/tfjs-sequential-backbone.json'));
  doc.project.graph = setGroupTrainable(doc.project.graph, 'backbone', false);
  const path = join(dir, 'transfer.layerlab');
  await saveProjectAs(doc, path);
  return path;
}

it('Keras: the backbone is a nested keras.Model, frozen, called once in the outer model', async () => {
  const source = await loadExportSource(await frozenProject(), 'none');
  const out = join(dir, 'keras');
  await exportModel(source, { format: 'keras', outDir: out });
  const code = readFileSync(join(out, 'model.py'), 'utf8');
  expect(code).toContain("backbone_input_0 = keras.Input(shape=(28, 28, 1), name='backbone_input_0')");
  expect(code).toContain("conv1 = layers.Conv2D(8, (3, 3), padding='same', activation='relu', kernel_initializer='glorot_normal', name='conv1')(backbone_input_0)");
  expect(code).toContain("backbone_model = keras.Model(inputs=backbone_input_0, outputs=gap, name='backbone')\n    backbone_model.trainable = False");
  expect(code).toContain('backbone_out = backbone_model(backbone_input)');
  expect(code).toContain("dense = layers.Dense(16, activation='relu', kernel_initializer='glorot_normal', name='dense')(backbone_out)");
  // Weights of nested layers load by name through every level.
  expect(code).toContain('for layer in all_layers(model):');
  runPython(['-m', 'py_compile', join(out, 'model.py'), join(out, 'train.py')]);
});

it.skipIf(missing)('PyTorch: the backbone is a frozen submodule; a training step in torch changes only the head', async () => {
  const source = await loadExportSource(await frozenProject(), 'none');
  const out = join(dir, 'torch');
  await exportModel(source, { format: 'pytorch', outDir: out });
  writeFileSync(
    join(out, 'check.py'),
    `import json, torch
from model import build_model, count_params
torch.manual_seed(0)
model = build_model()
before = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.5)
x = torch.rand(8, 28, 28, 1)
loss = torch.nn.functional.nll_loss(torch.log(model(x) + 1e-7), torch.arange(8) % 10)
loss.backward()
optimizer.step()
changed = sorted(k for k, v in model.state_dict().items() if not torch.equal(v, before[k]))
frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
print(json.dumps({'total': count_params(model), 'frozen': frozen, 'changed': changed, 'backbone': sorted(model.backbone.state_dict())}))
`,
  );
  const result = JSON.parse(runPython(['check.py'], out).stdout.trim().split('\n').pop()!);
  // The backbone is the model's nn.Module attribute, holding its layers.
  expect(result).toEqual({
    total: 978,
    frozen: 664,
    changed: ['dense.bias', 'dense.weight', 'dense_1.bias', 'dense_1.weight'],
    backbone: ['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight'],
  });
});
