"""For each exported PyTorch model dir given: build_model(), run x.npy, save torch_y.npy, print param counts as JSON."""
import importlib.util
import json
import sys

import numpy as np
import torch

torch.set_num_threads(1)


def run(i, folder):
    spec = importlib.util.spec_from_file_location(f'exported_model_{i}', f'{folder}/model.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model().eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.load(f'{folder}/x.npy')))
    np.save(f'{folder}/torch_y.npy', y.numpy().astype(np.float32))
    return {
        'total': module.count_params(model),
        'trainable': sum(p.numel() for p in model.parameters() if p.requires_grad),
    }


result = {}
for i, folder in enumerate(sys.argv[1:]):
    try:
        result[folder] = run(i, folder)
    except Exception as err:  # reported per model, so one broken export does not hide the others
        result[folder] = {'error': f'{type(err).__name__}: {err}'}
print(json.dumps(result))
