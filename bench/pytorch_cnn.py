"""The bench:train models in PyTorch, trained on the same MNIST subset as bench/train.ts, driven over stdin/stdout.

Usage: /usr/bin/python3 bench/pytorch_cnn.py DATA_DIR SAMPLES BATCH_SIZE THREADS [--model cnn|mlp|imdb-lstm] [--test N] [--slices]
Without --slices it trains one epoch over the subset and prints one JSON line {"samples_per_second": ..., "seconds":
..., "samples_per_cpu_second": ..., "threads": ..., "torch": ..., "device": ...} (bench/gpu-check.sh).
With --slices it prints {"ready": true, "threads": ..., "torch": ...} after a warm-up, then answers one JSON line
per command read from stdin, until stdin closes:
  "slice K"  trains K batches (continuing through a shuffled order of the subset) and prints
             {"seconds": wall, "cpu_seconds": this process's CPU time (all its threads), "samples": K * BATCH_SIZE}
  "eval"     prints {"val_acc": ...} on the first N test images (default 1000)
The benchmark interleaves short slices with tfjs ones, so both see the same machine load.
Exit code 3 (and a JSON line with "skipped") when torch is not installed, or BENCH_TORCH_DEVICE=cuda (used by
bench/gpu-check.sh) names a device torch cannot use.

The models are the workshop CNN (Conv2D 32, Conv2D 64, MaxPool, Dropout, Dense 128, Dropout, Dense 10) and a
Dense-only MLP 784-512-512-10, both with SGD lr 0.01 momentum 0.9 and cross-entropy, as on the tfjs side.
imdb-lstm is the Layerlab template (Embedding 10000x32, LSTM 32, Dense 1, sigmoid + binary cross-entropy); its
DATA_DIR holds x_train.f32, y_train.f32, x_test.f32, y_test.f32 written by bench/text-data.ts (200 ids a sample).
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
    print(json.dumps({"skipped": f"PyTorch is not installed ({err}); apt-get install python3-torch"}), flush=True)
    sys.exit(3)


def read_idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def images(data_dir, prefix, count, device):
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 16).reshape(-1, 1, 28, 28)[:count]
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 8)[:count]
    return torch.from_numpy(x.astype(np.float32) / 255.0).to(device), torch.from_numpy(y.astype(np.int64)).to(device)


TEXT_LENGTH = 200


def text_split(data_dir, name, count, device):
    x = np.fromfile(os.path.join(data_dir, f"x_{name}.f32"), dtype="<f4").reshape(-1, TEXT_LENGTH)[:count]
    y = np.fromfile(os.path.join(data_dir, f"y_{name}.f32"), dtype="<f4")[:count]
    return torch.from_numpy(x.astype(np.int64)).to(device), torch.from_numpy(y.reshape(-1, 1).copy()).to(device)


class ImdbLstm(nn.Module):
    """The imdb-lstm template: Embedding 10000x32, LSTM 32 (its last output), Dense 1 (sigmoid in the loss)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10000, 32)
        self.lstm = nn.LSTM(32, 32, batch_first=True)
        self.dense = nn.Linear(32, 1)

    def forward(self, ids):
        y, _ = self.lstm(self.embedding(ids))
        return self.dense(y[:, -1])


def build(kind):
    if kind == "imdb-lstm":
        return ImdbLstm()
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10),
    )


def main():
    data_dir, samples, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    kind = option("--model", "cnn")
    torch.set_num_threads(threads)
    device = os.environ.get("BENCH_TORCH_DEVICE", "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        print(json.dumps({"skipped": f"torch {torch.__version__} sees no CUDA device"}), flush=True)
        sys.exit(3)
    torch.manual_seed(0)
    text = kind == "imdb-lstm"
    if text:
        x, y = text_split(data_dir, "train", samples, device)
        tx, ty = text_split(data_dir, "test", int(option("--test", "1000")), device)
    else:
        x, y = images(data_dir, "train", samples, device)
        tx, ty = images(data_dir, "t10k", int(option("--test", "1000")), device)
    model = build(kind).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss() if text else nn.CrossEntropyLoss()
    model.train()

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    order = torch.randperm(samples, device=device)
    cursor = 0

    def next_batch():
        nonlocal order, cursor
        if cursor + batch > samples:
            order, cursor = torch.randperm(samples, device=device), 0
        idx = order[cursor:cursor + batch]
        cursor += batch
        return x[idx], y[idx]

    for _ in range(3):  # warm-up: allocator, oneDNN primitive caches
        step(*next_batch())
    if "--slices" not in sys.argv:
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(samples // batch):
            loss = step(*next_batch())
        loss.item()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        done = samples // batch * batch
        print(json.dumps({"samples_per_second": done / seconds, "seconds": seconds, "samples_per_cpu_second": done / cpu_seconds,
                          "threads": torch.get_num_threads(), "torch": torch.__version__, "device": device, "final_loss": float(loss)}), flush=True)
        return
    print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "slice":
            k = int(cmd[1])
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(k):
                loss = step(*next_batch())
            loss.item()
            print(json.dumps({"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu_start,
                              "samples": k * batch, "loss": float(loss)}), flush=True)
        elif cmd and cmd[0] == "eval":
            model.eval()
            with torch.no_grad():
                out = model(tx)
                acc = (((out > 0).float() == ty) if text else (out.argmax(1) == ty)).float().mean().item()
            model.train()
            print(json.dumps({"val_acc": acc}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {line.strip()!r}; expected 'slice K' or 'eval'"}), flush=True)


if __name__ == "__main__":
    main()
