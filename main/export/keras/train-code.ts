/**
 * Keras train.py (Layerlab's catalog datasets read with numpy from --data-dir, the same preprocessing, validation
 * split, augmentation as Keras preprocessing layers, class weights and targets; compile/fit with the model's settings, TensorBoard, checkpoints, optional
 * tf.distribute strategy) and job.sbatch for a Slurm GPU cluster (one MultiWorkerMirroredStrategy worker per node,
 * TF_CONFIG built from the Slurm node list).
 */
import type { ExportGraph } from '../model';
import { loggedMetricKeys } from '../../../shared/training';
import { configLiteral, PYTHON_CONFIG_CODE } from '../python-config';
import { catalogId, datasetsLiteral, PYTHON_DATA_ARGS, PYTHON_DATA_CODE } from '../python-data';
import { kerasTextLiteral } from '../python-keras-text';
import { ownDataPathsLiteral, PYTHON_OWN_DATA_CODE } from '../python-own-data';
import { pyLiteral } from '../python-names';
import type { DistributionStrategy, ExportTrainingConfig } from '../types';

/** keras.optimizers.X(...) with every parameter of Layerlab's optimizer config (its names are Keras' own). */
export function kerasOptimizerCode(t: ExportTrainingConfig): string {
  const { name, ...params } = t.optimizer;
  const cls = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax' }[name];
  return `keras.optimizers.${cls}(${Object.entries(params).map(([k, v]) => `${k}=${pyLiteral(v)}`).join(', ')})`;
}

