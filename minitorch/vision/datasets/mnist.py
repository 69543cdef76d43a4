"""MNIST and Fashion-MNIST from the standard IDX files (torchvision's layout and API).

An IDX file is a 4-byte magic number (0, 0, element type, number of dims), one big-endian 32-bit size
per dim, then the raw values. Images come back as uint8 NumPy arrays of shape (28, 28) - minitorch has no
PIL - which ``transforms.ToTensor`` turns into float tensors, as it does PIL images in torchvision.

A bad file raises ``RuntimeError`` naming the file and the problem, where torchvision raises a
``TypeError``/``ValueError`` without the file's name or accepts the file. ``read_idx`` reads the header
first and then exactly the bytes its shape needs, in bounded chunks: a file that is shorter, that goes on
after them (a .gz bomb), or that declares more than it holds is refused without reading further. MNIST
checks that images and labels are uint8 (IDX type 0x08), that there are as many labels as images, and
that each label is a class index.
"""
import gzip
import math
import os
import struct
import zlib

import numpy as np

from .vision import VisionDataset

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path, expected_ndim=None, expected_dtype=None):
    """Read an IDX file (optionally gzipped) into a NumPy array, with clear errors for bad files."""
    gz = path.endswith(".gz")
    try:
        with (gzip.open if gz else open)(path, "rb") as f:
            magic = f.read(4)
            if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES:
                raise RuntimeError(f"{path} is not an IDX file (bad magic number {magic.hex() or 'empty'})")
            ndim, dtype = magic[3], np.dtype(_IDX_TYPES[magic[2]])
            if expected_ndim is not None and ndim != expected_ndim:
                raise RuntimeError(f"{path}: expected an IDX file with {expected_ndim} dimensions, found {ndim}")
            if expected_dtype is not None and dtype != expected_dtype:
                raise RuntimeError(f"{path}: expected {np.dtype(expected_dtype)} values, found "
                                   f"{dtype.newbyteorder('=')} (IDX type {magic[2]:#04x})")
            dims = f.read(4 * ndim)
            header = 4 + 4 * ndim
            if len(dims) < 4 * ndim:
                raise RuntimeError(f"{path} is truncated: its header needs {header} bytes, the file has "
                                   f"{4 + len(dims)}")
            shape = struct.unpack(f">{ndim}I", dims)
            needed = header + math.prod(shape) * dtype.itemsize  # Python's ints: np.prod overflows to 0

            def wrong_size(has):
                return RuntimeError(f"{path} is truncated or corrupt: shape {list(shape)} needs {needed} bytes, the "
                                    f"file has {has}")
            if not gz:  # a plain file's size is known: a wrong one is refused before reading
                size = os.fstat(f.fileno()).st_size
                if size != needed:
                    raise wrong_size(size)
            data = _read_at_most(f, needed - header)
            if header + len(data) < needed:
                raise wrong_size(header + len(data))
            if f.read(1):  # a .gz file that goes on after what its header declares: read no further
                raise wrong_size("more")
    except (OSError, EOFError, zlib.error) as e:
        raise RuntimeError(f"Could not read {path}: {e}") from None
    return np.frombuffer(data, dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _read_at_most(f, nbytes):
    """Up to ``nbytes`` bytes, in chunks: a header that declares more than the file holds allocates nothing."""
    out = bytearray()
    while len(out) < nbytes:
        chunk = f.read(min(nbytes - len(out), 1 << 20))
        if not chunk:
            break
        out += chunk
    return out


class MNIST(VisionDataset):
    """``MNIST(root, train=True, transform=None, target_transform=None, download=False)``.

    Looks for the four files (``train-images-idx3-ubyte`` etc., plain or ``.gz``) in
    ``root/<ClassName>/raw`` (torchvision's layout), ``root/<ClassName>`` and ``root``.
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]
    url = "https://ossci-datasets.s3.amazonaws.com/mnist/"
    default_roots = ()

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        prefix = "train" if train else "t10k"
        folder = self._find_folder()
        if folder is None:
            self._missing(download)
        self.folder = folder
        images = self._file(folder, f"{prefix}-images-idx3-ubyte")
        labels = self._file(folder, f"{prefix}-labels-idx1-ubyte")
        # torchvision raises TypeError/ValueError for these two, without the file's name
        self.data = read_idx(images, 3, np.uint8)
        targets = read_idx(labels, 1, np.uint8)
        # torchvision accepts the next two: a label that is no class fails only later, in the loss
        if len(self.data) != len(targets):
            raise RuntimeError(f"{images} has {len(self.data)} images but {labels} has {len(targets)} labels")
        wrong = np.flatnonzero(targets >= len(self.classes))
        if len(wrong):
            raise RuntimeError(f"{labels}: label {targets[wrong[0]]} (at index {wrong[0]}) is not a class index "
                               f"(0 to {len(self.classes) - 1})")
        self.targets = targets.astype(np.int64)

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    def _candidates(self):
        name = type(self).__name__
        return [self.raw_folder, os.path.join(self.root, name), self.root, *self.default_roots]

    @staticmethod
    def _file(folder, name):
        for candidate in (name, name + ".gz"):
            path = os.path.join(folder, candidate)
            if os.path.exists(path):
                return path
        raise RuntimeError(f"Missing file {os.path.join(folder, name)} (or {name}.gz): expected the "
                           f"{'images' if 'images' in name else 'labels'} of the "
                           f"{'training' if name.startswith('train') else 'test'} set in IDX format")

    def _find_folder(self):
        prefix = "train" if self.train else "t10k"
        for folder in self._candidates():
            if any(os.path.exists(os.path.join(folder, f"{prefix}-images-idx3-ubyte{ext}")) for ext in ("", ".gz")):
                return folder
        return None

    def _missing(self, download):
        where = "\n  ".join(self._candidates())
        hint = ("minitorch does not download data sets (this machine may have no network). "
                if download else "")
        raise RuntimeError(f"Dataset not found. {hint}Put the four IDX files (train-images-idx3-ubyte, "
                           f"train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, plain or .gz; "
                           f"from {self.url}) in one of:\n  {where}")

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST: 28x28 grey images of 10 kinds of clothing. Falls back to Debian's package
    ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``) when ``root`` has no files."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    url = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    default_roots = ("/usr/share/datasets/fashion-mnist",)

    def _missing(self, download):
        try:
            super()._missing(download)
        except RuntimeError as e:
            raise RuntimeError(f"{e}\nOn Debian: apt-get install dataset-fashion-mnist") from None
