/**
 * Every layer kind of the catalog trains on wasm (no "not registered" kernels), and its whole-model gradients on
 * wasm equal those on cpu. Models come from the catalog itself (shared/layers + shared/graph compileGraph).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { layerKinds } from '../../../shared/layers/registry';
import { buildModel } from '../../../main/engine/model';
import { compileModel } from '../../support/compile-model';
import { initWasmAndCpu, relError } from './backend-compare';
import { cpuIsWrong, gradients, inputFor, randomLayers, specFor, variants, yOneHot } from './layer-models';

beforeAll(initWasmAndCpu);

describe('every catalog layer kind on wasm', () => {
  it('covers the whole catalog', () => {
    const tested = new Set(variants.map((v) => v[1]));
    expect(layerKinds.filter((k) => !tested.has(k.className)).map((k) => k.className)).toEqual([]);
  });

  it.each(variants)('%s trains one step on wasm', async (title, kind, config) => {
    await tf.setBackend('wasm');
    const model = await buildModel(specFor(title, kind, config), { seed: 3 });
    compileModel(model, { optimizer: { name: 'sgd', learning_rate: 0.1 } });
    const before = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    const h = await model.fit(inputFor(kind), tf.tensor(yOneHot, [4, 3]), { epochs: 1, batchSize: 4, verbose: 0 });
    const loss = h.history.loss?.[0] as number;
    expect(Number.isFinite(loss)).toBe(true);
    const after = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const changed = after.filter((w, i) => relError(w, before[i]!) > 0).length;
    expect(changed).toBeGreaterThan(0);
    model.dispose();
  });

  it.each(variants.filter(([title, kind]) => !randomLayers.has(kind) && !randomLayers.has(title) && !cpuIsWrong.has(kind)))('%s: whole-model gradients on wasm equal cpu', async (title, kind, config) => {
    const spec = specFor(title, kind, config);
    const got = await gradients('wasm', spec, kind);
    const want = await gradients('cpu', spec, kind);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, g] of want) expect(relError(got.get(name)!, g), name).toBeLessThan(1e-4);
  });
});