export function generateKerasTrain(ir: ExportGraph, t: ExportTrainingConfig, strategy: DistributionStrategy): string {
  return `"""Trains ${ir.name} (model.py) with the settings it had in Layerlab.

    python train.py --data-dir DIR                    # one device; DIR: Layerlab's dataset mirror (offline)
    python train.py --data PATH                       # your own data (default: what the run trained on)
    python train.py --strategy mirrored               # every GPU of this machine (tf.distribute.MirroredStrategy)
    TF_CONFIG=... python train.py --strategy multiworker   # one worker of a cluster (see job.sbatch)

--batch-size is the global batch (MirroredStrategy splits it over the replicas). TensorBoard logs go to --log-dir.
One JSON line per epoch on stdout with the keys of \`layerlab train --json\`.
"""
import argparse
import csv
import gzip
import io
import json
import math
import os
import pickle
import re
import struct
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile

import numpy as np
import tensorflow as tf
from tensorflow import keras

from model import build_model

# Layerlab's training settings for this model (its training document, shared/training.ts).
${configLiteral(t)}
STRATEGY = ${pyLiteral(strategy)}
DATASET = ${pyLiteral(catalogId(t.dataset.name))}  # Layerlab's catalog id of CONFIG['dataset']['name']
${ownDataPathsLiteral(t)}
# What each epoch logs, named as \`layerlab train --json\` names it (tfjs calls accuracy 'acc').
LOGGED = ${pyLiteral(loggedMetricKeys(t))}
HERE = os.path.dirname(os.path.abspath(__file__))
# Layerlab's dataset catalog (main/datasets/catalog.ts): files, URLs and layout of every built-in dataset.
${datasetsLiteral()}
${kerasTextLiteral(t)}
${PYTHON_DATA_CODE}${PYTHON_OWN_DATA_CODE}${PYTHON_CONFIG_CODE}

def make_strategy(name):
    if name == 'mirrored':
        return tf.distribute.MirroredStrategy()
    if name == 'multiworker':
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def is_chief():
    """Only the chief (worker 0) keeps logs and checkpoints; the others write to a scratch folder."""
    config = json.loads(os.environ.get('TF_CONFIG', '{}'))
    task = config.get('task', {})
    return task.get('type', 'worker') in ('chief', 'worker') and task.get('index', 0) == 0


def keras_name(monitor):
    """Layerlab logs accuracy as tfjs does ('acc'); Keras 2.3+ calls it 'accuracy'."""
    return monitor[:-3] + 'accuracy' if monitor.endswith('acc') else monitor


def keras_targets(y, classes):
    """Layerlab's targets: class indices for sparse cross-entropy, one-hot for categorical, and the label value
    itself (a regression target, or the class index) as a column for the other losses."""
    if CONFIG['loss'] == 'sparse_categorical_crossentropy':
        return y
    if CONFIG['loss'] == 'categorical_crossentropy':
        return keras.utils.to_categorical(y, classes)
    return y.astype(np.float32).reshape(-1, 1)


def augmentation_layers():
    """Layerlab's augmentation as Keras preprocessing layers with the same ranges (applied to training batches)."""
    a = CONFIG['augmentation']
    if a['vertical_flip']:
        raise SystemExit('augmentation.vertical_flip is not supported by Layerlab: set it to false')
    steps = []
    if a['width_shift_range'] or a['height_shift_range']:
        steps.append(keras.layers.RandomTranslation(a['height_shift_range'], a['width_shift_range'], fill_mode='nearest'))
    if a['rotation_range']:
        steps.append(keras.layers.RandomRotation(a['rotation_range'] / 360, fill_mode='nearest'))
    if a['zoom_range']:
        steps.append(keras.layers.RandomZoom((-a['zoom_range'], a['zoom_range']), fill_mode='nearest'))
    if a['horizontal_flip']:
        steps.append(keras.layers.RandomFlip('horizontal'))
    if a['gaussian_noise']:
        steps.append(keras.layers.GaussianNoise(a['gaussian_noise']))
    return keras.Sequential(steps) if steps else None


class JsonLines(keras.callbacks.Callback):
    """One JSON object per epoch with Layerlab's names ('acc' for Keras' 'accuracy')."""

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = {k.replace('accuracy', 'acc'): float(v) for k, v in (logs or {}).items()}
        lr = self.model.optimizer.learning_rate
        line = {'epoch': epoch + 1, **{k: logs.get(k) for k in LOGGED},
                'lr': float(lr.numpy() if hasattr(lr, 'numpy') else lr), 'seconds': round(time.time() - self.started, 3)}
        print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--strategy', choices=['none', 'mirrored', 'multiworker'], default=STRATEGY)
    parser.add_argument('--epochs', type=int, default=CONFIG['epochs'])
    parser.add_argument('--batch-size', type=int, default=CONFIG['batch_size'], help='global batch size')
${PYTHON_DATA_ARGS}
    parser.add_argument('--log-dir', default='logs')
    parser.add_argument('--checkpoint-dir', default='checkpoints')
    args = parser.parse_args()

    keras.utils.set_random_seed(CONFIG['seed'])
    strategy = make_strategy(args.strategy)
    print(f'strategy: {args.strategy}, replicas in sync: {strategy.num_replicas_in_sync}', flush=True)
    data = prepare_data(args.dataset, args.data_dir, args.limit, download=not args.offline, data_path=args.data,
                        test_path=args.test)
    classes = num_classes(args.dataset, data['train'][1])
    loss = keras.losses.Huber(delta=CONFIG['huber_delta']) if CONFIG['loss'] == 'huber' else CONFIG['loss']
    with strategy.scope():
        model = build_model()
        model.compile(optimizer=${kerasOptimizerCode(t)},
                      loss=loss, metrics=CONFIG['metrics'])
    model.summary()
    model_input = tuple(model.input_shape[1:])
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data['train'], data['val'], data['test']
    train = tf.data.Dataset.from_tensor_slices((x_train, keras_targets(y_train, classes)))
    if CONFIG['shuffle']:
        train = train.shuffle(len(x_train), seed=CONFIG['seed'], reshuffle_each_iteration=True)
    train = train.batch(args.batch_size)
    augment = augmentation_layers()
    if augment is not None:
        clip = CONFIG['preprocessing']['normalize'] == 'scale'
        train = train.map(lambda x, y: ((tf.clip_by_value(augment(x, training=True), 0.0, 1.0) if clip
                                         else augment(x, training=True)), y))
    # The model's own input shape, e.g. (784,) for an MLP on 28x28 images (after augmenting the images).
    train = train.map(lambda x, y: (tf.reshape(x, (-1,) + model_input), y)).prefetch(tf.data.AUTOTUNE)
    x_val, x_test = to_model_input(x_val, model_input), to_model_input(x_test, model_input)
    y_val, y_test = keras_targets(y_val, classes), keras_targets(y_test, classes)

    chief = is_chief()
    log_dir = args.log_dir if chief else tempfile.mkdtemp()
    checkpoint_dir = args.checkpoint_dir if chief else tempfile.mkdtemp()
    os.makedirs(checkpoint_dir, exist_ok=True)
    callbacks = [
        JsonLines(),
        keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1),
        keras.callbacks.ModelCheckpoint(os.path.join(checkpoint_dir, 'last.weights.h5'), save_weights_only=True),
    ]
    schedule = CONFIG['lr_schedule']
    if schedule['kind'] == 'reduce_on_plateau':
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor=keras_name(schedule['monitor']), factor=schedule['factor'], patience=schedule['patience'],
            min_delta=schedule['min_delta'], cooldown=schedule['cooldown'], min_lr=schedule['min_lr'],
            mode=schedule['mode']))
    elif schedule['kind'] != 'none':
        initial = CONFIG['optimizer']['learning_rate']
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch, lr: initial * lr_factor(epoch)))
    stopping = CONFIG['early_stopping']
    if stopping:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor=keras_name(stopping['monitor']), patience=stopping['patience'], min_delta=stopping['min_delta'],
            mode=stopping['mode'], restore_best_weights=stopping['restore_best_weights']))
    class_weight = {int(k): v for k, v in CONFIG['class_weight'].items()} if CONFIG['class_weight'] else None
    # Layerlab's validation (its split of the training data, or the test split) comes from prepare_data.
    model.fit(train, epochs=args.epochs, validation_data=(x_val, y_val), class_weight=class_weight,
              callbacks=callbacks, verbose=0)
    if len(x_test):
        results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
        print(json.dumps({f"test_{k.replace('accuracy', 'acc')}": float(v) for k, v in results.items()}), flush=True)
    else:
        print(f'{args.data} has no test split: no test evaluation (pass --test PATH)', file=sys.stderr, flush=True)
    if chief:
        model.save_weights(os.path.join(checkpoint_dir, 'final.weights.h5'))


if __name__ == '__main__':
    main()
`;
}

