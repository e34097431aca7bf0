"""Baseline for bench/data.ts: read full MNIST from the same IDX .gz files with numpy and scale to float32 [0, 1].

Prints one JSON line: median wall and CPU seconds of `repeats` runs (interpreter start-up excluded).
"""
import gzip
import json
import statistics
import sys
import time

import numpy as np


def load(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def run(folder):
    x_train = load(f"{folder}/train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    y_train = load(f"{folder}/train-labels-idx1-ubyte.gz", 8)
    x_test = load(f"{folder}/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    y_test = load(f"{folder}/t10k-labels-idx1-ubyte.gz", 8)
    x_train = x_train.astype(np.float32) / 255.0
    x_test = x_test.astype(np.float32) / 255.0
    assert x_train.shape == (60000, 28, 28, 1) and y_train.shape == (60000,) and x_test.shape[0] == y_test.shape[0] == 10000
    return x_train, x_test


def main():
    folder, repeats = sys.argv[1], int(sys.argv[2])
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        run(folder)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps({"median_s": statistics.median(times), "min_s": min(times), "cpu_s": statistics.median(cpu), "numpy": np.__version__}))


if __name__ == "__main__":
    main()
