"""save and load: tensors, state_dicts and optimizer state, in a format that runs no code on load.

A minitorch file is a zip archive holding ``structure.json`` - the nesting of dicts, lists, tuples,
numbers and strings, with each tensor replaced by a reference - and one ``.npy`` file per tensor, read
with ``allow_pickle=False``. Loading therefore never executes anything from the file.

``load`` also reads files written by ``torch.save`` of tensors and state_dicts. Those are zip archives
with a pickle inside; minitorch unpickles them with a restricted unpickler that knows only the handful of
names such files use (like torch's ``weights_only=True``): anything else is refused, not run.
"""
import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype
from .tensor import Tensor, _make

FORMAT = "minitorch-save-1"


class UnpicklingError(RuntimeError):
    """Raised for a file that is not a readable minitorch or torch file; nothing from it was run."""


# -- minitorch's own format ---------------------------------------------------------------------------
def save(obj, f):
    """Write ``obj`` (tensors, dicts, lists, tuples, numbers, strings, None) to a path or binary file."""
    arrays = []

    def encode(x):
        if isinstance(x, Tensor):
            arrays.append(x._data if x._data.flags.c_contiguous else x._data.copy())
            kind = "parameter" if type(x).__name__ == "Parameter" else "tensor"
            return {"$": kind, "index": len(arrays) - 1, "requires_grad": x.requires_grad}
        if isinstance(x, (bool, int, float, str)) or x is None:
            return x
        if isinstance(x, dict):
            return {"$": "ordereddict" if isinstance(x, OrderedDict) else "dict",
                    "items": [[encode(k), encode(v)] for k, v in x.items()]}
        if isinstance(x, tuple):
            return {"$": "tuple", "items": [encode(v) for v in x]}
        if isinstance(x, list):
            return [encode(v) for v in x]
        if isinstance(x, _dtype.dtype):
            return {"$": "dtype", "name": x.name}
        if isinstance(x, (np.integer, np.floating, np.bool_)):
            return x.item()
        raise TypeError(f"minitorch.save cannot store an object of type {type(x).__name__}; it stores tensors, "
                        f"dicts, lists, tuples, numbers, strings and None")

    structure = encode(obj)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("structure.json", json.dumps({"format": FORMAT, "object": structure}))
        for i, array in enumerate(arrays):
            with z.open(f"tensors/{i}.npy", "w") as out:
                np.save(out, array, allow_pickle=False)
    data = buffer.getvalue()
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as out:
            out.write(data)
    else:
        f.write(data)


def load(f, map_location=None, weights_only=True, mmap=None):
    """Read what ``save`` (or ``torch.save`` of tensors/state_dicts) wrote. Runs no code from the file."""
    name = str(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file>")
    try:
        archive = zipfile.ZipFile(f if not isinstance(f, os.PathLike) else str(f))
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise UnpicklingError(f"{name} is not a minitorch or torch save file, or it is truncated ({e})") from None
    with archive:
        names = archive.namelist()
        if "structure.json" in names:
            return _load_minitorch(archive, name)
        pickles = [n for n in names if n.endswith("/data.pkl")]
        if pickles:
            return _load_torch(archive, pickles[0], name)
        raise UnpicklingError(f"{name} is a zip archive but neither a minitorch nor a torch save file")


def _load_minitorch(archive, name):
    try:
        document = json.loads(archive.read("structure.json"))
        if document.get("format") != FORMAT:
            raise UnpicklingError(f"{name}: unknown format {document.get('format')!r}")
    except (ValueError, KeyError, zipfile.BadZipFile) as e:
        raise UnpicklingError(f"{name}: unreadable structure.json ({e})") from None

    def array(index):
        try:
            with archive.open(f"tensors/{index}.npy") as src:
                return np.load(io.BytesIO(src.read()), allow_pickle=False)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
            raise UnpicklingError(f"{name}: tensor {index} is missing or corrupt ({e})") from None

    def decode(x):
        if isinstance(x, list):
            return [decode(v) for v in x]
        if not isinstance(x, dict):
            return x
        kind = x.get("$")
        if kind in ("tensor", "parameter"):
            t = _make(array(x["index"]))
            if kind == "parameter":
                from .nn.parameter import Parameter
                return Parameter(t, requires_grad=x["requires_grad"])
            t.requires_grad = x["requires_grad"]
            return t
        if kind in ("dict", "ordereddict"):
            items = [(_hashable(decode(k)), decode(v)) for k, v in x["items"]]
            return OrderedDict(items) if kind == "ordereddict" else dict(items)
        if kind == "tuple":
            return tuple(decode(v) for v in x["items"])
        if kind == "dtype":
            return _dtype._by_name(x["name"])
        raise UnpicklingError(f"{name}: unknown entry {kind!r} in structure.json")

    return decode(document["object"])


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# -- torch's format, read without running pickled code -------------------------------------------------
_TORCH_STORAGES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
                   "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
                   "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class _StorageType:
    def __init__(self, np_dtype):
        self.np_dtype = np_dtype


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    itemsize = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(s * itemsize for s in stride)) if len(size) else \
        storage[offset:offset + 1].reshape(())
    t = _make(np.array(view))  # a copy that owns its memory
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad=requires_grad)


class _TorchUnpickler(pickle.Unpickler):
    """Knows only what a torch.save of tensors and state_dicts contains."""

    _ALLOWED = {("collections", "OrderedDict"): OrderedDict,
                ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
                ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
                ("builtins", "set"): set, ("builtins", "frozenset"): frozenset}

    def __init__(self, data, archive, prefix):
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix = archive, prefix

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        if module == "torch" and name in _TORCH_STORAGES:
            return _StorageType(_TORCH_STORAGES[name])
        if module == "torch" and name in {d.name for d in _dtype.ALL}:
            return _dtype._by_name(name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: minitorch reads only tensors, "
                                     f"state_dicts and plain containers from torch files")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        storage_type, key, numel = pid[1], pid[2], pid[4]
        raw = self.archive.read(f"{self.prefix}/data/{key}")
        return np.frombuffer(raw, storage_type.np_dtype, count=numel)


def _load_torch(archive, pickle_name, name):
    prefix = pickle_name[: -len("/data.pkl")]
    try:
        return _TorchUnpickler(archive.read(pickle_name), archive, prefix).load()
    except (pickle.UnpicklingError, EOFError, KeyError, ValueError, TypeError, AttributeError,
            zipfile.BadZipFile) as e:
        raise UnpicklingError(f"{name}: cannot be read as a torch tensor/state_dict file ({e}); nothing in it "
                              f"was run") from None
