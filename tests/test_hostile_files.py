"""Hostile and malformed files: load and the dataset readers read nothing outside what a file holds,
allocate no more than its consistent, declared sizes, and refuse every bad file with one documented
error naming the file and the problem (serialization.UnpicklingError for load, RuntimeError for the
dataset readers). Every file is crafted here, small, in tmp_path; where torch or torchvision refuses a
file too, the test checks that it does.
"""
import gzip
import io
import json
import os
import pickle
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torchvision

import minitorch
from minitorch.serialization import MAX_DEPTH, UnpicklingError
from minitorch.vision import datasets

from vision_support import make_cifar, make_mnist, write_idx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def refused(path, problem):
    """pytest.raises for minitorch's one load error, whose message names the file and then the problem."""
    return pytest.raises(UnpicklingError, match=re.escape(str(path)) + ".*" + problem)


def peak_allocation(fn):
    """The most memory that Python and NumPy held at once while ``fn`` ran (tracemalloc: counts, no timing)."""
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def run_isolated(code, timeout=60, memory=2 << 30):
    """Run ``code`` in a fresh Python with an address-space limit and a timeout, so that a regression that
    reads without end or touches memory outside an array fails this test instead of the whole suite."""
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    try:
        return subprocess.run([sys.executable, "-c", limit + code], cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")


# -- torch files, crafted: a real torch.save with its pickle and storages replaced ----------------------
class Storage:
    """A storage record in a crafted pickle (torch writes ('storage', type, key, location, numel))."""

    def __init__(self, key, numel, storage_type=torch.FloatStorage, pid=None):
        self.pid = pid or ("storage", storage_type, key, "cpu", numel)


class Rebuild:
    """Pickles as torch's own call torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)."""

    def __init__(self, storage, offset, size, stride, requires_grad=False):
        self.args = (storage, offset, tuple(size), tuple(stride), requires_grad, OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, Storage) else None


def torch_file(path, obj=None, storages=None, pickled=None, deflate=()):
    """Write a torch file: the pickle of ``obj`` (or the bytes ``pickled``) and ``storages`` ({key: bytes}),
    with the other members (version, byteorder, ...) of a real torch.save; members named in ``deflate``
    are compressed."""
    if pickled is None:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=2).dump(obj)
        pickled = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in torch_metadata().items():
            out.writestr(name, data)
        members = {"archive/data.pkl": pickled, **{f"archive/data/{k}": v for k, v in (storages or {}).items()}}
        for member, data in members.items():
            compress = zipfile.ZIP_DEFLATED if member.rsplit("/", 1)[-1] in deflate else zipfile.ZIP_STORED
            out.writestr(member, data, compress_type=compress)
    return path


def torch_metadata():
    """The members of a real torch.save other than its pickle and storages: version, byteorder, ..."""
    template = io.BytesIO()
    torch.save({"w": torch.zeros(1)}, template)
    with zipfile.ZipFile(template) as z:
        return {n: z.read(n) for n in z.namelist() if not (n.endswith("/data.pkl") or "/data/" in n)}


FOUR = np.arange(4, dtype=np.float32).tobytes()  # a 16-byte storage of 4 float32


def test_tensor_far_outside_its_storage_is_refused(tmp_path):
    cases = {  # before the bounds check these two read far outside their storage and crashed the process
        "stride.pt": ((2,), (2 ** 40,), "reaches element 1099511627776 of storage '0', which holds 4 elements"),
        "size.pt": ((2 ** 20,), (1,), "reaches element 1048575 of storage '0', which holds 4 elements"),
    }
    for name, (size, stride, _) in cases.items():
        path = torch_file(tmp_path / name, {"w": Rebuild(Storage("0", 4), 0, size, stride)}, {"0": FOUR})
        with pytest.raises(RuntimeError):
            torch.load(path, weights_only=True)
    # in a fresh process, so that a regression fails this test rather than crashing the suite
    proc = run_isolated(f"import minitorch\nfor name in {list(cases)!r}:\n    try:\n"
                        f"        minitorch.load({str(tmp_path)!r} + '/' + name)\n"
                        f"    except minitorch.serialization.UnpicklingError as e:\n        print(e)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name, (_, _, problem) in cases.items():
        assert f"{tmp_path / name}: " in proc.stdout and problem in proc.stdout, proc.stdout


@pytest.mark.parametrize("offset,size,stride,problem", [
    (100, (1,), (1,), r"storage offset 100 reaches element 100 of storage '0'"),  # was heap contents
    (3, (2,), (1,), r"reaches element 4 of storage '0', which holds 4 elements"),
    (4, (), (), r"reaches element 4 of storage '0'"),
    (-2, (1,), (1,), r"Tensor: invalid storage offset -2"),
    (0, (4,), (-1,), r"Storage size calculation overflowed with sizes=\[4\] and strides=\[-1\]"),  # was garbage
    (0, (-1,), (1,), r"Storage size calculation overflowed with sizes=\[-1\]"),
    (0, (2, 2), (1,), r"unequal size length \(2\) and stride length \(1\)"),
    (0, (2 ** 40, 2 ** 40), (0, 0), r"numel: integer multiplication overflow"),
    (0, (2.0,), (1,), r"sizes must be a tuple of integers"),
])
def test_tensor_outside_its_storage_is_refused(tmp_path, offset, size, stride, problem):
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(Storage("0", 4), offset, size, stride)}, {"0": FOUR})
    with pytest.raises((RuntimeError, TypeError)):
        torch.load(path, weights_only=True)
    with refused(path, problem):
        minitorch.load(path)


