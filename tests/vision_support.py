"""Small dataset files in the formats torchvision reads (MNIST's IDX, CIFAR-10's pickled batches), written
for the tests of the readers (test_vision.py) and of what they do with damaged files (test_hostile_files.py)."""
import gzip
import os
import pickle
import struct

import numpy as np

rng = np.random.default_rng(0)


def write_idx(path, array, compress=False):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", s) for s in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(data)


def make_mnist(root, name="FashionMNIST", n_train=7, n_test=3, compress=False):
    raw = os.path.join(root, name, "raw")
    os.makedirs(raw, exist_ok=True)
    ext = ".gz" if compress else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte{ext}"), rng.integers(0, 256, (n, 28, 28)), compress)
        write_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte{ext}"), rng.integers(0, 10, n), compress)
    return raw


def make_cifar(root, per_batch=4):
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        entry = {"batch_label": name, "data": rng.integers(0, 256, (per_batch, 3072)).astype(np.uint8),
                 "labels": rng.integers(0, 10, per_batch).tolist(), "filenames": [f"{i}.png" for i in range(per_batch)]}
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(entry, f)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({"label_names": names, "num_cases_per_batch": per_batch}, f)
    return folder
