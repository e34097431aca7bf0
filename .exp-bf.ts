import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './main/engine/backend';
await selectBackend({ force: 'wasm' });
function time(name: string, f: () => tf.Tensor, n = 6) { for (let i = 0; i < 2; i++) tf.dispose(f()); let best = 1e9; for (let i = 0; i < n; i++) { const t = process.cpuUsage(); const r = f(); r.dataSync(); tf.dispose(r); const u = process.cpuUsage(t); best = Math.min(best, (u.user + u.system) / 1000); } console.log(name, best.toFixed(2), "ms cpu"); }
const B = 32;
const x1 = tf.randomNormal([B, 28, 28, 1]), x2 = tf.randomNormal([B, 26, 26, 32]);
const dy1 = tf.randomNormal([B, 26, 26, 32]), dy2 = tf.randomNormal([B, 24, 24, 64]);
const bf = (x: tf.Tensor, dy: tf.Tensor, fs: number[]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: fs }) as tf.Tensor;
time('bf1 fresh dy', () => tf.tidy(() => bf(x1, dy1.add(0), [3, 3, 1, 32])));
time('bf2 fresh dy', () => tf.tidy(() => bf(x2, dy2.add(0), [3, 3, 32, 64])));
time('add', () => dy2.add(0));
