/**
 * PyTorch train.py: the model's training settings reproduced with DistributedDataParallel. One script for a
 * laptop (`python train.py`), several GPUs (`torchrun --nproc_per_node=4 train.py`) and several nodes (torchrun's
 * --nnodes/--rdzv flags): torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK) decides; NCCL on GPUs, gloo on CPUs.
 */
import { layerNamed, type ExportGraph } from '../model';
import { loggedMetricKeys } from '../../../shared/training';
import { configLiteral, PYTHON_CONFIG_CODE } from '../python-config';
import { catalogId, datasetsLiteral, PYTHON_DATA_ARGS, PYTHON_DATA_CODE } from '../python-data';
import { kerasTextLiteral } from '../python-keras-text';
import { ownDataPathsLiteral, PYTHON_OWN_DATA_CODE } from '../python-own-data';
import { pyLiteral } from '../python-names';
import type { ExportTrainingConfig } from '../types';

/** Whether the model ends in probabilities (softmax/sigmoid), as Keras' losses with from_logits=False expect. */
export function outputIsProbability(g: ExportGraph): boolean {
  const last = layerNamed(g, g.outputs[0]!);
  if (last.className === 'Softmax') return true;
  const act = 'activation' in last.config ? last.config.activation : 'linear';
  return act === 'softmax' || act === 'sigmoid';
}

