/**
 * Keras export (TensorFlow is not installable here): the generated model.py is read with Python's ast and checked
 * layer by layer against the Keras JSON: class, name, inputs, every hyperparameter (an explicit argument or Keras'
 * documented default); weights.npz holds each layer's get_weights() arrays in order; everything py_compiles.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { exportGraph, type ExportLayer } from '../../../main/export/model';
import { decodeNpz } from '../../../main/export/npy';
import { repairSpec } from '../../../main/export/spec-repair';
import { namedWeights } from '../../../main/export/tfjs-model';
import type { ModelSpec } from '../../../shared/graph/types';
import { TrainingConfigSchema } from '../../../shared/training';
import { randomizeWeights, REPO, runPython, torchMissing } from './helpers';
import { randomModel } from './random-models';
import { cnnBatchNorm, mixedConvNet, mlp, mnistCnn, residual } from './workshop-models';

// python3 with numpy is what the ast reader needs; torchMissing also checks numpy.
const missing = torchMissing();

/** Keras' own signatures: positional parameter order and defaults, per layer class (from the Keras docs). */
const SIGNATURES: Record<string, { positional: string[]; defaults: Record<string, unknown> }> = {
  Dense: { positional: ['units', 'activation', 'use_bias'], defaults: { activation: 'linear', use_bias: true } },
  Conv2D: { positional: ['filters', 'kernel_size', 'strides', 'padding'], defaults: { strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], activation: 'linear', use_bias: true } },
  SeparableConv2D: { positional: ['filters', 'kernel_size', 'strides', 'padding'], defaults: { strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], depth_multiplier: 1, activation: 'linear', use_bias: true } },
  Conv2DTranspose: { positional: ['filters', 'kernel_size', 'strides', 'padding'], defaults: { strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], activation: 'linear', use_bias: true } },
  DepthwiseConv2D: { positional: ['kernel_size', 'strides', 'padding', 'depth_multiplier'], defaults: { strides: [1, 1], padding: 'valid', depth_multiplier: 1, dilation_rate: [1, 1], activation: 'linear', use_bias: true } },
  MaxPooling2D: { positional: ['pool_size', 'strides', 'padding'], defaults: { pool_size: [2, 2], padding: 'valid' } },
  AveragePooling2D: { positional: ['pool_size', 'strides', 'padding'], defaults: { pool_size: [2, 2], padding: 'valid' } },
  Dropout: { positional: ['rate'], defaults: {} },
  Reshape: { positional: ['target_shape'], defaults: {} },
  ZeroPadding2D: { positional: ['padding'], defaults: { padding: [1, 1] } },
  Cropping2D: { positional: ['cropping'], defaults: {} },
  UpSampling2D: { positional: ['size'], defaults: { size: [2, 2], interpolation: 'nearest' } },
  Concatenate: { positional: ['axis'], defaults: { axis: -1 } },
  BatchNormalization: { positional: ['axis', 'momentum', 'epsilon', 'center', 'scale'], defaults: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
  LayerNormalization: { positional: ['axis', 'epsilon', 'center', 'scale'], defaults: { axis: -1, epsilon: 0.001, center: true, scale: true } },
  Activation: { positional: ['activation'], defaults: {} },
  LeakyReLU: { positional: ['alpha'], defaults: { alpha: 0.3 } },
  ReLU: { positional: ['max_value', 'negative_slope', 'threshold'], defaults: { max_value: null, negative_slope: 0, threshold: 0 } },
};

function canon(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(canon);
  return v;
}

/** The value the code passes for `key` (argument or Keras default), in the JSON's form for comparison. */
function codeValue(call: PyLayer, key: string): unknown {
  const sig = SIGNATURES[call.cls];
  const i = sig.positional.indexOf(key);
  if (key in call.kwargs) return call.kwargs[key];
  if (i >= 0 && i < call.args.length) return call.args[i];
  return sig.defaults[key];
}

function specValue(l: ExportLayer, key: string): unknown {
  const v = (l.config as Record<string, unknown>)[key];
  if (key === 'strides' && (l.className === 'MaxPooling2D' || l.className === 'AveragePooling2D') && (v === null || JSON.stringify(v) === JSON.stringify(l.config.pool_size))) return undefined;
  return v;
}

function same(a: unknown, b: unknown): boolean {
  const norm = (x: unknown): string => JSON.stringify(typeof x === 'number' ? x : Array.isArray(x) && x.length === 2 && x[0] === x[1] && typeof x[0] === 'number' ? x[0] : canon(x));
  return norm(a) === norm(b);
}

interface PyLayer { var: string | null; cls: string; args: unknown[]; kwargs: Record<string, unknown>; inputs: string[] }
interface PyModel { layers: PyLayer[]; model: { kind: string; inputs: string[]; outputs: string[]; name: string } }

const models: [string, () => tf.LayersModel][] = [
  ['mlp', mlp], ['mnist_cnn', mnistCnn], ['cnn_bn', cnnBatchNorm], ['residual', residual], ['mixed_conv', mixedConvNet],
  ...Array.from({ length: 10 }, (_, i) => [`random_${i + 1}`, () => randomModel(i + 1)] as [string, () => tf.LayersModel]),
];

