/**
 * LeakyReLU and ELU that hand their input's mask on, as Keras 3's do (`supports_masking = True` in
 * keras/src/layers/activations/leaky_relu.py, elu.py): tfjs-layers 4.22's classes drop it, so in
 * Embedding(mask_zero) -> Dense -> LeakyReLU -> LSTM the LSTM ran over the padding. Elementwise layers: the mask of
 * the input is the mask of the output (tfjs' default computeMask once supportsMasking is set).
 * Registered under 'LeakyReLU' and 'ELU'; the TF.js export's layerlab-layers.js does the same for stock tfjs.
 */
import * as tf from '@tensorflow/tfjs';

type LayerClass = new (args?: Record<string, unknown>) => tf.layers.Layer;

function passingMask(stock: LayerClass, className: string): LayerClass {
  const cls = class extends stock {
    static readonly className = className;

    constructor(args?: Record<string, unknown>) {
      super(args ?? {});
      this.supportsMasking = true;
    }
  };
  return cls;
}

export const MaskPassingLeakyReLU = passingMask(tf.layers.leakyReLU({}).constructor as unknown as LayerClass, 'LeakyReLU');
export const MaskPassingELU = passingMask(tf.layers.elu({}).constructor as unknown as LayerClass, 'ELU');
