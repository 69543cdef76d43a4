"""save and load: tensors, state_dicts and optimizer state, in a format that runs no code on load.

A minitorch file is a zip archive holding ``structure.json`` - the nesting of dicts, lists, tuples,
numbers and strings, with each tensor replaced by a reference - and one ``.npy`` file per tensor, read
with ``allow_pickle=False``. Loading therefore never executes anything from the file.

``load`` also reads files written by ``torch.save`` of tensors and state_dicts. Those are zip archives
with a pickle inside; minitorch unpickles them with a restricted unpickler that knows only the handful of
names such files use (like torch's ``weights_only=True``): anything else is refused, not run.

A file is data, never trusted. Every file that ``load`` cannot read raises :class:`UnpicklingError` (a
``RuntimeError``, as torch's load errors are) whose message names the file and the problem; only a
missing file or an unreadable path raises the ``OSError`` that ``open`` raises. Nothing is read outside
what the file holds, and nothing is allocated beyond the sizes the file declares consistently:

- the file must be a regular file (``/dev/zero`` has no end) or an in-memory one, and its zip members'
  stored sizes must add up to no more than the file's size (overlapping members are a zip bomb);
- ``structure.json`` and ``data.pkl`` may not decompress to more bytes than the whole file holds (both
  writers store them uncompressed); a length inside the pickle larger than memory is refused;
- a tensor's data member must hold exactly the bytes that its dtype and sizes need (the ``.npy`` header,
  or the storage's element count in torch's pickle) and is read with a bounded read of that many bytes,
  so a member that decompresses to more is refused before it is inflated; the dtype must be one
  minitorch has;
- a torch tensor's sizes and strides are non-negative integers, as many of one as of the other, its
  storage offset is non-negative and its furthest element lies inside its storage; it is then a view of
  that storage, as in torch (a zero-stride tensor stays a view), and each storage is read once;
- a minitorch file's ``structure.json`` has the known format, entries of known kinds with fields of the
  right types, each tensor file used once, and at most ``MAX_DEPTH`` levels of nesting (which ``save``
  also enforces, so that every file ``save`` writes can be loaded).
"""
import io
import json
import math
import os
import pickle
import stat
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import _dtype
from .tensor import Tensor, _make

FORMAT = "minitorch-save-1"
PICKLED = "object.pkl"  # the one member of a file that save() wrote with pickle
MAX_DEPTH = 100  # levels of nested containers in a minitorch file (a state_dict has 2 to 4)


class UnpicklingError(RuntimeError):
    """Raised for a file that is not a readable minitorch or torch file; nothing from it was run."""


