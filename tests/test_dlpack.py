"""DLPack: minitorch tensors shared with torch and NumPy without a copy, both ways - tested by writing through
one and reading through the other - and torch's checks and errors (requires grad, streams, sparse, capsules)."""
import numpy as np
import pytest
import torch

import minitorch
from harness import error_of, same_error
from minitorch.utils import dlpack


def views(lib):
    """Tensors of several layouts over one base: (name, base, view, index written in the view, in the base)."""
    base = lib.arange(24.0, dtype=lib.float64).reshape(4, 6)
    return [
        ("whole", base, base, (1, 2), (1, 2)),
        ("slice", base, base[1:, 2:5], (0, 1), (1, 3)),
        ("step", base, base[::2, ::3], (1, 1), (2, 3)),
        ("transpose", base, base.t(), (5, 2), (2, 5)),
        ("row", base, base[2], (4,), (2, 4)),
        ("0-d", base, base[3, 3], (), (3, 3)),
    ]


@pytest.mark.parametrize("consumer", ["torch", "numpy"])
@pytest.mark.parametrize("case", range(6))
def test_minitorch_to_torch_and_numpy_shares_memory(consumer, case):
    name, base, view, at_view, at_base = views(minitorch)[case]
    other = torch.from_dlpack(view) if consumer == "torch" else np.from_dlpack(view)
    assert tuple(other.shape) == tuple(view.shape)
    np.testing.assert_array_equal(np.asarray(other), view.numpy())
    other[at_view] = -1.0  # written through the other library ...
    assert base[at_base].item() == -1.0  # ... read here
    base[at_base] = 7.0  # and back
    assert float(other[at_view]) == 7.0
    if consumer == "torch":
        assert other.stride() == view.stride()


@pytest.mark.parametrize("producer", ["torch", "numpy", "capsule", "minitorch"])
def test_from_dlpack_shares_memory(producer):
    source = {"torch": lambda: torch.arange(6.0).reshape(2, 3)[:, 1:],
              "numpy": lambda: np.arange(6.0).reshape(2, 3)[:, 1:],
              "capsule": lambda: torch.arange(6.0).reshape(2, 3),
              "minitorch": lambda: minitorch.arange(6.0).reshape(2, 3)[:, 1:]}[producer]()
    x = minitorch.from_dlpack(torch.utils.dlpack.to_dlpack(source) if producer == "capsule" else source)
    assert x.shape == tuple(source.shape)
    x[1, 1] = 100.0
    assert float(source[1, 1]) == 100.0
    source[0, 0] = -3
    assert x[0, 0].item() == -3
    assert minitorch.utils.dlpack.from_dlpack is minitorch.from_dlpack


def test_to_dlpack_gives_torchs_capsule():
    x = minitorch.arange(4.0)
    capsule = dlpack.to_dlpack(x)
    assert repr(capsule).startswith('<capsule object "dltensor"')
    t = torch.from_dlpack(capsule)
    t[0] = 9.0
    assert x[0].item() == 9.0
    y = minitorch.from_dlpack(dlpack.to_dlpack(x))
    y[1] = 8.0
    assert x[1].item() == 8.0


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                                   "float64"])
def test_every_dtype_both_ways(dtype):
    mine = minitorch.tensor([1, 0, 1], dtype=getattr(minitorch, dtype))
    theirs = torch.from_dlpack(mine)
    assert str(theirs.dtype) == str(mine.dtype) and theirs.tolist() == mine.tolist()
    back = minitorch.from_dlpack(torch.tensor([0, 1], dtype=getattr(torch, dtype)))
    assert str(back.dtype) == f"torch.{dtype}" and back.tolist() == [0, 1]  # (False == 0, True == 1)


def test_an_expanded_tensor_exports_as_torchs():
    x = minitorch.tensor([1.0, 2.0]).expand(3, 2)
    for t in (torch.from_dlpack(x), torch.from_dlpack(dlpack.to_dlpack(x))):
        assert t.stride() == (0, 1) and t.tolist() == [[1.0, 2.0]] * 3


def test_dlpack_device():
    assert minitorch.ones(2).__dlpack_device__() == torch.ones(2).__dlpack_device__()
    assert repr(minitorch.ones(2).__dlpack_device__()[0]) == "<DLDeviceType.kDLCPU: 1>"
    assert dlpack.DLDeviceType.kDLCUDA == torch.utils.dlpack.DLDeviceType.kDLCUDA == 2


def test_versioned_and_read_only_capsules():
    x = minitorch.ones(2)
    assert 'dltensor_versioned' in repr(x.__dlpack__(max_version=(1, 0)))
    ro = np.from_dlpack(_Exporter(x.__dlpack__(max_version=(1, 0), read_only=True)))
    assert not ro.flags.writeable
    copied = torch.from_dlpack(_Exporter(x.__dlpack__(max_version=(1, 0), copy=True)))
    copied[0] = 5.0
    assert x[0].item() == 1.0


class _Exporter:
    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


ERRORS = {
    "requires grad": lambda lib: lib.ones(2, requires_grad=True).__dlpack__(),
    "numpy of requires grad": lambda lib: np.from_dlpack(lib.ones(2, requires_grad=True)),
    "sparse": lambda lib: lib.ones(2).to_sparse().__dlpack__(),
    "to_dlpack of sparse": lambda lib: lib.utils.dlpack.to_dlpack(lib.ones(2).to_sparse()),
    "a stream on the CPU": lambda lib: lib.ones(2).__dlpack__(stream=1),
    "a stream that is not an int": lambda lib: lib.ones(2).__dlpack__(stream="a"),
    "to the GPU": lambda lib: lib.ones(2).__dlpack__(dl_device=(2, 0)),
    "read only, unversioned": lambda lib: lib.ones(2).__dlpack__(read_only=True),
    "not a tensor": lambda lib: lib.from_dlpack([1, 2]),
    "a number": lambda lib: lib.from_dlpack(3),
    "a capsule used twice": lambda lib: [lib.from_dlpack(c) for c in [lib.utils.dlpack.to_dlpack(lib.ones(1))] * 2],
    "a capsule with copy": lambda lib: lib.from_dlpack(lib.utils.dlpack.to_dlpack(lib.ones(1)), copy=True),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    same_error(ERRORS[name])


def test_to_dlpack_of_a_tensor_that_requires_grad_as_torch():
    """torch's to_dlpack does not check requires_grad (only __dlpack__ does)."""
    assert error_of(lambda: dlpack.to_dlpack(minitorch.ones(2, requires_grad=True))) is None
    assert error_of(lambda: torch.utils.dlpack.to_dlpack(torch.ones(2, requires_grad=True))) is None


def test_from_dlpack_copy():
    a = np.arange(3.0)
    x = minitorch.from_dlpack(a, copy=True)
    x[0] = 5.0
    assert a[0] == 0.0