def test_zero_stride_tensor_stays_a_view_of_its_storage(tmp_path):
    storage = Storage("0", 4)
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(storage, 1, (4096, 4096), (0, 0)),
                                          "base": Rebuild(storage, 0, (4,), (1,))}, {"0": FOUR})
    theirs, mine = torch.load(path, weights_only=True), minitorch.load(path)
    assert theirs["w"].stride() == (0, 0) and theirs["w"].untyped_storage().nbytes() == 16
    assert mine["w"].stride() == theirs["w"].stride() and mine["w"].shape == theirs["w"].shape
    assert np.shares_memory(mine["w"].numpy(), mine["base"].numpy())  # one 16-byte storage, as in torch
    np.testing.assert_array_equal(mine["w"].numpy()[:3, :3], theirs["w"].numpy()[:3, :3])
    np.testing.assert_array_equal(mine["base"].numpy(), theirs["base"].numpy())


@pytest.mark.parametrize("storage,problem", [
    (Storage("0", 8), r"storage '0' \(archive/data/0\) holds 16 bytes, but its 8 elements of float32 need 32"),
    (Storage("0", 2), r"storage '0' \(archive/data/0\) holds 16 bytes, but its 2 elements of float32 need 8"),
    (Storage("0", 4, pid=("storage", torch.FloatStorage, "0")), r"unexpected persistent id"),
    (Storage("0", 4, pid=("storage", "float", "0", "cpu", 4)), r"a storage record needs a storage type"),
    (Storage("0", -4), r"a storage record needs a storage type, a key and an element count"),
])
def test_storage_record_must_match_its_member(tmp_path, storage, problem):
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(storage, 0, (2,), (1,))}, {"0": FOUR})
    with pytest.raises((RuntimeError, TypeError, AttributeError, ValueError)):
        torch.load(path, weights_only=True)
    with refused(path, problem):
        minitorch.load(path)


def test_requires_grad_on_an_integer_tensor_is_refused(tmp_path):
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(Storage("0", 2, torch.LongStorage), 0, (2,), (1,), True)},
                      {"0": np.arange(2).tobytes()})
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        torch.load(path, weights_only=True)
    with refused(path, "only Tensors of floating point dtype can require gradients"):
        minitorch.load(path)


def test_storage_of_a_dtype_minitorch_lacks(tmp_path):
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(Storage("0", 8, torch.BFloat16Storage), 0, (8,), (1,))},
                      {"0": FOUR})
    assert torch.load(path, weights_only=True)["w"].dtype == torch.bfloat16  # a good file, for torch
    with refused(path, "torch.BFloat16Storage holds a dtype minitorch has no tensor of"):
        minitorch.load(path)