# -- minitorch's own format ---------------------------------------------------------------------------
def save(obj, f):
    """Write ``obj`` to a path or binary file: tensors, dicts, lists, tuples, numbers, strings and None in
    minitorch's format; anything else (``save(model)``: a whole module) with Python's pickle, as torch does,
    which ``load`` reads only when asked with ``weights_only=False``."""
    arrays = []

    def encode(x, depth=0):
        if depth > MAX_DEPTH:  # load refuses deeper files: refuse to write one
            raise ValueError(f"minitorch.save stores at most {MAX_DEPTH} levels of nested containers; this object "
                             f"nests deeper (or contains itself)")
        if isinstance(x, Tensor):
            arrays.append(x._data if x._data.flags.c_contiguous else x._data.copy())
            kind = "parameter" if type(x).__name__ == "Parameter" else "tensor"
            return {"$": kind, "index": len(arrays) - 1, "requires_grad": x.requires_grad}
        if isinstance(x, (bool, int, float, str)) or x is None:
            return x
        if isinstance(x, dict):
            return {"$": "ordereddict" if isinstance(x, OrderedDict) else "dict",
                    "items": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in x.items()]}
        if isinstance(x, tuple):
            return {"$": "tuple", "items": [encode(v, depth + 1) for v in x]}
        if isinstance(x, list):
            return [encode(v, depth + 1) for v in x]
        if isinstance(x, _dtype.dtype):
            return {"$": "dtype", "name": x.name}
        if isinstance(x, (np.integer, np.floating, np.bool_)):
            return x.item()
        raise TypeError(f"minitorch.save cannot store an object of type {type(x).__name__}; it stores tensors, "
                        f"dicts, lists, tuples, numbers, strings and None")

    buffer = io.BytesIO()
    try:
        structure = encode(obj)
    except TypeError:  # a whole module or another object: Python's pickle, as torch.save does (see load)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
            z.writestr(PICKLED, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    else:
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
    """Read what ``save`` (or ``torch.save`` of tensors/state_dicts) wrote. Runs no code from the file -
    unless it holds a pickled object (``save(model)``) and ``weights_only=False`` says the file is trusted:
    unpickling can run any code, which is why torch too refuses it by default."""
    name = str(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file>")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fp:  # a missing file raises FileNotFoundError, as in torch
            return _load_archive(fp, name, weights_only)
    return _load_archive(f, name, weights_only)


def _load_archive(fp, name, weights_only=True):
    try:
        mode = os.fstat(fp.fileno()).st_mode
    except (AttributeError, OSError):  # in memory (io.BytesIO): its data ends where it ends
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):  # zipfile reads a device such as /dev/zero forever, looking for its end
        raise UnpicklingError(f"{name} is not a regular file, so not a minitorch or torch save file")
    try:
        size = fp.seek(0, io.SEEK_END)
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise UnpicklingError(f"{name} is not a minitorch or torch save file, or it is truncated ({e})") from None
    with archive:
        stored = sum(info.compress_size for info in archive.infolist())
        if stored > size:
            raise UnpicklingError(f"{name}: its zip members take {stored} bytes but the file holds {size}: they "
                                  f"overlap (a zip bomb) or the archive is corrupt")
        names = archive.namelist()
        if "structure.json" in names:
            return _load_minitorch(archive, name, size)
        if names == [PICKLED]:
            return _load_pickled(_read_metadata(archive, PICKLED, name, size), weights_only, name)
        pickles = [n for n in names if n.endswith("/data.pkl")]
        if pickles:
            return _load_torch(archive, pickles[0], name, size)
        raise UnpicklingError(f"{name} is a zip archive but neither a minitorch nor a torch save file")


class _RefuseGlobals(pickle.Unpickler):
    """Reads a pickle up to its first class or function reference, and refuses it there: nothing is run."""

    def find_class(self, module, name):
        raise UnpicklingError(
            "Weights only load failed. This file can still be loaded, to do so you have two options, \x1b[1mdo those "
            "steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In PyTorch 2.6, we changed the default value of "
            "the `weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` with "
            "`weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do it "
            "only if you got the file from a trusted source.\n\t(2) minitorch has no allowlist of classes for "
            f"`weights_only=True`: save the `state_dict()` instead.\n\tWeightsUnpickler error: Unsupported global: "
            f"GLOBAL {module}.{name} was not an allowed global by default.")


def _load_pickled(data, weights_only, name):
    if not weights_only:
        return pickle.loads(data)  # the caller said the file is trusted
    try:
        return _RefuseGlobals(io.BytesIO(data)).load()  # a pickle of plain data only: nothing to run
    except UnpicklingError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError, MemoryError) as e:
        raise UnpicklingError(f"{name}: {PICKLED} is corrupt ({type(e).__name__}: {e})") from None


# Reading a zip member: what a corrupt one raises. RuntimeError is zipfile's "File ... is encrypted".
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _read_metadata(archive, member, name, size):
    """The whole of ``structure.json`` or ``data.pkl``, refused if it would decompress to more than the file."""
    info = archive.getinfo(member)
    if info.file_size > size:
        raise UnpicklingError(f"{name}: {member} would decompress to {info.file_size} bytes, more than the whole "
                              f"file holds ({size} bytes): a zip bomb, not a save file")
    try:
        return archive.read(info)  # zipfile reads no more than the member's declared size
    except _ZIP_ERRORS as e:
        raise UnpicklingError(f"{name}: {member} is corrupt ({e})") from None


def _member(archive, member, name, what):
    try:
        return archive.getinfo(member)
    except KeyError:
        raise UnpicklingError(f"{name}: {what} is missing (no member {member})") from None


def _read_exactly(src, nbytes, name, member):
    """``nbytes`` bytes from an open member into a new writable buffer, in chunks: never more is read."""
    out = bytearray(nbytes)
    view, pos = memoryview(out), 0
    try:
        while pos < nbytes:
            chunk = src.read(min(nbytes - pos, 1 << 20))
            if not chunk:
                raise EOFError(f"it ends after {pos} of {nbytes} bytes")
            view[pos:pos + len(chunk)] = chunk
            pos += len(chunk)
    except _ZIP_ERRORS as e:
        raise UnpicklingError(f"{name}: {member} is corrupt or truncated ({e})") from None
    return out