describe.skipIf(missing !== null)('Keras export: model.py matches the model layer by layer', () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlab-keras-'));
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(models)('%s', async (name, build) => {
    const model = build();
    randomizeWeights(model, 11);
    const spec = JSON.parse(JSON.stringify(model.toJSON(null, false))) as ModelSpec;
    const dir = join(root, name);
    const result = await exportModel({ spec, weights: namedWeights(model) }, { format: 'keras', outDir: dir, strategy: 'mirrored' });
    expect(result.files).toEqual(['model.py', 'train.py', 'model_config.json', 'weights.npz', 'reference.npz', 'README.md']);
    runPython(['-m', 'py_compile', join(dir, 'model.py'), join(dir, 'train.py')]);
    const py = JSON.parse(runPython([join(REPO, 'test/integration/export/keras_structure.py'), join(dir, 'model.py')]).stdout) as PyModel;
    // What the export read: tfjs' own JSON leaves SeparableConv2D's depth_multiplier out; repairSpec restores it.
    const ir = exportGraph(repairSpec({ spec, weights: namedWeights(model) }).spec);
    expect(py.layers.map((l) => l.cls)).toEqual(ir.layers.map((l) => l.className));
    const varToLayer = new Map(py.layers.map((l, i) => [l.var, ir.layers[i]!.name]));
    for (const [i, l] of ir.layers.entries()) {
      const call = py.layers[i];
      expect(call.kwargs.name, `layer ${i}`).toBe(l.name);
      if (l.className === 'InputLayer') {
        expect(call.kwargs.shape).toEqual(l.outputShape.slice(1));
        continue;
      }
      if (py.model.kind === 'Model') expect(call.inputs.map((v) => varToLayer.get(v))).toEqual(l.inputs);
      const sig = SIGNATURES[l.className];
      if (!sig) continue; // merges, flatten, global pooling: no hyperparameters beyond the name
      for (const key of new Set([...sig.positional, ...Object.keys(sig.defaults)])) {
        const want = specValue(l, key);
        if (want === undefined) continue;
        expect(same(codeValue(call, key), want), `${l.name}.${key}: code ${JSON.stringify(codeValue(call, key))}, spec ${JSON.stringify(want)}`).toBe(true);
      }
    }
    if (py.model.kind === 'Model') {
      expect(py.model.outputs.map((v) => varToLayer.get(v))).toEqual(ir.outputs);
      expect(py.model.inputs.map((v) => varToLayer.get(v))).toEqual(ir.inputs);
    } else {
      expect(spec.class_name).toBe('Sequential');
    }
    // weights.npz: '<layer>/<i>' in get_weights() order, the tfjs (= Keras) layout unchanged.
    const npz = decodeNpz(readFileSync(join(dir, 'weights.npz')));
    for (const layer of model.layers) {
      layer.getWeights().forEach((w, i) => {
        const a = npz[`${layer.name}/${i}`];
        expect(a?.shape, `${layer.name}/${i}`).toEqual(w.shape);
        expect(Array.from(a.data.subarray(0, 5))).toEqual(Array.from((w.dataSync() as Float32Array).subarray(0, 5)));
      });
    }
    const train = readFileSync(join(dir, 'train.py'), 'utf8');
    expect(train).toMatch(/^STRATEGY = 'mirrored'$/m);
    expect(train).toMatch(/data = prepare_data\(args\.dataset, args\.data_dir/);
    expect(train).toMatch(/'fashion-mnist': \{/); // the whole catalog, by id
    expect(train).toMatch(/JsonLines\(\)/);
    expect(train).toMatch(/keras\.callbacks\.TensorBoard/);
    expect(train).toMatch(/with strategy\.scope\(\):\n\s+model = build_model\(\)/);
    model.dispose();
  });

  it('train.py carries the whole training document over: CONFIG equals it, the optimizer is spelled out', async () => {
    const training = TrainingConfigSchema.parse({
      optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0.9, nesterov: true }, loss: 'categorical_crossentropy',
      batch_size: 64, epochs: 7, validation: { kind: 'split', fraction: 0.2 }, lr_schedule: { kind: 'step', step_size: 2, gamma: 0.5 },
      early_stopping: { monitor: 'val_acc', patience: 2, restore_best_weights: true }, class_weight: { '0': 1, '1': 2.5 },
    });
    for (const format of ['keras', 'pytorch'] as const) {
      const dir = join(root, `training-${format}`);
      await exportModel({ spec: JSON.parse(JSON.stringify(mlp().toJSON(null, false))), training }, { format, outDir: dir });
      const config = runPython(['-c', `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
node = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == 'CONFIG')
print(json.dumps(ast.literal_eval(node.value)))
`, join(dir, 'train.py')]).stdout;
      const { telemetry: _t, ...expected } = training;
      expect(JSON.parse(config), format).toEqual(JSON.parse(JSON.stringify(expected)));
    }
    const train = readFileSync(join(root, 'training-keras', 'train.py'), 'utf8');
    expect(train).toContain('keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)');
    expect(train).toMatch(/keras\.callbacks\.EarlyStopping\(\s*monitor=keras_name\(stopping\['monitor'\]\)/);
    expect(train).toMatch(/keras\.callbacks\.LearningRateScheduler/);
  });

  it('tools/check_keras_export.py compiles', () => {
    runPython(['-m', 'py_compile', join(REPO, 'tools/check_keras_export.py')]);
  });
});
