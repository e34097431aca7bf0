"""One training-mode forward of an exported PyTorch model on x.npy: saves y_train.npy and each BatchNorm's running
mean and variance afterwards (<attr>.running_mean.npy ...), as the TF.js side's training call leaves them."""
import importlib.util
import sys

import numpy as np
import torch

torch.set_num_threads(1)
folder = sys.argv[1]
spec = importlib.util.spec_from_file_location('exported_model', f'{folder}/model.py')
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = module.build_model().train()
y = model(torch.from_numpy(np.load(f'{folder}/x.npy')))
np.save(f'{folder}/y_train.npy', y.detach().numpy().astype(np.float32))
for name, buffer in model.named_buffers():
    if name.endswith(('running_mean', 'running_var')):
        np.save(f'{folder}/{name}.npy', buffer.numpy().astype(np.float32))
print('ok')
