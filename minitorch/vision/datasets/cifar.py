"""CIFAR-10 from the standard Python files (``cifar-10-batches-py``) or the tarball.

Those files are pickles. Unpickling can run arbitrary code, so they are read with an unpickler that
accepts only what the CIFAR files contain (NumPy arrays, lists, dicts, strings): a hostile file raises an
error and runs nothing. NumPy's own pickle functions are not handed to the file either: an array or
dtype is built from a description that is checked first (a plain integer or floating dtype, the data
filling the shape exactly), so a pickle cannot get uninitialised memory by calling ``numpy.ndarray``
itself, nor an odd dtype state.

A bad file raises ``RuntimeError`` naming the file and the problem. Besides being a readable pickle, a
batch must hold integer pixel values 0..255 of shape (N, 3072) and N integer labels, each a class index
of ``batches.meta``'s ``label_names``. torchvision unpickles these files with plain ``pickle`` and checks
none of this (garbage comes back as images, or fails later): minitorch refuses it when the file is read.
"""
import io
import math
import os
import pickle
import tarfile

import numpy as np

from .vision import VisionDataset

_RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}
_SCALAR = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}


# the codes numpy pickles plain numeric dtypes with ("u1", "f8", ...), and their names
_CODES = {np.dtype(t).str[1:] for t in "?bBhHiIlLqQefd"} | {np.dtype(t).name for t in "?bBhHiIlLqQefd"}


class _PickledDtype:
    """``numpy.dtype(code, align, copy)`` in a pickle: a plain numeric dtype, whose state may only say
    its byte order (numpy would accept fields, subarrays and flags from the file)."""

    def __init__(self, code, align=False, copy=False):
        if not (isinstance(code, str) and code in _CODES):
            raise pickle.UnpicklingError(f"a dtype {code!r} is not part of a CIFAR data file")
        self.dtype = np.dtype(code)

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 8 and state[0] == 3 and state[1] in ("<", ">", "|", "=")
                and state[2:] == (None, None, None, -1, -1, 0)):
            raise pickle.UnpicklingError(f"a dtype state {state!r} is not that of a plain numeric dtype")
        self.dtype = self.dtype.newbyteorder(state[1])


class _PickledArray:
    """What numpy's ``_reconstruct`` makes; the pickle's BUILD then gives its shape, dtype and bytes,
    which must fill the shape exactly. ``_unwrap`` turns it into the array."""

    array = None

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 5 and isinstance(state[2], _PickledDtype)):
            raise pickle.UnpicklingError("an array state that is not (version, shape, dtype, order, data)")
        _, shape, dtype, fortran_order, data = state
        if isinstance(data, str):  # a Python 2 pickle's bytes, decoded as latin1
            data = data.encode("latin1")
        if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)
                and isinstance(data, bytes) and len(data) == math.prod(shape) * dtype.dtype.itemsize):
            raise pickle.UnpicklingError(f"an array of shape {shape!r} and dtype {dtype.dtype} whose data does "
                                         f"not fill it")
        self.array = np.frombuffer(data, dtype.dtype).reshape(shape, order="F" if fortran_order else "C")


class _NdarrayClass:
    """Stands for ``numpy.ndarray``: a pickle names it as ``_reconstruct``'s first argument; calling it
    would give an array of uninitialised memory, so it cannot be called."""

    def __call__(self, *args):
        raise pickle.UnpicklingError("calling numpy.ndarray directly (uninitialised memory) is not part of a "
                                     "CIFAR data file")


def _reconstruct(cls, shape, typecode):
    if not isinstance(cls, _NdarrayClass):
        raise pickle.UnpicklingError(f"_reconstruct of {cls!r} is not part of a CIFAR data file")
    return _PickledArray()  # numpy's allocates ``shape`` uninitialised; BUILD gives the real shape and data


