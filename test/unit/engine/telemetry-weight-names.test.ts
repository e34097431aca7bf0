import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { shortWeightName, weightHistograms } from '../../../main/engine/training/telemetry/histograms';

describe('weight names in the dashboard', () => {
  it('a Bidirectional layer keeps its forward and backward weights apart, whatever counter tfjs gives the inner layer', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tf.RNN, name: 'bi' }),
        tf.layers.dense({ units: 2, name: 'out' }),
      ],
    });
    const histograms = await weightHistograms(model, 8, 0);
    const keys = histograms.map((h) => `${h.layer}:${h.weight}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.startsWith('bi:'))).toStrictEqual([
      'bi:forward/kernel', 'bi:forward/recurrent_kernel', 'bi:forward/bias',
      'bi:backward/kernel', 'bi:backward/recurrent_kernel', 'bi:backward/bias',
    ]);
    expect(keys).toContain('out:kernel');
    model.dispose();
  });

  it('plain layers keep the short name, even one a user called forward_x', () => {
    expect(shortWeightName('dense_Dense1/kernel')).toBe('kernel');
    expect(shortWeightName('forward_x/kernel')).toBe('kernel');
    expect(shortWeightName('bi/backward_gru_GRU7/recurrent_kernel')).toBe('backward/recurrent_kernel');
    expect(shortWeightName('bi/forward/bias')).toBe('forward/bias');
  });
});