def _read_npy(archive, member, name):
    """A tensor file of a minitorch archive: its .npy header is checked against the member's size and
    against minitorch's dtypes before the data is read."""
    info = _member(archive, member, name, "a tensor's data")
    with archive.open(info) as src:
        try:
            version = np.lib.format.read_magic(src)
            if version not in ((1, 0), (2, 0)):
                raise ValueError(f"unsupported .npy version {version}")
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read_header(src)
            header = src.tell()
        except (ValueError, SyntaxError, *_ZIP_ERRORS) as e:
            raise UnpicklingError(f"{name}: {member} is not a readable .npy array ({e})") from None
        native = dtype.newbyteorder("=")
        if native not in _dtype._FROM_NP:
            raise UnpicklingError(f"{name}: {member} holds dtype {dtype}, which minitorch has no tensor of")
        if any(n < 0 for n in shape):
            raise UnpicklingError(f"{name}: {member} declares a negative size in its shape {list(shape)}")
        nbytes = math.prod(shape) * dtype.itemsize
        if info.file_size - header != nbytes:
            raise UnpicklingError(f"{name}: {member} holds {info.file_size - header} bytes of data, but its shape "
                                  f"{list(shape)} of {native} needs {nbytes}")
        data = _read_exactly(src, nbytes, name, member)
    array = np.frombuffer(data, dtype).reshape(shape, order="F" if fortran_order else "C")
    return array.astype(native, copy=False)