def test_compressed_storage_that_inflates_past_its_size_is_not_inflated(tmp_path):
    path = torch_file(tmp_path / "t.pt", {"w": Rebuild(Storage("0", 4), 0, (4,), (1,))},
                      {"0": FOUR + bytes(8 << 20)}, deflate=("0",))
    assert os.path.getsize(path) < 100_000  # 8 MB of zeros, deflated
    with pytest.raises(RuntimeError, match=r"record size \(8388624 bytes\) does not match"):
        torch.load(path, weights_only=True)

    def load():
        with refused(path, r"holds 8388624 bytes, but its 4 elements of float32 need 16"):
            minitorch.load(path)
    assert peak_allocation(load) < 2 << 20
    # a compressed storage of the right size is fine (torch reads it too)
    path = torch_file(tmp_path / "ok.pt", {"w": Rebuild(Storage("0", 4), 0, (4,), (1,))}, {"0": FOUR}, deflate=("0",))
    np.testing.assert_array_equal(minitorch.load(path)["w"].numpy(), torch.load(path, weights_only=True)["w"].numpy())


def test_compressed_pickle_larger_than_the_file_is_not_inflated(tmp_path):
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump({"w": Rebuild(Storage("0", 4), 0, (4,), (1,))})
    path = torch_file(tmp_path / "t.pt", pickled=buffer.getvalue() + bytes(8 << 20), storages={"0": FOUR},
                      deflate=("data.pkl",))
    # torch inflates all 8 MB and stops at the pickle's end: both torch.save and minitorch.save store
    # data.pkl uncompressed, so minitorch refuses a pickle bigger than the whole file without inflating it

    def load():
        with refused(path, r"data.pkl would decompress to 8388\d+ bytes, more than the whole file holds"):
            minitorch.load(path)
    assert peak_allocation(load) < 2 << 20


@pytest.mark.parametrize("length", [2 ** 62, 2 ** 64 - 1])
def test_pickle_declaring_more_bytes_than_memory(tmp_path, length):
    pickled = b"\x80\x02\x8e" + struct.pack("<Q", length) + b"abc."  # BINBYTES8 of ``length`` bytes
    path = torch_file(tmp_path / "t.pt", pickled=pickled)
    with pytest.raises(Exception):
        torch.load(path, weights_only=True)
    with refused(path, "MemoryError|OverflowError"):
        minitorch.load(path)


def _overlapping_zip(plain, chain, payload):
    """A stored zip of ``plain`` ({name: bytes}), then the members ``chain``, each holding the next one's
    local header and data, the last one ``payload``: n overlapping members make n copies of one payload."""
    def local(name, data):
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                           len(name), 0) + name.encode()
    out, directory = b"", b""
    for name, data in plain.items():
        directory += _central(name, data, len(out))
        out += local(name, data) + data
    datas = [payload]  # datas[i]: what member chain[i] holds
    for name in reversed(chain[1:]):
        datas.insert(0, local(name, datas[0]) + datas[0])
    offset = len(out)
    for name, data in zip(chain, datas):
        directory += _central(name, data, offset)
        offset += 30 + len(name)
    out += local(chain[0], datas[0]) + datas[0]
    n = len(plain) + len(chain)
    return out + directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), len(out), 0)


def _central(name, data, offset):
    return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                       len(name), 0, 0, 0, 0, 0, offset) + name.encode()


