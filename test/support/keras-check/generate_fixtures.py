"""Writes test/support/keras-json: real Keras 3 to_json() output (our cnn-dropout and resnet-cifar JSON after a
trip through Keras, a model using every layer kind, a Sequential). Run with a Python that has keras + jax:
  python test/support/keras-check/generate_fixtures.py test/support/keras-json specs.json   (specs from dump-specs.ts)
"""
import json, os, sys
os.environ['KERAS_BACKEND'] = 'jax'
import keras
from keras import layers
out = sys.argv[1]
specs = json.load(open(sys.argv[2]))
for c in specs:
    if c['title'] in ('cnn-dropout', 'resnet-cifar'):
        m = keras.models.model_from_json(json.dumps(c['spec']))
        open(f"{out}/{c['title']}.keras3.json", 'w').write(m.to_json(indent=1))
inp = keras.Input(shape=(16, 16, 3), name='image')
x = layers.ZeroPadding2D(((1, 0), (0, 1)))(inp)
x = layers.SeparableConv2D(8, (3, 3), depth_multiplier=2, padding='same', activation='silu')(x)
x = layers.BatchNormalization()(x)
a = layers.DepthwiseConv2D((3, 3), padding='same')(x)
b = layers.Conv2D(8, (1, 3), strides=(1, 1), padding='same', dilation_rate=(1, 2))(x)
x = layers.Concatenate()([a, b])
x = layers.LeakyReLU(negative_slope=0.1)(x)
x = layers.MaxPooling2D(pool_size=3, strides=2, padding='same')(x)
x = layers.Conv2DTranspose(4, 3, strides=2, padding='same')(x)
x = layers.UpSampling2D(size=(1, 2))(x)
x = layers.AveragePooling2D(2)(x)
y = layers.GlobalMaxPooling2D()(x)
x = layers.Flatten()(x)
x = layers.Dense(16, activation='gelu')(x)
x = layers.LayerNormalization()(x)
x = layers.Reshape((4, 4))(x)
x = layers.Flatten()(x)
x = layers.Multiply()([layers.Dense(4)(x), y])
x = layers.ReLU(max_value=6.0)(x)
x = layers.Average()([x, layers.Activation('tanh')(x)])
x = layers.Dropout(0.3)(x)
out_t = layers.Dense(3, activation='softmax')(x)
m = keras.Model(inp, out_t, name='kitchen_sink')
open(f'{out}/kitchen-sink.keras3.json', 'w').write(m.to_json(indent=1))
json.dump({'total': int(m.count_params()), 'trainable': int(sum(w.numpy().size for w in m.trainable_weights)), 'shapes': {l.name: list(l.output.shape) for l in m.layers}}, open(f'{out}/kitchen-sink.expected.json', 'w'), indent=1)
s = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(), layers.SpatialDropout2D(0.1), layers.Flatten(), layers.Dense(10, activation='softmax')])
open(f'{out}/sequential.keras3.json', 'w').write(s.to_json(indent=1))
print('ok', s.count_params(), m.count_params())
