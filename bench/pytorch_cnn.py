"""The workshop CNN in PyTorch, trained on the same MNIST subset as bench/train.ts, for its samples/second.

Usage: /usr/bin/python3 bench/pytorch_cnn.py DATA_DIR SAMPLES BATCH_SIZE THREADS [--rounds]
Prints one JSON line: {"samples_per_second": ..., "seconds": ..., "threads": ..., "torch": ...}.
With --rounds it prints {"ready": true} after the warm-up, then times one epoch per line read from stdin (the
benchmark interleaves these rounds with tfjs ones, so both see the same machine load), until stdin closes.
Exit code 3 (and a JSON line with "skipped") when torch is not installed, or BENCH_TORCH_DEVICE=cuda (used by
bench/gpu-check.sh) names a device torch cannot use.
"""
import gzip
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as err:  # the benchmark then reports tfjs alone
    print(json.dumps({"skipped": f"PyTorch is not installed ({err}); apt-get install python3-torch"}))
    sys.exit(3)


def read_idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def main():
    data_dir, samples, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rounds = "--rounds" in sys.argv[5:]
    torch.set_num_threads(threads)
    device = os.environ.get("BENCH_TORCH_DEVICE", "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        print(json.dumps({"skipped": f"torch {torch.__version__} sees no CUDA device"}))
        sys.exit(3)
    torch.manual_seed(0)
    x = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 1, 28, 28)[:samples]
    y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"), 8)[:samples]
    x = torch.from_numpy(x.astype(np.float32) / 255.0)
    y = torch.from_numpy(y.astype(np.int64))
    x, y = x.to(device), y.to(device)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10),
    ).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    for i in range(2):  # warm-up: allocator, oneDNN primitive caches
        step(x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch])

    def epoch():
        perm = torch.randperm(samples, device=device)
        start = time.perf_counter()
        cpu_start = time.process_time()
        for i in range(0, samples, batch):
            idx = perm[i:i + batch]
            loss = step(x[idx], y[idx])
        loss.item()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        print(json.dumps({"samples_per_second": samples / seconds, "seconds": seconds, "samples_per_cpu_second": samples / cpu_seconds,
                          "threads": torch.get_num_threads(), "torch": torch.__version__, "device": device, "final_loss": float(loss)}), flush=True)

    if not rounds:
        epoch()
        return
    print(json.dumps({"ready": True}), flush=True)
    for _line in sys.stdin:
        epoch()


if __name__ == "__main__":
    main()