export function generateTorchTrain(ir: ExportGraph, t: ExportTrainingConfig): string {
  return `"""Trains ${ir.name} (model.py) as Layerlab would, with DistributedDataParallel.

    python train.py --data-dir DIR                    # one process (CPU or one GPU); DIR: Layerlab's dataset mirror
    python train.py --data PATH                       # your own data (default: what the run trained on)
    python train.py --nproc-per-node 2                # 2 processes on this machine (starts them itself)
    torchrun --nproc_per_node=4 train.py              # 4 GPUs on this machine (NCCL), or 4 CPU processes (gloo)
    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py   # 2 nodes

Same data (catalog dataset, limits, validation split, normalisation, augmentation), loss, metrics, class weights,
optimizer, learning-rate schedule and early stopping as in Layerlab; one JSON line per epoch on stdout with the keys
of \`layerlab train --json\`. --batch-size is the global batch, split over the processes (as Keras' MirroredStrategy
does). Checkpoints go to --checkpoint-dir each epoch (--resume continues from the last one); TensorBoard logs to
--log-dir when torch.utils.tensorboard is importable.
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
import time
import urllib.request
import zipfile

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import TensorDataset
from torch.utils.data.distributed import DistributedSampler

from model import INPUT_SHAPES, build_model, count_params

HERE = os.path.dirname(os.path.abspath(__file__))
# Layerlab's training settings for this model (its training document, shared/training.ts).
${configLiteral(t)}
DATASET = ${pyLiteral(catalogId(t.dataset.name))}  # Layerlab's catalog id of CONFIG['dataset']['name']
${ownDataPathsLiteral(t)}
# What each epoch logs, named as \`layerlab train --json\` names it (tfjs calls accuracy 'acc').
LOGGED = ${pyLiteral(loggedMetricKeys(t))}
OUTPUT_IS_PROBABILITY = ${pyLiteral(outputIsProbability(ir))}  # the model ends in softmax/sigmoid
EPSILON = 1e-7  # Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs
# Layerlab's dataset catalog (main/datasets/catalog.ts): files, URLs and layout of every built-in dataset.
${datasetsLiteral()}
${kerasTextLiteral(t)}
${PYTHON_DATA_CODE}${PYTHON_OWN_DATA_CODE}${PYTHON_CONFIG_CODE}

def targets(labels, output):
    """Layerlab's targets: class indices for cross-entropy; for the other losses and metrics the label value itself
    (a regression target, or the class index), broadcast over the outputs as Keras does; one-hot for categorical."""
    if CONFIG['loss'] == 'categorical_crossentropy':
        return F.one_hot(labels.long(), output.shape[-1]).to(output.dtype)
    return labels.to(output.dtype).view(-1, *([1] * (output.dim() - 1))).expand_as(output)


def per_sample_loss(output, labels):
    """Keras' loss of each sample (mean over its outputs), on probabilities when the model outputs them."""
    name = CONFIG['loss']
    if name in ('categorical_crossentropy', 'sparse_categorical_crossentropy'):
        if OUTPUT_IS_PROBABILITY:
            p = output / output.sum(dim=-1, keepdim=True)
            return -torch.log(p.clamp(EPSILON, 1 - EPSILON)).gather(-1, labels.long().view(-1, 1)).squeeze(-1)
        return F.cross_entropy(output, labels.long(), reduction='none')
    target = targets(labels, output)
    if name == 'binary_crossentropy':
        per = (F.binary_cross_entropy(output.clamp(EPSILON, 1 - EPSILON), target, reduction='none') if OUTPUT_IS_PROBABILITY
               else F.binary_cross_entropy_with_logits(output, target, reduction='none'))
    elif name == 'mse':
        per = (output - target) ** 2
    elif name == 'mae':
        per = (output - target).abs()
    elif name == 'huber':
        per = F.huber_loss(output, target, reduction='none', delta=CONFIG['huber_delta'])
    else:
        raise SystemExit(f'loss {name!r} has no translation here; edit per_sample_loss() in train.py')
    return per.reshape(len(output), -1).mean(dim=-1)


def sample_weights(labels):
    """Keras' class_weight: each sample's loss times the weight of its class (1 for classes not listed)."""
    weights = CONFIG['class_weight']
    if not weights:
        return None
    table = torch.ones(int(max([int(k) for k in weights] + [int(labels.max())])) + 1, device=labels.device)
    for k, v in weights.items():
        table[int(k)] = v
    return table[labels.long()]


def metric_sums(output, labels):
    """Per-batch sums of the logged metrics (accuracy chosen as tfjs chooses it for the string 'accuracy')."""
    sums = {}
    for metric in CONFIG['metrics']:
        if metric == 'accuracy':
            if output.shape[-1] == 1 or CONFIG['loss'] == 'binary_crossentropy':
                hit = ((output > 0.5).to(output.dtype) == targets(labels, output)).to(output.dtype).reshape(len(output), -1).mean(-1)
            else:
                hit = (output.argmax(-1) == labels.long()).to(output.dtype)
            sums['acc'] = hit.sum().item()
        else:
            diff = output - targets(labels, output)
            per = (diff.abs() if metric == 'mae' else diff ** 2).reshape(len(output), -1).mean(-1)
            sums[metric] = per.sum().item()
    return sums


def augment(x, generator):
    """Layerlab's augmentation of a batch of channels-last images: one random affine map per image (shift, rotation,
    zoom, horizontal flip; bilinear, edges repeated as Keras' fill_mode='nearest'), then Gaussian noise, clamped to
    [0, 1] for scaled data. torch's affine_grid/grid_sample do what torchvision's RandomAffine does, without it."""
    a = CONFIG['augmentation']
    if a['vertical_flip']:
        raise SystemExit('augmentation.vertical_flip is not supported by Layerlab: set it to false')
    if x.dim() != 4:
        return x
    n, h, w, c = x.shape

    def uniform(scale):
        return (torch.rand(n, generator=generator) * 2 - 1).to(x.device) * scale
    if a['width_shift_range'] or a['height_shift_range'] or a['rotation_range'] or a['zoom_range'] or a['horizontal_flip']:
        angle = uniform(a['rotation_range'] * math.pi / 180)
        zoom = 1 + uniform(min(a['zoom_range'], 0.99))
        flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0).to(x.device) if a['horizontal_flip'] else torch.ones(n, device=x.device)
        cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
        # affine_grid's coordinates span [-1, 1]: a shift of a fraction f of the width is 2 * f there.
        theta = torch.stack([torch.stack([cos * flip, -sin, uniform(2 * a['width_shift_range'])], -1),
                             torch.stack([sin * flip, cos, uniform(2 * a['height_shift_range'])], -1)], 1).to(x.dtype)
        grid = F.affine_grid(theta, [n, c, h, w], align_corners=False)
        x = F.grid_sample(x.permute(0, 3, 1, 2), grid, mode='bilinear', padding_mode='border',
                          align_corners=False).permute(0, 2, 3, 1)
    if a['gaussian_noise']:
        x = x + a['gaussian_noise'] * torch.randn(x.shape, generator=generator).to(x.device)
    if CONFIG['preprocessing']['normalize'] == 'scale':
        x = x.clamp(0.0, 1.0)
    return x


def augments():
    a = CONFIG['augmentation']
    return any(a[k] for k in ('width_shift_range', 'height_shift_range', 'rotation_range', 'zoom_range',
                              'horizontal_flip', 'gaussian_noise', 'vertical_flip'))


def make_optimizer(params):
    """Layerlab's (Keras') optimizer with its parameters; Keras' epsilon and rho have PyTorch names."""
    o = CONFIG['optimizer']
    lr = o['learning_rate']
    if o['name'] == 'sgd':
        return torch.optim.SGD(params, lr=lr, momentum=o['momentum'], nesterov=o['nesterov'])
    if o['name'] == 'adam':
        return torch.optim.Adam(params, lr=lr, betas=(o['beta_1'], o['beta_2']), eps=o['epsilon'])
    if o['name'] == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, alpha=o['rho'], momentum=o['momentum'], eps=o['epsilon'],
                                   centered=o['centered'])
    if o['name'] == 'adagrad':
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=o['initial_accumulator_value'], eps=1e-7)
    if o['name'] == 'adadelta':
        return torch.optim.Adadelta(params, lr=lr, rho=o['rho'], eps=o['epsilon'])
    if o['name'] == 'adamax':
        return torch.optim.Adamax(params, lr=lr, betas=(o['beta_1'], o['beta_2']), eps=o['epsilon'])
    raise SystemExit(f"optimizer {o['name']!r} has no translation here; edit make_optimizer() in train.py")


def monitored(name, logs):
    """The value of a Layerlab monitor name ('val_loss', 'val_acc', ...) among this epoch's logs, and its mode."""
    key = name.replace('accuracy', 'acc')
    if key not in logs:
        raise SystemExit(f'cannot monitor {name!r}: this script logs {sorted(logs)}')
    mode = CONFIG['early_stopping']['mode'] if CONFIG['early_stopping'] and name == CONFIG['early_stopping']['monitor'] else 'auto'
    return logs[key], (mode if mode != 'auto' else 'max' if key.endswith('acc') else 'min')


def launch_local(n):
    """Starts n worker processes of this script through torch's elastic launcher, as \`torchrun --standalone\` does.
    (torch 1.13's torchrun command crashes on Python 3.11 before it starts any worker: its default '--redirects 0'
    parses to None because Python 3.11 no longer iterates the zero member of an IntFlag. Here Std.NONE is given as
    the enum itself, so nothing is parsed.)"""
    import uuid
    from torch.distributed.elastic.multiprocessing import Std
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch
    argv, skip = [], False
    for a in sys.argv[1:]:
        if skip:
            skip = False
        elif a == '--nproc-per-node':
            skip = True
        elif not a.startswith('--nproc-per-node='):
            argv.append(a)
    config = LaunchConfig(min_nodes=1, max_nodes=1, nproc_per_node=n, run_id=str(uuid.uuid4()), rdzv_backend='c10d',
                          rdzv_endpoint='localhost:0', max_restarts=0, monitor_interval=1, redirects=Std.NONE,
                          tee=Std.NONE)
    elastic_launch(config, sys.executable)(os.path.abspath(__file__), *argv)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=CONFIG['epochs'])
    parser.add_argument('--batch-size', type=int, default=CONFIG['batch_size'], help='global batch size')
${PYTHON_DATA_ARGS}
    parser.add_argument('--nproc-per-node', type=int, default=1, help='start this many processes here (DDP)')
    parser.add_argument('--fresh', action='store_true',
                        help="start from Keras-style initial weights even when weights.npz (Layerlab's trained weights) is here")
    parser.add_argument('--checkpoint-dir', default='checkpoints')
    parser.add_argument('--log-dir', default='logs')
    parser.add_argument('--resume', action='store_true', help='continue from checkpoint-dir/last.pt')
    parser.add_argument('--threads', type=int, default=0, help='CPU threads per process (0: PyTorch default)')
    parser.add_argument('--seed', type=int, default=CONFIG['seed'])
    parser.add_argument('--log-every', type=int, default=10, help='print the loss every N steps')
    args = parser.parse_args()
    if args.nproc_per_node > 1 and 'RANK' not in os.environ:
        return launch_local(args.nproc_per_node)

    world_size = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    distributed = world_size > 1
    use_cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group(backend='nccl' if use_cuda else 'gloo')
    device = torch.device(f'cuda:{local_rank}' if use_cuda else 'cpu')
    if use_cuda:
        torch.cuda.set_device(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed + rank)

    if rank == 0 and not args.data:
        load_dataset(args.dataset, args.data_dir, download=not args.offline)  # downloads once, before the others read
    if distributed:
        dist.barrier()
    data = prepare_data(args.dataset, args.data_dir, args.limit, download=False, data_path=args.data,
                        test_path=args.test)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data['train'], data['val'], data['test']
    train_x, train_y = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(y_train)
    sampler = DistributedSampler(TensorDataset(train_x, train_y), num_replicas=world_size, rank=rank,
                                 shuffle=CONFIG['shuffle'], seed=args.seed)
    per_process_batch = max(1, args.batch_size // world_size)

    def batches():
        # Whole-tensor slicing per batch: a DataLoader would collate one sample at a time.
        order = torch.tensor(list(sampler), dtype=torch.long)
        for i in range(0, len(order), per_process_batch):
            idx = order[i:i + per_process_batch]
            yield train_x[idx], train_y[idx]
    model_input = tuple(INPUT_SHAPES[0])

    model = build_model(weights=None if args.fresh else os.path.join(HERE, 'weights.npz')).to(device)
    if rank == 0:
        print(f'data: {len(x_train)} training and {len(x_val)} {"validation" if CONFIG["validation"]["kind"] == "split" else "test"} '
              f'samples of {args.data or args.dataset}; model: {count_params(model)} parameters (Keras count), '
              f'{world_size} process(es) on {device.type}', file=sys.stderr, flush=True)
    net = DistributedDataParallel(model, device_ids=[local_rank] if use_cuda else None) if distributed else model
    optimizer = make_optimizer(model.parameters())
    schedule = CONFIG['lr_schedule']
    if schedule['kind'] == 'reduce_on_plateau':
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode=monitored(schedule['monitor'], {k: 0 for k in LOGGED})[1],
            factor=schedule['factor'], patience=schedule['patience'], threshold=schedule['min_delta'],
            threshold_mode='abs', cooldown=schedule['cooldown'], min_lr=schedule['min_lr'])
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)
    else:
        plateau = None
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    stopping = CONFIG['early_stopping']
    start_epoch, best_val, stale, best_state = 0, None, 0, None
    last_path = os.path.join(args.checkpoint_dir, 'last.pt')
    if args.resume and os.path.exists(last_path):
        state = torch.load(last_path, map_location=device)
        model.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        scheduler.load_state_dict(state['scheduler'])
        start_epoch, best_val, stale = state['epoch'] + 1, state['best_val'], state['stale']
    writer = None
    if rank == 0:
        try:
            from torch.utils.tensorboard import SummaryWriter
            writer = SummaryWriter(args.log_dir)
        except ImportError:
            print('tensorboard is not installed: no TensorBoard logs (pip install tensorboard)', file=sys.stderr, flush=True)

    step = 0
    keys = ['loss'] + [k for k in LOGGED if not k.startswith('val_') and k != 'loss']
    for epoch in range(start_epoch, args.epochs):
        net.train()
        sampler.set_epoch(epoch)
        started = time.time()
        totals = torch.zeros(len(keys) + 1, dtype=torch.float64, device=device)  # per-key sums, then the count
        for x, y in batches():
            if augments():
                x = augment(x, generator)
            x, y = x.reshape((len(x),) + model_input).to(device), y.to(device)
            optimizer.zero_grad()
            output = net(x)
            per = per_sample_loss(output, y)
            weights = sample_weights(y)
            loss = (per * weights).mean() if weights is not None else per.mean()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                sums = metric_sums(output, y)
            totals += torch.tensor([loss.item() * len(y)] + [sums[k] for k in keys[1:]] + [len(y)],
                                   dtype=torch.float64, device=device)
            step += 1
            if rank == 0 and step % args.log_every == 0:
                print(f'epoch {epoch + 1} step {step} loss {loss.item():.6f}', file=sys.stderr, flush=True)
                if writer:
                    writer.add_scalar('batch/loss', loss.item(), step)
        if distributed:
            dist.all_reduce(totals)
        logs = {k: (totals[i] / totals[-1]).item() for i, k in enumerate(keys)}
        logs.update({f'val_{k}': v for k, v in evaluate(model, x_val, y_val, model_input, device).items()})
        if rank == 0:
            line = {'epoch': epoch + 1, **{k: logs.get(k) for k in LOGGED}, 'lr': optimizer.param_groups[0]['lr'],
                    'seconds': round(time.time() - started, 3)}
            print(json.dumps(line), flush=True)
            if writer:
                for key, value in logs.items():
                    writer.add_scalar(f'epoch/{key}', value, epoch)
                for name, p in model.named_parameters():
                    writer.add_histogram(name, p.detach().cpu(), epoch)
        if plateau:
            plateau.step(monitored(schedule['monitor'], logs)[0])
        else:
            scheduler.step()
        if stopping:
            value, mode = monitored(stopping['monitor'], logs)
            better = best_val is None or (value < best_val - stopping['min_delta'] if mode == 'min'
                                          else value > best_val + stopping['min_delta'])
            if better:
                best_val, stale = value, 0
                if stopping['restore_best_weights']:
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                stale += 1
        if rank == 0:
            os.makedirs(args.checkpoint_dir, exist_ok=True)
            torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                        'scheduler': scheduler.state_dict(), 'epoch': epoch, 'best_val': best_val, 'stale': stale},
                       last_path)
        # Keras: stop after \`patience\` epochs in a row without improvement (at least one).
        if stopping and stale >= max(1, stopping['patience']):
            if rank == 0:
                print(f"early stopping: {stopping['monitor']} has not improved for {stale} epochs", file=sys.stderr, flush=True)
            break

    if best_state is not None:
        model.load_state_dict(best_state)

    if rank == 0:
        if len(x_test):
            test = evaluate(model, x_test, y_test, model_input, device)
            print(json.dumps({f'test_{k}': v for k, v in test.items()}), flush=True)
        else:
            print(f'{args.data} has no test split: no test evaluation (pass --test PATH)', file=sys.stderr, flush=True)
        os.makedirs(args.checkpoint_dir, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(args.checkpoint_dir, 'final.pt'))
        if writer:
            writer.close()
    if distributed:
        dist.destroy_process_group()


@torch.no_grad()
def evaluate(model, x, y, model_input, device, batch_size=500):
    """Loss (unweighted, as Keras evaluates) and metrics over a whole split."""
    model.eval()
    sums = {}
    for i in range(0, len(x), batch_size):
        xb = torch.from_numpy(np.ascontiguousarray(x[i:i + batch_size])).reshape((-1,) + model_input).to(device)
        yb = torch.from_numpy(y[i:i + batch_size]).to(device)
        output = model(xb)
        for k, v in {'loss': per_sample_loss(output, yb).sum().item(), **metric_sums(output, yb)}.items():
            sums[k] = sums.get(k, 0.0) + v
    model.train()
    return {k: v / max(len(x), 1) for k, v in sums.items()}


if __name__ == '__main__':
    main()
`;
}
