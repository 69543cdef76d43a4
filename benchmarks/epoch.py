"""Item d: training the blitz net on Fashion-MNIST with the blitz recipe (batch 4, SGD lr 1e-3 momentum 0.9,
CrossEntropyLoss), both engines from identical weights on the same batches in the same order, then the
test accuracy of each.

The data is loaded once as float32 arrays, transformed as the blitz does (Pad(2) to 32x32, ToTensor,
Normalize(0.5, 0.5)), and both engines are fed the same NumPy batch at each step. The two trainings run in
lockstep - one step of minitorch, one of torch - and each engine's steps are timed separately and added
up, so that load from other processes on a shared machine falls on both alike.
"""
import os
import time

import numpy as np

from benchmarks.step import make_step, twin_nets
from benchmarks.timing import ENGINES, case, engines

DATA = "/usr/share/datasets/fashion-mnist"


def load(train):
    """Images (N, 1, 32, 32) float32 in [-1, 1] and labels (N,) int64."""
    from minitorch.vision.datasets.mnist import read_idx
    prefix = "train" if train else "t10k"
    images = read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz"), 3)
    labels = read_idx(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz"), 1)
    x = np.pad(images, ((0, 0), (2, 2), (2, 2)))[:, None].astype(np.float32)
    x /= np.float32(255)                    # ToTensor
    x -= np.float32(0.5)                    # Normalize((0.5,), (0.5,))
    x /= np.float32(0.5)
    return x, labels.astype(np.int64)


def accuracy(lib, net, x, y, batch=1000):
    """Percentage of test images whose largest logit is the right class."""
    right = 0
    with lib.no_grad():
        for start in range(0, len(x), batch):
            logits = net(lib.from_numpy(x[start:start + batch]))
            right += int((logits.argmax(1).numpy() == y[start:start + batch]).sum())
    return 100.0 * right / len(x)


def cases(steps=None, epochs=1, batch=4, seed=0):
    """One row: the summed training time of each engine over ``epochs`` (or the first ``steps`` steps)."""
    if not os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte.gz")):
        print(f"  (skipped: Fashion-MNIST not found in {DATA}; `bash .ci/setup --data` installs it)")
        return []
    libs = engines()
    train_x, train_y = load(True)
    test_x, test_y = load(False)
    nets = twin_nets(1, seed)
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(train_x)) for _ in range(epochs)])
    total = len(order) // batch if steps is None else min(steps, len(order) // batch)
    x_batch = np.empty((batch, 1, 32, 32), np.float32)
    y_batch = np.empty(batch, np.int64)
    steps_of = {name: make_step(libs[name], nets[name], x_batch, y_batch) for name in ENGINES}
    spent = dict.fromkeys(ENGINES, 0.0)
    running = dict.fromkeys(ENGINES, 0.0)
    for i in range(total):
        idx = order[i * batch:(i + 1) * batch]
        np.take(train_x, idx, axis=0, out=x_batch)  # both engines' input tensors share these two arrays
        np.take(train_y, idx, axis=0, out=y_batch)
        for name in ENGINES:
            start = time.perf_counter()
            running[name] += steps_of[name]().item()
            spent[name] += time.perf_counter() - start
    accuracies, eval_s = {}, {}
    for name in ENGINES:
        start = time.perf_counter()
        accuracies[name] = accuracy(libs[name], nets[name], test_x, test_y)
        eval_s[name] = time.perf_counter() - start
    what = f"{epochs} epoch{'s' if epochs > 1 else ''}" if steps is None or total == len(order) // batch \
        else f"{total} steps"
    return [case("epoch", f"Fashion-MNIST blitz, {what}, batch {batch}", spent, steps=total,
                 accuracy_minitorch=accuracies["minitorch"], accuracy_torch=accuracies["torch"],
                 mean_loss_minitorch=running["minitorch"] / total, mean_loss_torch=running["torch"] / total,
                 eval_minitorch_s=eval_s["minitorch"], eval_torch_s=eval_s["torch"])]
