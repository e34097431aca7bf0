"""Loads every spec written by dump-specs.ts with keras.models.model_from_json and compares shapes and weights."""
import json, os, sys
os.environ.setdefault('KERAS_BACKEND', 'jax')
import keras, numpy as np
print('keras', keras.__version__)
cases = json.load(open(sys.argv[1] if len(sys.argv) > 1 else 'specs.json'))
bad = 0
for c in cases:
    try:
        m = keras.models.model_from_json(json.dumps(c['spec']))
        for layer in m.layers:
            exp = c['expected'].get(layer.name)
            if exp is None: raise Exception('unknown layer ' + layer.name)
            shape = list(layer.output.shape) if hasattr(layer, 'output') else None
            shape = [None if d is None else int(d) for d in shape]
            tr = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
            nt = int(sum(np.prod(w.shape) for w in layer.non_trainable_weights))
            if shape != exp['shape']: raise Exception(f"{layer.name} shape {shape} != {exp['shape']}")
            if exp['params'] and (tr, nt) != (exp['params']['trainable'], exp['params']['nonTrainable']):
                raise Exception(f"{layer.name} params {(tr, nt)} != {exp['params']}")
        if not m.built: continue  # an Input-only Sequential is not built in Keras 3
        if m.count_params() != c['total']['total']: raise Exception(f"total {m.count_params()} != {c['total']}")
    except Exception as e:
        bad += 1
        msg = str(e); i = msg.find('Exception encountered'); print('FAIL', c['title'], '::', (msg[i:] if i >= 0 else msg.splitlines()[0])[:400])
print(f'{len(cases) - bad}/{len(cases)} ok')
sys.exit(1 if bad else 0)
