/**
 * Keras train.py (tf.keras.datasets, compile/fit with the model's settings, TensorBoard, checkpoints, optional
 * tf.distribute strategy) and job.sbatch for a Slurm GPU cluster (one MultiWorkerMirroredStrategy worker per node,
 * TF_CONFIG built from the Slurm node list).
 */
import type { ExportGraph } from '../model';
import { configLiteral, PYTHON_CONFIG_CODE } from '../python-config';
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

    python train.py                                   # one device
    python train.py --strategy mirrored               # every GPU of this machine (tf.distribute.MirroredStrategy)
    TF_CONFIG=... python train.py --strategy multiworker   # one worker of a cluster (see job.sbatch)

--batch-size is the global batch (MirroredStrategy splits it over the replicas). TensorBoard logs go to --log-dir.
"""
import argparse
import json
import math
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras

from model import build_model

# Layerlab's training settings for this model (its training document, shared/training.ts).
${configLiteral(t)}
STRATEGY = ${pyLiteral(strategy)}
${PYTHON_CONFIG_CODE}

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


def load_data(name, limit_train, limit_test):
    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    x_train, y_train = limit(x_train, y_train.reshape(-1), limit_train)
    x_test, y_test = limit(x_test, y_test.reshape(-1), limit_test)
    x_train, x_test = preprocess(x_train, x_test)
    if CONFIG['loss'] != 'sparse_categorical_crossentropy':
        classes = int(max(y_train.max(), y_test.max())) + 1
        y_train, y_test = keras.utils.to_categorical(y_train, classes), keras.utils.to_categorical(y_test, classes)
    return (x_train, y_train), (x_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--strategy', choices=['none', 'mirrored', 'multiworker'], default=STRATEGY)
    parser.add_argument('--epochs', type=int, default=CONFIG['epochs'])
    parser.add_argument('--batch-size', type=int, default=CONFIG['batch_size'], help='global batch size')
    parser.add_argument('--limit', type=int, default=CONFIG['limit_train'] or 0,
                        help='use only the first N training images (0: all)')
    parser.add_argument('--log-dir', default='logs')
    parser.add_argument('--checkpoint-dir', default='checkpoints')
    args = parser.parse_args()

    keras.utils.set_random_seed(CONFIG['seed'])
    strategy = make_strategy(args.strategy)
    print(f'strategy: {args.strategy}, replicas in sync: {strategy.num_replicas_in_sync}', flush=True)
    (x_train, y_train), (x_test, y_test) = load_data(CONFIG['dataset']['name'], args.limit, CONFIG['limit_test'])
    loss = keras.losses.Huber(delta=CONFIG['huber_delta']) if CONFIG['loss'] == 'huber' else CONFIG['loss']
    with strategy.scope():
        model = build_model()
        model.compile(optimizer=${kerasOptimizerCode(t)},
                      loss=loss, metrics=CONFIG['metrics'])
    model.summary()
    # The model's own input shape, e.g. (784,) for an MLP on flattened images.
    x_train = x_train.reshape((len(x_train),) + tuple(model.input_shape[1:]))
    x_test = x_test.reshape((len(x_test),) + tuple(model.input_shape[1:]))

    chief = is_chief()
    log_dir = args.log_dir if chief else tempfile.mkdtemp()
    checkpoint_dir = args.checkpoint_dir if chief else tempfile.mkdtemp()
    os.makedirs(checkpoint_dir, exist_ok=True)
    callbacks = [
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
    validation = CONFIG['validation']
    class_weight = {int(k): v for k, v in CONFIG['class_weight'].items()} if CONFIG['class_weight'] else None
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, shuffle=CONFIG['shuffle'],
              validation_split=validation['fraction'] if validation['kind'] == 'split' else 0.0,
              validation_data=(x_test, y_test) if validation['kind'] == 'test' else None,
              class_weight=class_weight, callbacks=callbacks, verbose=2)
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print('test', ' '.join(f'{k} {v:.6f}' for k, v in results.items()), flush=True)
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