def test_overlapping_members_are_refused(tmp_path):
    names = [f"archive/data/{k}" for k in range(3)]  # 14-character names: 44-byte local headers
    payload = np.zeros(1000, np.float32).tobytes()
    sizes = [len(payload) + 44 * (len(names) - 1 - i) for i in range(len(names))]
    obj = {f"w{k}": Rebuild(Storage(str(k), sizes[k] // 4), 0, (sizes[k] // 4,), (1,)) for k in range(3)}
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump(obj)
    path = tmp_path / "t.pt"
    path.write_bytes(_overlapping_zip({**torch_metadata(), "archive/data.pkl": buffer.getvalue()}, names, payload))
    # torch (and Python's zipfile before 3.11.8) read three 4 KB storages from this one 4 KB payload: a zip
    # bomb with n members makes n copies. minitorch refuses members that take more bytes than the file has
    # (newer zipfiles refuse the overlap themselves, in words of their own)
    with refused(path, "[Oo]verlap"):
        minitorch.load(path)


def test_dev_zero_is_refused_not_read_forever():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    proc = run_isolated("import minitorch\ntry:\n    minitorch.load('/dev/zero')\n"
                        "except minitorch.serialization.UnpicklingError as e:\n    print(e)\n    raise SystemExit(3)",
                        memory=1 << 30)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "/dev/zero is not a regular file" in proc.stdout


# -- minitorch's own files, crafted: structure.json and .npy members edited --------------------------------
def mini_file(path, structure, arrays=(), deflate=(), raw=None):
    """A minitorch file with ``structure`` as its object (or the bytes ``raw`` as structure.json) and
    ``arrays`` as tensors/0.npy, 1.npy, ... (arrays, or bytes for a member written as given)."""
    with zipfile.ZipFile(path, "w") as z:
        document = raw if raw is not None else json.dumps({"format": "minitorch-save-1", "object": structure})
        z.writestr("structure.json", document,
                   compress_type=zipfile.ZIP_DEFLATED if "structure.json" in deflate else zipfile.ZIP_STORED)
        for i, array in enumerate(arrays):
            if not isinstance(array, bytes):
                buffer = io.BytesIO()
                np.save(buffer, array, allow_pickle=False)
                array = buffer.getvalue()
            z.writestr(f"tensors/{i}.npy", array,
                       compress_type=zipfile.ZIP_DEFLATED if i in deflate else zipfile.ZIP_STORED)
    return path


def npy_header(shape, descr="<f4"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def nested(depth):
    """JSON for ``depth`` lists one inside the other."""
    return "[" * depth + "]" * depth


TENSOR = {"$": "tensor", "index": 0, "requires_grad": False}


@pytest.mark.parametrize("structure,arrays,problem", [
    ({"$": "tensor", "requires_grad": False}, [np.ones(2, np.float32)], "a tensor entry without an integer 'index'"),
    ({"$": "dict", "items": 5}, [], "a dict entry without a list of 'items'"),
    ({"$": "dict", "items": [[1, 2, 3]]}, [], r"a dict item that is not a \[key, value\] pair"),
    ({"$": "dict", "items": [[{"$": "dict", "items": []}, 1]]}, [], "a dict key of unhashable type dict"),
    ({"$": "dtype", "name": "bfloat16"}, [], "an unknown dtype 'bfloat16'"),
    ({"$": "function", "name": "os.system"}, [], "an unknown entry 'function'"),
    ([TENSOR, TENSOR], [np.ones(2, np.float32)], "uses tensor 0 twice"),
    ({"$": "tensor", "index": 0, "requires_grad": True}, [np.arange(2)],
     r"tensor 0 \(torch.int64\) to require grad: only Tensors of floating point dtype can require gradients"),
    (TENSOR, [np.zeros(2, [("a", "<f4"), ("b", "<i4")])], "holds dtype .*, which minitorch has no tensor of"),
    (TENSOR, [npy_header((2 ** 40,)) + FOUR], r"holds 16 bytes of data, but its shape \[1099511627776\] of float32"),
    (TENSOR, [npy_header((8,)) + FOUR], r"holds 16 bytes of data, but its shape \[8\] of float32 needs 32"),
])
def test_malformed_minitorch_file(tmp_path, structure, arrays, problem):
    path = mini_file(tmp_path / "m.pt", structure, arrays)
    with refused(path, problem):
        minitorch.load(path)


@pytest.mark.parametrize("raw,problem", [
    ("[1, 2]", "unknown format 'list'"),
    ('{"format": "minitorch-save-1", "object": ' + nested(MAX_DEPTH + 2) + "}", f"nests deeper than {MAX_DEPTH}"),
    ('{"format": "minitorch-save-1", "object": ' + nested(900) + "}", f"nests deeper than {MAX_DEPTH}"),
    ('{"format": "minitorch-save-1", "object": ' + nested(100_000) + "}", f"nests deeper than {MAX_DEPTH}"),
])
def test_malformed_structure_json(tmp_path, raw, problem):
    path = mini_file(tmp_path / "m.pt", None, raw=raw)
    with refused(path, problem):
        minitorch.load(path)


def test_save_refuses_what_load_would_refuse(tmp_path):
    deep = []
    for _ in range(MAX_DEPTH):
        deep = [deep]
    minitorch.save(deep, tmp_path / "ok.pt")  # as deep as load reads
    back = minitorch.load(tmp_path / "ok.pt")
    for _ in range(MAX_DEPTH):
        back = back[0]
    assert back == []
    with pytest.raises(ValueError, match=f"stores at most {MAX_DEPTH} levels of nested containers"):
        minitorch.save([deep], tmp_path / "deep.pt")


def test_compressed_npy_that_inflates_past_its_shape_is_not_inflated(tmp_path):
    path = mini_file(tmp_path / "m.pt", TENSOR, [npy_header((4,)) + FOUR + bytes(8 << 20)], deflate=(0,))

    def load():
        with refused(path, r"tensors/0.npy holds 8388624 bytes of data, but its shape \[4\] of float32 needs 16"):
            minitorch.load(path)
    assert peak_allocation(load) < 2 << 20


def test_compressed_structure_larger_than_the_file_is_not_inflated(tmp_path):
    raw = json.dumps({"format": "minitorch-save-1", "object": 1}) + " " * (8 << 20)
    path = mini_file(tmp_path / "m.pt", None, raw=raw, deflate=("structure.json",))

    def load():
        with refused(path, r"structure.json would decompress to 8388\d+ bytes, more than the whole file holds"):
            minitorch.load(path)
    assert peak_allocation(load) < 2 << 20
    # stored, as minitorch.save writes it, the same document loads
    assert minitorch.load(mini_file(tmp_path / "stored.pt", None, raw=raw)) == 1


# -- MNIST's IDX files --------------------------------------------------------------------------------------
def torchvision_mnist(root):
    return torchvision.datasets.FashionMNIST(str(root), train=True)


def test_idx_dimensions_whose_product_overflows_int64(tmp_path):
    raw = make_mnist(tmp_path)
    path = os.path.join(raw, "train-images-idx3-ubyte")
    with open(path, "wb") as f:  # 2**31 * 2**31 * 4 = 2**64: NumPy's product wrapped to 0 bytes
        f.write(bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 2 ** 31, 2 ** 31, 4))
    with pytest.raises(Exception):
        torchvision_mnist(tmp_path)
    with pytest.raises(RuntimeError, match=re.escape(path) + r" is truncated or corrupt: shape \[2147483648, "
                       r"2147483648, 4\] needs 18446744073709551632 bytes, the file has 16"):
        datasets.FashionMNIST(str(tmp_path))


def test_float_idx_images_are_refused(tmp_path):
    raw = make_mnist(tmp_path)
    path = os.path.join(raw, "train-images-idx3-ubyte")
    with open(path, "wb") as f:  # IDX type 0x0D: big-endian float32, all NaN
        f.write(bytes([0, 0, 0x0D, 3]) + struct.pack(">3I", 7, 28, 28) + np.full((7, 28, 28), np.nan, ">f4").tobytes())
    with pytest.raises(TypeError, match="should be of dtype torch.uint8"):
        torchvision_mnist(tmp_path)
    with pytest.raises(RuntimeError, match=re.escape(path) + r": expected uint8 values, found float32 "
                       r"\(IDX type 0x0d\)"):
        datasets.FashionMNIST(str(tmp_path))


def test_gz_idx_that_goes_on_past_its_shape_is_not_read_to_the_end(tmp_path):
    raw = make_mnist(tmp_path, compress=True)
    path = os.path.join(raw, "train-labels-idx1-ubyte.gz")
    with gzip.open(path, "wb") as f:  # 7 labels, then 8 MB of zeros: about 8 KB compressed
        f.write(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 7) + bytes(7) + bytes(8 << 20))
    assert os.path.getsize(path) < 100_000

    def load():
        with pytest.raises(RuntimeError, match=re.escape(path) + r" is truncated or corrupt: shape \[7\] needs 15 "
                           r"bytes, the file has more"):
            datasets.FashionMNIST(str(tmp_path))
    assert peak_allocation(load) < 2 << 20


def test_mnist_labels_must_be_class_indices_one_per_image(tmp_path):
    raw = make_mnist(tmp_path)
    labels = os.path.join(raw, "train-labels-idx1-ubyte")
    # torchvision accepts both files: a label 10 fails only later, in the loss; an extra label is never seen
    write_idx(labels, np.array([0, 1, 2, 10, 4, 5, 6]))
    with pytest.raises(RuntimeError, match=re.escape(labels) + r": label 10 \(at index 3\) is not a class index "
                       r"\(0 to 9\)"):
        datasets.FashionMNIST(str(tmp_path))
    write_idx(labels, np.arange(8) % 10)
    with pytest.raises(RuntimeError, match=r"train-images-idx3-ubyte has 7 images but .*train-labels-idx1-ubyte "
                       r"has 8 labels"):
        datasets.FashionMNIST(str(tmp_path))


# -- CIFAR-10's pickles -------------------------------------------------------------------------------------
class Call:
    """Pickles as ``fn(*args)``, then (with ``state``) BUILD: ``__setstate__(state)`` of what it returned."""

    def __init__(self, fn, *args, state=None):
        self.fn, self.args, self.state = fn, args, state

    def __reduce__(self):
        return (self.fn, self.args) if self.state is None else (self.fn, self.args, self.state)


_reconstruct = np._core.multiarray._reconstruct
# numpy's dtype state that sets the "holds Python objects" flag: numpy accepts it on a uint64 dtype, then
# reads the array's bytes as object pointers (internal errors, or a crash)
OBJECT_FLAG_U8 = Call(np.dtype, "u8", False, True, state=(3, "|", None, None, None, -1, -1, 1))


def write_batch(folder, entry, name="data_batch_1"):
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        pickle.dump(entry, f, protocol=2)
    return path


# torchvision unpickles CIFAR files with plain pickle and checks none of the following: it returns the
# garbage as images (or fails later, somewhere else); minitorch refuses each file when it reads it
@pytest.mark.parametrize("entry,problem", [
    # 162 bytes: numpy.ndarray called directly is a (4, 3072) array of uninitialised memory
    ({"data": Call(np.ndarray, (4, 3072), "u1"), "labels": [0] * 4}, "calling numpy.ndarray directly"),
    # numpy's _reconstruct allocates the shape it is given; without the pickle's BUILD it stays uninitialised
    ({"data": Call(_reconstruct, np.ndarray, (4, 3072), b"B"), "labels": [0] * 4}, "an array without its shape "
     "and data"),
    ({"data": Call(_reconstruct, np.ndarray, (0,), b"B", state=(1, (1, 3072), OBJECT_FLAG_U8, False, bytes(8 * 3072))),
      "labels": [0]}, r"a dtype state \(3, '\|', None, None, None, -1, -1, 1\) is not that of a plain numeric dtype"),
    ({"data": Call(_reconstruct, np.ndarray, (0,), b"B",
                   state=(1, (4, 3072), Call(np.dtype, "u1", False, True, state=(3, "|", None, None, None, -1, -1, 0)),
                          False, bytes(100))), "labels": [0] * 4},
     r"an array of shape \(4, 3072\) and dtype uint8 whose data does not fill it"),
    ({"data": np.full((4, 3072), 300.7), "labels": [0] * 4}, "expected 'data' to be an array of integer pixel "
     "values, found float64"),
    ({"data": np.full((4, 3072), 300), "labels": [0] * 4}, "pixel value 300 is outside 0..255"),
    ({"data": np.zeros((4, 3072), np.uint8), "labels": [0, 99, 0, 0]}, r"label 99 \(at index 1\) is not a class "
     r"index \(0 to 9\)"),
    ({"data": np.zeros((4, 3072), np.uint8), "labels": [0, 0, -5, 0]}, r"label -5 \(at index 2\) is not a class"),
    ({"data": np.zeros((4, 3072), np.uint8), "labels": ["cat", 0, 0, 0]}, "label 0 is 'cat', not an integer"),
    ({"data": np.zeros((4, 3072), np.uint8), "labels": [0, 0, 0]}, "4 images but 3 labels"),
])
def test_bad_cifar_batch_is_refused(tmp_path, entry, problem):
    folder = make_cifar(tmp_path)
    path = write_batch(folder, entry)
    with pytest.raises(RuntimeError, match=re.escape(path) + ".*" + problem):
        datasets.CIFAR10(str(tmp_path))


def test_cifar_meta_without_class_names(tmp_path):
    folder = make_cifar(tmp_path)
    path = write_batch(folder, {"names": ["a", "b"]}, "batches.meta")
    with pytest.raises(RuntimeError, match=re.escape(path) + ": expected a dict whose 'label_names' is a list"):
        datasets.CIFAR10(str(tmp_path))


@pytest.mark.parametrize("length", [2 ** 62, 2 ** 64 - 1])
def test_cifar_pickle_declaring_more_bytes_than_memory(tmp_path, length):
    folder = make_cifar(tmp_path)
    path = os.path.join(folder, "data_batch_1")
    with open(path, "wb") as f:
        f.write(b"\x80\x02\x8e" + struct.pack("<Q", length) + b"abc.")  # BINBYTES8 of ``length`` bytes
    with pytest.raises(RuntimeError, match=re.escape(path) + " is not a valid CIFAR-10 batch file "
                       r"\((MemoryError|OverflowError)"):
        datasets.CIFAR10(str(tmp_path))