def _scalar(dtype, data):
    if isinstance(data, str):
        data = data.encode("latin1")
    if not (isinstance(dtype, _PickledDtype) and isinstance(data, bytes) and len(data) == dtype.dtype.itemsize):
        raise pickle.UnpicklingError(f"a numpy scalar from {dtype!r} and {data!r} is not part of a CIFAR data file")
    return np.frombuffer(data, dtype.dtype)[0]


def _encode(text, encoding):
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):  # what pickles of bytes use
        raise pickle.UnpicklingError(f"_codecs.encode with {encoding!r} is not part of a CIFAR data file")
    return text.encode(encoding)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _RECONSTRUCT:
            return _reconstruct
        if (module, name) in _SCALAR:
            return _scalar
        found = {("numpy", "ndarray"): _NdarrayClass(), ("numpy", "dtype"): _PickledDtype,
                 ("_codecs", "encode"): _encode}.get((module, name))
        if found is not None:
            return found
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not part of a CIFAR data file")


def _unwrap(x):
    if isinstance(x, _PickledArray):
        if x.array is None:
            raise pickle.UnpicklingError("an array without its shape and data")
        return x.array
    if isinstance(x, dict):  # a CIFAR file is a dict of arrays, lists and strings: one level is enough
        return {k: _unwrap(v) if isinstance(v, _PickledArray) else v for k, v in x.items()}
    return x


def load_pickle(data, where):
    try:
        return _unwrap(_SafeUnpickler(io.BytesIO(data), encoding="latin1").load())
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError,
            OverflowError, MemoryError) as e:
        # MemoryError, OverflowError: a length in the pickle that no memory holds (pickle allocates it first)
        raise RuntimeError(f"{where} is not a valid CIFAR-10 batch file ({type(e).__name__}: {e})") from None


def _check_batch(path, entry, n_classes):
    """The images (N, 3072) of a batch as uint8 and its N labels, once both are checked."""
    if not isinstance(entry, dict) or "data" not in entry or not ("labels" in entry or "fine_labels" in entry):
        raise RuntimeError(f"{path}: expected a dict with 'data' and 'labels' (a CIFAR-10 batch file)")
    data, labels = entry["data"], entry.get("labels", entry.get("fine_labels"))
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "iu":
        found = data.dtype if isinstance(data, np.ndarray) else type(data).__name__
        raise RuntimeError(f"{path}: expected 'data' to be an array of integer pixel values, found {found}")
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise RuntimeError(f"{path}: expected data of shape (N, 3072), found {list(data.shape)}")
    if data.size and (data.min() < 0 or data.max() > 255):
        value = data.min() if data.min() < 0 else data.max()
        raise RuntimeError(f"{path}: pixel value {value} is outside 0..255")
    if isinstance(labels, np.ndarray):
        labels = labels.tolist()
    if not isinstance(labels, list):
        raise RuntimeError(f"{path}: expected 'labels' to be a list of integers, found {type(labels).__name__}")
    for i, label in enumerate(labels):
        if not isinstance(label, (int, np.integer)) or isinstance(label, bool):
            raise RuntimeError(f"{path}: label {i} is {label!r}, not an integer")
        if not 0 <= label < n_classes:
            raise RuntimeError(f"{path}: label {label} (at index {i}) is not a class index (0 to {n_classes - 1})")
    if len(labels) != len(data):
        raise RuntimeError(f"{path}: {len(data)} images but {len(labels)} labels")
    return data.astype(np.uint8, copy=False), [int(label) for label in labels]


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
        meta_path, meta = files[-1]
        names = meta.get("label_names") if isinstance(meta, dict) else None
        if not (isinstance(names, list) and names and all(isinstance(c, str) for c in names)):
            raise RuntimeError(f"{meta_path}: expected a dict whose 'label_names' is a list of class names")
        data, targets = [], []
        for path, entry in files[:-1]:
            batch, labels = _check_batch(path, entry, len(names))
            data.append(batch)
            targets.extend(labels)
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # to HWC, like torchvision
        self.targets = targets
        self.classes = names
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
                        where = f"{tarball}:{name}"
                        out.append((where, load_pickle(tar.extractfile(members[name]).read(), where)))
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
