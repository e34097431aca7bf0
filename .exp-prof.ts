import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { selectBackend } from './main/engine/backend';
import { buildModel, compileModel, specFromJson } from './main/engine/model';
await selectBackend({ force: 'wasm' });
const m = await buildModel(specFromJson(JSON.parse(readFileSync('test/integration/engine/fixtures/workshop-cnn.json', 'utf8'))), { seed: 1 });
compileModel(m, { optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 } });
const B = 32; const x = tf.randomUniform([B, 28, 28, 1]); const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10).toFloat();
for (let i = 0; i < 3; i++) await m.trainOnBatch(x, y);
const best = new Map<string, number>();
for (let r = 0; r < 4; r++) {
  const prof = await tf.profile(async () => { await m.trainOnBatch(x, y); });
  const agg = new Map<string, number>();
  for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  for (const [k, v] of agg) best.set(k, Math.min(best.get(k) ?? 1e9, v));
}
let tot = 0; for (const v of best.values()) tot += v;
console.log('total', tot.toFixed(1)); console.log([...best.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('\n'));
const c0 = process.cpuUsage(); for (let i = 0; i < 5; i++) await m.trainOnBatch(x, y); const c = process.cpuUsage(c0); console.log('cpu ms/step', ((c.user + c.system) / 5000).toFixed(1));
