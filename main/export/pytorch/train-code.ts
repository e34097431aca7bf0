/**
 * PyTorch train.py: the model's training settings reproduced with DistributedDataParallel. One script for a
 * laptop (`python train.py`), several GPUs (`torchrun --nproc_per_node=4 train.py`) and several nodes (torchrun's
 * --nnodes/--rdzv flags): torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK) decides; NCCL on GPUs, gloo on CPUs.
 */
import { layerNamed, type ExportGraph } from '../model';
import { configLiteral, PYTHON_CONFIG_CODE } from '../python-config';
import { PYTHON_DATA_CODE } from '../python-data';
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

    python train.py                                   # one process (CPU or one GPU)
    torchrun --nproc_per_node=4 train.py              # 4 GPUs on this machine (NCCL), or 4 CPU processes (gloo)
    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py   # 2 nodes

--batch-size is the global batch, split over the processes (as Keras' MirroredStrategy does). Checkpoints go to
--checkpoint-dir each epoch (--resume continues from the last one); TensorBoard logs to --log-dir when
torch.utils.tensorboard is importable.
"""
import argparse
import gzip
import math
import os
import pickle
import struct
import tarfile
import time
import urllib.request

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from model import INPUT_SHAPES, build_model, count_params

# Layerlab's training settings for this model (its training document, shared/training.ts).
${configLiteral(t)}
OUTPUT_IS_PROBABILITY = ${pyLiteral(outputIsProbability(ir))}  # the model ends in softmax/sigmoid
EPSILON = 1e-7  # Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs
${PYTHON_DATA_CODE}${PYTHON_CONFIG_CODE}

def keras_loss(name, output, labels, num_classes):
    """Keras' loss of that name (mean over the batch), on probabilities when the model outputs them."""
    probability = OUTPUT_IS_PROBABILITY
    if name in ('categorical_crossentropy', 'sparse_categorical_crossentropy'):
        if probability:
            p = output / output.sum(dim=-1, keepdim=True)
            return F.nll_loss(torch.log(p.clamp(EPSILON, 1 - EPSILON)), labels)
        return F.cross_entropy(output, labels)
    one_hot = F.one_hot(labels, num_classes).to(output.dtype)
    if name == 'binary_crossentropy':
        if probability:
            return F.binary_cross_entropy(output.clamp(EPSILON, 1 - EPSILON), one_hot)
        return F.binary_cross_entropy_with_logits(output, one_hot)
    if name in ('mse', 'mean_squared_error'):
        return F.mse_loss(output, one_hot)
    if name in ('mae', 'mean_absolute_error'):
        return F.l1_loss(output, one_hot)
    if name == 'huber':
        return F.huber_loss(output, one_hot, delta=CONFIG['huber_delta'])
    raise SystemExit(f'loss {name!r} has no translation here; edit keras_loss() in train.py')


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
    return logs[key], ('max' if key.endswith('acc') else 'min')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=CONFIG['epochs'])
    parser.add_argument('--batch-size', type=int, default=CONFIG['batch_size'], help='global batch size')
    parser.add_argument('--dataset', default=CONFIG['dataset']['name'])
    parser.add_argument('--data-dir', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data'))
    parser.add_argument('--limit', type=int, default=CONFIG['limit_train'] or 0,
                        help='use only the first N training images (0: all)')
    parser.add_argument('--checkpoint-dir', default='checkpoints')
    parser.add_argument('--log-dir', default='logs')
    parser.add_argument('--resume', action='store_true', help='continue from checkpoint-dir/last.pt')
    parser.add_argument('--threads', type=int, default=0, help='CPU threads per process (0: PyTorch default)')
    parser.add_argument('--seed', type=int, default=CONFIG['seed'])
    parser.add_argument('--log-every', type=int, default=10, help='print the loss every N steps')
    args = parser.parse_args()

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

    if rank == 0:
        download_dataset(args.dataset, args.data_dir)
    if distributed:
        dist.barrier()
    (x_train, y_train), (x_test, y_test) = load_dataset(args.dataset, args.data_dir)
    x_train, y_train = limit(x_train, y_train, args.limit)
    x_test, y_test = limit(x_test, y_test, CONFIG['limit_test'])
    x_train, x_test = preprocess(x_train, x_test)
    # The model's own input shape, e.g. (784,) for an MLP on flattened images (Keras' x.reshape(-1, 784)).
    x_train = x_train.reshape((len(x_train),) + tuple(INPUT_SHAPES[0]))
    x_test = x_test.reshape((len(x_test),) + tuple(INPUT_SHAPES[0]))
    x_train, x_test = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(np.ascontiguousarray(x_test))
    y_train, y_test = torch.from_numpy(y_train), torch.from_numpy(y_test)
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    if CONFIG['validation']['kind'] == 'split':
        # Keras' validation_split holds out the last fraction of the training data, before any shuffling.
        n_val = int(len(x_train) * CONFIG['validation']['fraction'])
        x_val, y_val = x_train[len(x_train) - n_val:], y_train[len(y_train) - n_val:]
        x_train, y_train = x_train[:len(x_train) - n_val], y_train[:len(y_train) - n_val]
    else:
        x_val, y_val = x_test, y_test
    train_set = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank, shuffle=CONFIG['shuffle'],
                                 seed=args.seed)
    per_process_batch = max(1, args.batch_size // world_size)
    loader = DataLoader(train_set, batch_size=per_process_batch, sampler=sampler)

    model = build_model().to(device)
    if rank == 0:
        print(f'model: {count_params(model)} parameters (Keras count), {world_size} process(es) on {device.type}', flush=True)
    net = DistributedDataParallel(model, device_ids=[local_rank] if use_cuda else None) if distributed else model
    optimizer = make_optimizer(model.parameters())
    schedule = CONFIG['lr_schedule']
    if schedule['kind'] == 'reduce_on_plateau':
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode='max' if schedule['monitor'].endswith(('acc', 'accuracy')) else 'min',
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
            print('tensorboard is not installed: no TensorBoard logs (pip install tensorboard)', flush=True)

    step = 0
    for epoch in range(start_epoch, args.epochs):
        net.train()
        sampler.set_epoch(epoch)
        started = time.time()
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, correct, count
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            output = net(x)
            loss = keras_loss(CONFIG['loss'], output, y, num_classes)
            loss.backward()
            optimizer.step()
            totals += torch.tensor([loss.item() * len(y), (output.argmax(-1) == y).sum().item(), len(y)],
                                   dtype=torch.float64, device=device)
            step += 1
            if rank == 0 and step % args.log_every == 0:
                print(f'epoch {epoch + 1} step {step} loss {loss.item():.6f}', flush=True)
                if writer:
                    writer.add_scalar('batch/loss', loss.item(), step)
        if distributed:
            dist.all_reduce(totals)
        train_loss, train_acc = (totals[0] / totals[2]).item(), (totals[1] / totals[2]).item()
        val_loss, val_acc = evaluate(model, x_val, y_val, num_classes, device)
        logs = {'loss': train_loss, 'acc': train_acc, 'val_loss': val_loss, 'val_acc': val_acc}
        if rank == 0:
            print(f'epoch {epoch + 1} loss {train_loss:.6f} accuracy {train_acc:.4f} val_loss {val_loss:.6f} '
                  f'val_accuracy {val_acc:.4f} lr {optimizer.param_groups[0]["lr"]:.3g} '
                  f'({time.time() - started:.1f}s)', flush=True)
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
        if stopping and stale >= stopping['patience'] and epoch > 0:
            if rank == 0:
                print(f"early stopping: {stopping['monitor']} has not improved for {stale} epochs", flush=True)
            break

    if best_state is not None:
        model.load_state_dict(best_state)

    if rank == 0:
        test_loss, test_acc = evaluate(model, x_test, y_test, num_classes, device)
        print(f'test loss {test_loss:.6f} accuracy {test_acc:.4f}', flush=True)
        torch.save(model.state_dict(), os.path.join(args.checkpoint_dir, 'final.pt'))
        if writer:
            writer.close()
    if distributed:
        dist.destroy_process_group()


@torch.no_grad()
def evaluate(model, x, y, num_classes, device, batch_size=500):
    model.eval()
    loss_sum, correct = 0.0, 0
    for i in range(0, len(x), batch_size):
        xb, yb = x[i:i + batch_size].to(device), y[i:i + batch_size].to(device)
        output = model(xb)
        loss_sum += keras_loss(CONFIG['loss'], output, yb, num_classes).item() * len(yb)
        correct += (output.argmax(-1) == yb).sum().item()
    model.train()
    return loss_sum / max(len(x), 1), correct / max(len(x), 1)


if __name__ == '__main__':
    main()
`;
}
