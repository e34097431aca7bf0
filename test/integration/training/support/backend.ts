/**
 * Dense-only tests run on the WASM backend (about twice the CPU backend's speed here); tests that train conv
 * layers use 'cpu', because tfjs-backend-wasm 4.22 has no conv backprop kernels.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}
