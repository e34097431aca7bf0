/**
 * A project with a frozen backbone exports as such (issue 17): Keras model.py builds the backbone as its own
 * keras.Model, frozen with trainable = False, called as one layer of the outer model; PyTorch model.py holds it as a
 * frozen submodule (model.backbone), and a real training step in torch leaves it as it was while the head learns.
 * A TF.js model.json with a nested model and its weights keeps them: `new --from` then the PyTorch export computes
 * what tfjs computes.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exportModel, loadExportSource } from '../../../main/export';
import { importModelFile } from '../../../main/projects/import';
import { saveProjectAs } from '../../../main/projects/service';
import { compileGraph, importModelJson } from '../../../shared/graph';
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
  // model_config.json holds the nested model too (for model_from_json), frozen.
  const config = JSON.parse(readFileSync(join(out, 'model_config.json'), 'utf8'));
  expect(config.config.layers.map((l: { class_name: string; name: string }) => `${l.class_name}:${l.name}`)).toEqual(['InputLayer:backbone_input', 'Functional:backbone', 'Dense:dense', 'Dense:dense_1']);
  expect(config.config.layers[1].config.trainable).toBe(false);
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

it.skipIf(missing)('a TF.js transfer model with its weights: imported, exported to PyTorch, the same outputs as tfjs', async () => {
  const file = JSON.parse(readFileSync(join(REPO, 'test/fixtures/nested/tfjs-sequential-backbone.json'), 'utf8'));
  const model = await tf.models.modelFromJSON({ modelTopology: file.modelTopology });
  const folder = join(dir, 'tfjs');
  mkdirSync(folder);
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      writeFileSync(join(folder, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
  const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
  writeFileSync(join(folder, 'x.json'), JSON.stringify(Array.from(x.dataSync())));
  const doc = await importModelFile(join(folder, 'model.json'));
  expect(doc.runs.map((r) => r.meta.id)).toEqual(['imported']);
  const path = join(folder, 'p.layerlab');
  await saveProjectAs(doc, path);
  const out = join(folder, 'torch');
  await exportModel(await loadExportSource(path, 'imported'), { format: 'pytorch', outDir: out });
  const script = "import json, torch\nfrom model import build_model\nm = build_model().eval()\nx = torch.tensor(json.load(open('../x.json'))).reshape(2, 28, 28, 1)\nprint(json.dumps(m(x).detach().reshape(-1).tolist()))";
  const got = JSON.parse(runPython(['-c', script], out).stdout.trim().split('\n').pop()!) as number[];
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
});

it('the Keras config with the nested model: read back to the same groups, built by tfjs with the same counts', async () => {
  const file = JSON.parse(readFileSync(join(REPO, 'test/fixtures/nested/tfjs-functional-block.json'), 'utf8'));
  const graph = setGroupTrainable(importModelJson(file), 'block', false);
  const spec = compileGraph(graph, { nested: true, name: 'outer' });
  const block = spec.config.layers.find((l) => l.name === 'block')!;
  expect(block.class_name).toBe('Sequential');
  expect(block.config['trainable']).toBe(false);
  expect(spec.config.layers.find((l) => l.name === 'cat')!.inbound_nodes).toEqual([[['dense', 0, 0, {}], ['block', 1, 0, {}]]]);
  const back = importModelJson(spec);
  const shape = (g: typeof graph) => ({ nodes: g.nodes.map((n) => [n.name, n.kind, n.group ?? null]), edges: g.edges.map((e) => `${e.source}>${e.target}:${e.targetIndex ?? 0}`).sort() });
  expect(shape(back)).toEqual(shape(graph));
  const model = await tf.models.modelFromJSON({ modelTopology: spec as never });
  expect(model.countParams()).toBe(file.counts.total);
  // The Functional backbone (with its residual Add) inside a Sequential: the same, as a Functional nested model.
  const other = JSON.parse(readFileSync(join(REPO, 'test/fixtures/nested/tfjs-sequential-backbone.json'), 'utf8'));
  const backbone = importModelJson(other);
  const otherSpec = compileGraph(backbone, { nested: true });
  expect(otherSpec.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Functional', 'Dense', 'Dense']);
  expect(shape(importModelJson(otherSpec))).toEqual(shape(backbone));
  const built = await tf.models.modelFromJSON({ modelTopology: otherSpec as never });
  expect(built.countParams()).toBe(other.counts.total);
  built.dispose();
  expect(model.layers.map((l) => l.name)).toContain('block');
  // The block's layers are built frozen: only the outer Dense layers train.
  expect(model.trainableWeights.map((w) => w.originalName).sort()).toEqual(['dense/bias', 'dense/kernel', 'out/bias', 'out/kernel']);
  model.dispose();
});
