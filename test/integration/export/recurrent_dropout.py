"""Training-mode checks of an exported model.py's recurrent dropout (recurrent-dropout.test.ts); prints one JSON line.

argv: the export folder (a model with LSTM/GRU/Bidirectional/SimpleRNN layers holding dropout and recurrent_dropout).
"""
import importlib.util
import json
import sys

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
folder = sys.argv[1]
spec = importlib.util.spec_from_file_location('exported_model', f'{folder}/model.py')
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
x = torch.from_numpy(np.load(f'{folder}/x.npy'))
out = {}

model = module.build_model()
model.eval()
with torch.no_grad():
    e1, e2 = model(x), model(x)
model.train()
t1 = model(x)
t1.sum().backward()
with torch.no_grad():
    t2 = model(x)
out['eval_repeat_diff'] = (e1 - e2).abs().max().item()
out['train_calls_diff'] = (t1 - t2).abs().max().item()
out['train_eval_diff'] = (t1 - e1).abs().max().item()
out['grads_nonzero'] = sum(int(p.grad is not None and p.grad.abs().sum().item() > 0) for p in model.parameters())
out['params'] = sum(1 for p in model.parameters() if p.requires_grad)


def probe(**kwargs):
    """A 5-unit SimpleRNN with linear activation, every output step returned, in training mode."""
    layer = module.KerasRNN('SimpleRNN', 5, 5, activation=lambda t: t, recurrent_activation=torch.sigmoid,
                            fused=False, return_sequences=True, **kwargs)
    layer.train()
    for p in layer.rnn.parameters():
        p.data.zero_()
    return layer


steps = 12
ones = torch.ones(64, steps, 5)
with torch.no_grad():
    # Input dropout: kernel = identity, no recurrence -> every output step IS the input mask.
    layer = probe(dropout=0.5)
    layer.rnn.weight_ih_l0.data.copy_(torch.eye(5))
    y = layer(ones)
    out['input_mask_constant_over_steps'] = bool((y == y[:, :1]).all())
    out['input_mask_values'] = sorted(set(y.flatten().tolist()))
    out['input_mask_dropped_fraction'] = (y == 0).float().mean().item()
    out['input_mask_samples_differ'] = bool((y[:, 0] != y[:1, 0]).any())
    # Recurrent dropout: input bias 1, recurrent kernel = identity -> h_t = 1 + m * h_(t-1) per unit. A mask fixed
    # for the sequence gives all ones (m = 0) or 2^t - 1 (m = 2, t = 1..T); one drawn per step would mix them.
    layer = probe(recurrent_dropout=0.5)
    layer.rnn.bias_ih_l0.data.fill_(1.0)
    layer.rnn.weight_hh_l0.data.copy_(torch.eye(5))
    y = layer(torch.zeros(64, steps, 5))
    kept = torch.tensor([2.0 ** (t + 1) - 1 for t in range(steps)]).view(1, steps, 1)
    fixed = ((y == 1).all(dim=1) | (y == kept).all(dim=1))
    out['recurrent_mask_constant_over_steps'] = bool(fixed.all())
    out['recurrent_mask_dropped_fraction'] = (y[:, -1] == 1).float().mean().item()
    # Keras 3's mask count: with recurrent_dropout one mask per gate for inputs and state, else one input mask.
    lstm = module.KerasRNN('LSTM', 5, 4, activation=torch.tanh, recurrent_activation=torch.sigmoid, fused=True,
                           dropout=0.3, recurrent_dropout=0.3)
    inputs, state = lstm.dropout_masks(ones)
    out['lstm_per_gate_masks'] = [len({id(m) for m in inputs}), len({id(m) for m in state}), list(inputs[0].shape), list(state[0].shape)]
    lstm = module.KerasRNN('LSTM', 5, 4, activation=torch.tanh, recurrent_activation=torch.sigmoid, fused=True, dropout=0.3)
    inputs, state = lstm.dropout_masks(ones)
    out['lstm_input_only_masks'] = [len(inputs), len({id(m) for m in inputs}), state]
print(json.dumps(out))