export function generateSlurmJob(name: string): string {
  return `#!/bin/bash
# ${name}: multi-node training with tf.distribute.MultiWorkerMirroredStrategy on a Slurm GPU cluster.
# One task per node; each worker uses every GPU of its node. Adjust the partition, GPUs and time to your cluster
# (e.g. Bridges-2: --partition=GPU --gpus=v100-32:8), then: sbatch job.sbatch
#SBATCH --job-name=${name.replace(/[^A-Za-z0-9_-]/g, '_')}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
#SBATCH --output=%x-%j.out

set -euo pipefail
cd "$SLURM_SUBMIT_DIR"
# module load anaconda3 cuda   # your cluster's environment with TensorFlow 2

PORT=\${PORT:-12345}
HOSTS=$(scontrol show hostnames "$SLURM_JOB_NODELIST")
WORKERS=$(for h in $HOSTS; do printf '"%s:%s",' "$h" "$PORT"; done | sed 's/,$//')
export WORKERS

# TF_CONFIG differs per worker only in its index, which srun gives each task as SLURM_PROCID.
srun bash -c 'export TF_CONFIG="{\\"cluster\\": {\\"worker\\": [$WORKERS]}, \\"task\\": {\\"type\\": \\"worker\\", \\"index\\": $SLURM_PROCID}}"; \\
  python train.py --strategy multiworker'
`;
}
