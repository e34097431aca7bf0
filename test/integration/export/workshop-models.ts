/** The workshop's models, built with real tfjs layers (what Layerlab's example projects hold). */
import * as tf from '@tensorflow/tfjs';

export function mlp(): tf.LayersModel {
  const m = tf.sequential({ name: 'mlp' });
  m.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', name: 'dense_1' }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu', name: 'dense_2' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'dense_3' }));
  return m;
}

/** keras/examples mnist_cnn.py. */
export function mnistCnn(): tf.LayersModel {
  const m = tf.sequential({ name: 'mnist_cnn' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2d_1' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv2d_2' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d_1' }));
  m.add(tf.layers.dropout({ rate: 0.25, name: 'dropout_1' }));
  m.add(tf.layers.flatten({ name: 'flatten_1' }));
  m.add(tf.layers.dense({ units: 128, activation: 'relu', name: 'dense_1' }));
  m.add(tf.layers.dropout({ rate: 0.5, name: 'dropout_2' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'dense_2' }));
  return m;
}

export function cnnBatchNorm(): tf.LayersModel {
  const m = tf.sequential({ name: 'cnn_bn' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, useBias: false, name: 'conv_a' }));
  m.add(tf.layers.batchNormalization({ name: 'bn_a', momentum: 0.9, epsilon: 1e-3 }));
  m.add(tf.layers.activation({ activation: 'relu', name: 'relu_a' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_a' }));
  m.add(tf.layers.conv2d({ filters: 24, kernelSize: 3, padding: 'same', name: 'conv_b' }));
  m.add(tf.layers.batchNormalization({ name: 'bn_b', center: false }));
  m.add(tf.layers.reLU({ name: 'relu_b' }));
  m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tf.layers.dense({ units: 32, name: 'fc' }));
  m.add(tf.layers.batchNormalization({ name: 'bn_fc', scale: false }));
  m.add(tf.layers.leakyReLU({ alpha: 0.1, name: 'leaky' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' }));
  return m;
}

export function residual(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  const stem = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block_conv1' }).apply(stem) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', name: 'block_conv2' }).apply(a) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'skip_add' }).apply([b, stem]) as tf.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'relu', name: 'block_relu' }).apply(add) as tf.SymbolicTensor;
  const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(act) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(pool) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: 'softmax', name: 'logits' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'residual' });
}

/** Every awkward convention at once, on 32x32x3 (CIFAR) inputs. */
export function mixedConvNet(): tf.LayersModel {
  const L = tf.layers;
  const ap = <T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(layer: tf.layers.Layer, x: T): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  const input = tf.input({ shape: [32, 32, 3], name: 'rgb' });
  const sep = ap(L.separableConv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'swish', name: 'sep' }), input); // 16x16x16
  const dw = ap(L.depthwiseConv2d({ kernelSize: 4, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'elu', name: 'dw' }), sep); // 8x8x32
  const even = ap(L.conv2d({ filters: 8, kernelSize: 2, padding: 'same', activation: 'selu', name: 'even_kernel' }), dw); // 8x8x8
  const up = ap(L.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', name: 'deconv' }), even); // 16x16x8
  const deconvValid = ap(L.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 3, padding: 'valid', name: 'deconv_valid' }), even); // 24x24x4
  const crop = ap(L.cropping2D({ cropping: [[5, 3], [4, 4]], name: 'crop' }), deconvValid); // 16x16x4
  const ups = ap(L.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: 'ups' }), dw); // 16x16x32
  const cat = ap(L.concatenate({ axis: -1, name: 'cat' }), [up, ups, crop]); // 16x16x44
  const ln = ap(L.layerNormalization({ axis: -1, epsilon: 1e-5, scale: false, name: 'ln' }), cat);
  const pad = ap(L.zeroPadding2d({ padding: [[1, 0], [0, 2]], name: 'pad' }), ln); // 17x18x44
  const avg = ap(L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'avg_same' }), pad); // 9x9x44
  const dil = ap(L.conv2d({ filters: 12, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'softplus', name: 'dilated' }), avg); // 9x9x12
  const mx = ap(L.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name: 'max_same' }), dil); // 5x5x12
  const gmax = ap(L.globalMaxPooling2d({ name: 'gmax' }), dil);
  const flat = ap(L.flatten({ name: 'flat' }), mx); // 300
  const d1 = ap(L.dense({ units: 24, activation: 'gelu', name: 'd_gelu' }), flat);
  const d2 = ap(L.dense({ units: 24, activation: 'sigmoid', name: 'd_gate' }), gmax);
  const mul = ap(L.multiply({ name: 'gate' }), [d1, d2]);
  const avgm = ap(L.average({ name: 'avg_merge' }), [mul, d1]);
  const out = ap(L.dense({ units: 10, activation: 'softmax', name: 'out' }), avgm);
  return tf.model({ inputs: input, outputs: out, name: 'mixed_conv' });
}
