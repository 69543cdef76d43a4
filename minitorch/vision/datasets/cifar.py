"""CIFAR-10 from the standard Python files (``cifar-10-batches-py``) or the tarball.

Those files are pickles. Unpickling can run arbitrary code, so they are read with an unpickler that
accepts only what the CIFAR files contain (NumPy arrays, lists, dicts, strings): a hostile file raises an
error and runs nothing.
"""
import io
import os
import pickle
import tarfile

import numpy as np

from .vision import VisionDataset

_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"), ("_codecs", "encode")}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not part of a CIFAR data file")


def load_pickle(data, where):
    try:
        return _SafeUnpickler(io.BytesIO(data), encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as e:
        raise RuntimeError(f"{where} is not a valid CIFAR-10 batch file ({e})") from None


class CIFAR10(VisionDataset):
    """``CIFAR10(root, train=True, transform=None, target_transform=None, download=False)``: 32x32 colour
    images (uint8 arrays of shape (32, 32, 3)) and their class indices."""

    base_folder = "cifar-10-batches-py"
    filename = "cifar-10-python.tar.gz"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta_file = "batches.meta"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        files = self._read_files(self.train_list if train else self.test_list, download)
        data, targets = [], []
        for name, entry in files[:-1]:
            if not isinstance(entry, dict) or "data" not in entry or not ("labels" in entry or "fine_labels" in entry):
                raise RuntimeError(f"{name}: expected a dict with 'data' and 'labels' (a CIFAR-10 batch file)")
            batch = np.asarray(entry["data"], dtype=np.uint8)
            if batch.ndim != 2 or batch.shape[1] != 3 * 32 * 32:
                raise RuntimeError(f"{name}: expected data of shape (N, 3072), found {list(batch.shape)}")
            data.append(batch)
            targets.extend(entry.get("labels", entry.get("fine_labels")))
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # to HWC, like torchvision
        self.targets = [int(t) for t in targets]
        meta = files[-1][1]
        self.classes = list(meta["label_names"])
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _read_files(self, names, download):
        """[(name, unpickled content)] for the batches, then the meta file, from the folder or the tarball."""
        folder = os.path.join(self.root, self.base_folder)
        tarball = os.path.join(self.root, self.filename)
        wanted = names + [self.meta_file]
        if os.path.isdir(folder):
            out = []
            for name in wanted:
                path = os.path.join(folder, name)
                if not os.path.exists(path):
                    raise RuntimeError(f"Missing file {path}: expected the CIFAR-10 file {name}")
                with open(path, "rb") as f:
                    out.append((path, load_pickle(f.read(), path)))
            return out
        if os.path.exists(tarball):
            try:
                with tarfile.open(tarball, "r:gz") as tar:
                    members = {os.path.basename(m.name): m for m in tar.getmembers() if m.isfile()}
                    out = []
                    for name in wanted:
                        if name not in members:
                            raise RuntimeError(f"{tarball} has no member {self.base_folder}/{name}")
                        out.append((f"{tarball}:{name}", load_pickle(tar.extractfile(members[name]).read(), name)))
                    return out
            except (tarfile.TarError, EOFError, OSError) as e:
                raise RuntimeError(f"{tarball} is not a readable CIFAR-10 tarball ({e})") from None
        hint = "minitorch does not download data sets (this machine may have no network). " if download else ""
        raise RuntimeError(f"Dataset not found. {hint}Put the CIFAR-10 python files (from {self.url}) in "
                           f"{folder}, or the tarball at {tarball}.")

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"