def _load_minitorch(archive, name, size):
    raw = _read_metadata(archive, "structure.json", name, size)
    try:
        document = json.loads(raw)
    except RecursionError:
        raise UnpicklingError(f"{name}: structure.json nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as e:  # also bad UTF-8 and integers of more than 4300 digits
        raise UnpicklingError(f"{name}: unreadable structure.json ({e})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or "object" not in document:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise UnpicklingError(f"{name}: unknown format {found!r} in structure.json (expected {FORMAT!r})")
    used = set()

    def bad(problem):
        raise UnpicklingError(f"{name}: structure.json {problem}")

    def tensor(x):
        index, requires_grad = x.get("index"), x.get("requires_grad")
        if type(index) is not int or index < 0 or type(requires_grad) is not bool:
            bad(f"has a tensor entry without an integer 'index' and a bool 'requires_grad': {x!r}")
        if index in used:  # save writes each tensor once; a reused one would multiply the memory it takes
            bad(f"uses tensor {index} twice")
        used.add(index)
        t = _make(_read_npy(archive, f"tensors/{index}.npy", name))
        if requires_grad and not t.dtype.is_floating_point:
            bad(f"asks tensor {index} ({t.dtype}) to require grad: only Tensors of floating point dtype can "
                f"require gradients")
        if x["$"] == "parameter":
            from .nn.parameter import Parameter
            return Parameter(t, requires_grad=requires_grad)
        t.requires_grad = requires_grad
        return t

    def items(x):
        entries = x.get("items")
        if not isinstance(entries, list):
            bad(f"has a {x['$']} entry without a list of 'items'")
        return entries

    def decode(x, depth=0):
        if depth > MAX_DEPTH:
            bad(f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(x, list):
            return [decode(v, depth + 1) for v in x]
        if not isinstance(x, dict):
            return x
        kind = x.get("$")
        if kind in ("tensor", "parameter"):
            return tensor(x)
        if kind in ("dict", "ordereddict"):
            pairs = []
            for pair in items(x):
                if not (isinstance(pair, list) and len(pair) == 2):
                    bad(f"has a dict item that is not a [key, value] pair: {pair!r}")
                key = _hashable(decode(pair[0], depth + 1))
                try:
                    hash(key)
                except TypeError:
                    bad(f"has a dict key of unhashable type {type(key).__name__}")
                pairs.append((key, decode(pair[1], depth + 1)))
            return OrderedDict(pairs) if kind == "ordereddict" else dict(pairs)
        if kind == "tuple":
            return tuple(decode(v, depth + 1) for v in items(x))
        if kind == "dtype":
            if not isinstance(x.get("name"), str) or x["name"] not in _dtype._NAMES:
                bad(f"names an unknown dtype {x.get('name')!r}")
            return _dtype._by_name(x["name"])
        bad(f"has an unknown entry {kind!r}")

    return decode(document["object"])


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# -- torch's format, read without running pickled code -------------------------------------------------
_TORCH_STORAGES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
                   "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
                   "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class _StorageType:
    def __init__(self, name, np_dtype):
        self.name, self.np_dtype = name, np_dtype

    def __repr__(self):
        return f"torch.{self.name}"


class _Storage:
    """A storage record of a torch file, read; only ``persistent_load`` makes one."""

    def __init__(self, key, array):
        self.key, self.array = key, array


def _index_tuple(values, what):
    if not (isinstance(values, tuple) and all(type(v) is int for v in values)):
        raise pickle.UnpicklingError(f"a tensor's {what} must be a tuple of integers, not {values!r}")
    return values


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """torch._utils._rebuild_tensor_v2: a view of the storage, once every element it reaches is inside it."""
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(f"a tensor's storage must be a storage record, not {type(storage).__name__}")
    size, stride = _index_tuple(size, "sizes"), _index_tuple(stride, "strides")
    array = storage.array
    if type(offset) is not int:
        raise pickle.UnpicklingError(f"a tensor's storage offset must be an integer, not {offset!r}")
    if len(size) != len(stride):  # in torch's words, here and below, where torch has a message
        raise pickle.UnpicklingError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if offset < 0:
        raise pickle.UnpicklingError(f"Tensor: invalid storage offset {offset}")
    if any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"Storage size calculation overflowed with sizes={list(size)} and "
                                     f"strides={list(stride)}")
    if requires_grad is not False and (requires_grad is not True or array.dtype.kind != "f"):
        raise pickle.UnpicklingError(f"only Tensors of floating point dtype can require gradients "
                                     f"(requires_grad={requires_grad!r} for a {array.dtype} tensor)")
    numel = math.prod(size)
    if numel * array.itemsize >= 2 ** 63:
        raise pickle.UnpicklingError(f"numel: integer multiplication overflow (sizes {list(size)})")
    if numel == 0:  # no element to reach: torch accepts any offset and strides here
        view = np.empty(size, array.dtype)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= len(array):
            raise pickle.UnpicklingError(
                f"a tensor with sizes {list(size)}, strides {list(stride)} and storage offset {offset} reaches "
                f"element {last} of storage '{storage.key}', which holds {len(array)} elements")
        view = np.lib.stride_tricks.as_strided(array[offset:], shape=size,
                                               strides=tuple(s * array.itemsize for s in stride))
    t = _make(view)  # shares the storage, as torch's tensors do
    t.requires_grad = requires_grad
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise pickle.UnpicklingError(f"a parameter must be built from a tensor and a bool, not "
                                     f"{type(data).__name__} and {requires_grad!r}")
    if requires_grad and not data.dtype.is_floating_point:
        raise pickle.UnpicklingError(f"only Tensors of floating point dtype can require gradients (a {data.dtype} "
                                     f"parameter)")
    return Parameter(data, requires_grad=requires_grad)


class _TorchUnpickler(pickle.Unpickler):
    """Knows only what a torch.save of tensors and state_dicts contains."""

    _ALLOWED = {("collections", "OrderedDict"): OrderedDict,
                ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
                ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
                ("builtins", "set"): set, ("builtins", "frozenset"): frozenset}

    def __init__(self, data, archive, prefix, name):
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix, self.name = archive, prefix, name
        self.storages = {}  # key -> _Storage: each storage is read once, however many tensors use it

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        if module == "torch" and name in _TORCH_STORAGES:
            return _StorageType(name, _TORCH_STORAGES[name])
        if module == "torch" and name in {d.name for d in _dtype.ALL}:
            return _dtype._by_name(name)
        if module == "torch" and name.endswith("Storage"):
            raise pickle.UnpicklingError(f"torch.{name} holds a dtype minitorch has no tensor of")
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: minitorch reads only tensors, "
                                     f"state_dicts and plain containers from torch files")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, numel = pid
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str) or type(numel) is not int \
                or numel < 0:
            raise pickle.UnpicklingError(f"a storage record needs a storage type, a key and an element count, "
                                         f"not {pid!r}")
        dtype = np.dtype(storage_type.np_dtype)
        if key in self.storages:
            storage = self.storages[key]
            if storage.array.dtype != dtype or len(storage.array) != numel:
                raise pickle.UnpicklingError(f"storage '{key}' is declared twice, with different dtypes or sizes")
            return storage
        member = f"{self.prefix}/data/{key}"
        info = _member(self.archive, member, self.name, f"storage '{key}'")
        if info.file_size != numel * dtype.itemsize:  # checked before anything is read or inflated
            raise pickle.UnpicklingError(f"storage '{key}' ({member}) holds {info.file_size} bytes, but its {numel} "
                                         f"elements of {dtype} need {numel * dtype.itemsize}")
        with self.archive.open(info) as src:
            data = _read_exactly(src, info.file_size, self.name, member)
        storage = self.storages[key] = _Storage(key, np.frombuffer(data, dtype))
        return storage


def _load_torch(archive, pickle_name, name, size):
    prefix = pickle_name[: -len("/data.pkl")]
    data = _read_metadata(archive, pickle_name, name, size)
    try:
        return _TorchUnpickler(data, archive, prefix, name).load()
    except (pickle.UnpicklingError, EOFError, KeyError, ValueError, TypeError, AttributeError, IndexError,
            OverflowError, MemoryError) as e:
        # MemoryError, OverflowError: a length in the pickle that no memory holds (pickle allocates it first)
        detail = e if isinstance(e, pickle.UnpicklingError) else f"{type(e).__name__}: {e}"
        raise UnpicklingError(f"{name}: cannot be read as a torch tensor/state_dict file ({detail}); nothing in "
                              f"it was run") from None
