"""Linear-regression baseline for the README's Boston Housing numbers (numpy least squares, no sklearn needed).

Usage: /usr/bin/python3 tools/boston_baseline.py HOUSING_CSV OUT_DIR
Prints val MAE / RMSE of ordinary least squares on two 80/20 splits of the 506 rows, and writes OUT_DIR/keras_train.csv
and OUT_DIR/keras_test.csv (Keras' boston_housing.load_data split: RandomState(113) shuffle, first int(506*0.8) rows
train) so that `layerlab train ... --dataset keras_train.csv --test keras_test.csv` trains on the same split.
"""
import csv
import os
import sys

import numpy as np


def ols(x_tr, y_tr, x_te, y_te):
    a = np.hstack([x_tr, np.ones((len(x_tr), 1))])
    w, *_ = np.linalg.lstsq(a, y_tr, rcond=None)
    p = np.hstack([x_te, np.ones((len(x_te), 1))]) @ w
    return float(np.mean(np.abs(p - y_te))), float(np.sqrt(np.mean((p - y_te) ** 2)))


def main(path, out):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, data = rows[0], np.array(rows[1:], dtype=np.float64)
    x, y = data[:, :13], data[:, 13]
    n = len(data)
    cut = n - round(n * 0.2)  # Keras validation_split: the last 20% in file order
    print("last-20%% split (%d/%d): OLS val MAE %.3f, val RMSE %.3f" % ((cut, n - cut) + ols(x[:cut], y[:cut], x[cut:], y[cut:])))
    idx = np.arange(n)
    np.random.RandomState(113).shuffle(idx)
    k = int(n * (1 - 0.2))
    print("Keras load_data split (%d/%d): OLS val MAE %.3f, val RMSE %.3f" % ((k, n - k) + ols(x[idx[:k]], y[idx[:k]], x[idx[k:]], y[idx[k:]])))
    os.makedirs(out, exist_ok=True)
    for name, part in (("keras_train.csv", idx[:k]), ("keras_test.csv", idx[k:])):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows[1:][i] for i in part)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
