"""scalar_tensor, empty_strided (and Tensor.new_empty_strided), empty_permuted, and torch.gradient, against torch:
dtypes, the strides a layout asks for, errors word for word; gradient's values, recorded graph, gradients and
second order."""
import itertools

import numpy as np
import pytest
import torch

import minitorch
from harness import check, check_same, check_second_order, same_error, same_graphs


# -- scalar_tensor ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("s", [1, -5, 0, 1.5, True, 2 ** 40, -1, 2.7, float("inf"), float("nan"), "tensor"])
@pytest.mark.parametrize("dtype", [None, "float64", "float16", "int64", "int32", "uint8", "bool"])
def test_scalar_tensor_as_torch(s, dtype):
    """A 0-d tensor in the default dtype whatever the number (scalar_tensor(1) is float32), or in ``dtype``:
    floats truncated into integers, negative numbers wrapped into uint8, what does not fit refused."""
    def make(lib):
        value = lib.tensor(3) if s == "tensor" else s
        return lib.scalar_tensor(value, dtype=dtype and getattr(lib, dtype))
    check_same(make)


@pytest.mark.parametrize("call", [
    lambda lib: lib.scalar_tensor(1e300), lambda lib: lib.scalar_tensor(300, dtype=lib.uint8),
    lambda lib: lib.scalar_tensor(lib.tensor([3])), lambda lib: lib.scalar_tensor("a"),
    lambda lib: lib.scalar_tensor(None), lambda lib: lib.scalar_tensor(1, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.scalar_tensor(float("nan"), dtype=lib.int64)])
def test_scalar_tensor_errors_as_torch(call):
    same_error(call)


def test_scalar_tensor_requires_grad():
    for lib in (minitorch, torch):
        t = lib.scalar_tensor(2, dtype=lib.float64, requires_grad=True)
        assert t.requires_grad and t.is_leaf and t.shape == () and t.item() == 2.0


# -- empty_strided, new_empty_strided ----------------------------------------------------------------------------
# (a negative stride of an empty tensor is accepted by both, and torch then reports strides (1, 1): not compared)
STRIDED = [((), ()), ((5,), (4,)), ((5, 5), (2, 1)), ((5, 5, 5), (2, 0, 1)), ((2, 3), (1, 2)), ((0, 3), (3, 1)),
           ((3,), (0,)), ((2, 3, 4), (1, 8, 2)), ((1, 1, 12), (5, 20, 10))]


def _layout(t):
    return tuple(t.shape), t.stride(), str(t.dtype), t.requires_grad, t.is_contiguous()


@pytest.mark.parametrize("size, stride", STRIDED)
def test_empty_strided_layout_as_torch(size, stride):
    """The strides asked for (overlapping, zero, or of an empty tensor) are the strides ``stride()`` reports."""
    for dtype in (None, "float64", "int32", "bool"):
        mine, theirs = (lib.empty_strided(size, stride, dtype=dtype and getattr(lib, dtype)) for lib in (minitorch,
                                                                                                            torch))
        assert _layout(mine) == _layout(theirs)


def test_empty_strided_memory_is_laid_out_as_asked():
    """Writing through the tensor puts element (i, j) at i * stride_0 + j * stride_1 of its memory (column-major
    here), in both libraries."""
    results = []
    for lib in (minitorch, torch):
        t = lib.empty_strided((2, 3), (1, 2), dtype=lib.float64)
        t.copy_(lib.arange(6, dtype=lib.float64).reshape(2, 3))
        results.append((t.tolist(), t.t().contiguous().view(-1).tolist(), t.is_contiguous(), t.t().is_contiguous()))
    assert results[0] == results[1]
    assert results[0][1] == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


@pytest.mark.parametrize("call", [
    lambda lib: lib.empty_strided((2,), (-1,)), lambda lib: lib.empty_strided((2, 3), (1, -2)),
    lambda lib: lib.empty_strided((2, 3), (1,)), lambda lib: lib.empty_strided((-1,), (1,)),
    lambda lib: lib.empty_strided((-2, 3), (1,)), lambda lib: lib.empty_strided((2, 3), 1),
    lambda lib: lib.empty_strided(2, (1,)), lambda lib: lib.empty_strided((2, 3), (1.5, 1)),
    lambda lib: lib.empty_strided((2, 3), (3, 1), dtype=lib.int64, requires_grad=True),
    lambda lib: lib.zeros(3).new_empty_strided((2,), (-1,))])
def test_empty_strided_errors_as_torch(call):
    same_error(call)


def test_new_empty_strided_as_torch():
    """The tensor's dtype unless told otherwise; requires_grad only when asked (not from the tensor)."""
    for make in [lambda lib: lib.zeros(2, dtype=lib.float64).new_empty_strided((2, 3), (1, 2)),
                 lambda lib: lib.zeros(2, dtype=lib.float64).new_empty_strided((2, 3), (1, 2), dtype=lib.int32),
                 lambda lib: lib.zeros(2, dtype=lib.float64).new_empty_strided((2, 2, 2), (8, 9, 10),
                                                                               requires_grad=True),
                 lambda lib: lib.zeros(2, requires_grad=True).new_empty_strided([3, 2], [2, 1])]:
        assert _layout(make(minitorch)) == _layout(make(torch))


# -- empty_permuted -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(), (0,), (1,), (1, 3, 5), (5, 3, 1), (1, 0, 5, 1), (2, 3, 4)])
def test_empty_permuted_layout_as_torch(size):
    """Dense in the physical order given (outermost first), for every order: its strides are torch's."""
    for order in itertools.permutations(range(len(size))):
        mine, theirs = (lib.empty_permuted(size, order, dtype=lib.float64) for lib in (minitorch, torch))
        assert _layout(mine) == _layout(theirs), order
    for lib in (minitorch, torch):
        assert lib.empty_permuted(size, tuple(range(len(size))), requires_grad=True).requires_grad


@pytest.mark.parametrize("size, order", [((2,), (0, 1)), ((2,), (3,)), ((2, 3), (0, 0)), ((2, 3), (-1, 0)),
                                         ((2, 3), (1, -2)), ((2, 3, 4), (0, 0, 1)), ((-2, 3), (1, 0)),
                                         ((-2, 3), (0, 0)), (3, (0,)), ((3,), 0)])
def test_empty_permuted_errors_as_torch(size, order):
    """The order is checked first; a negative size is then reported in the physical order, as torch's."""
    same_error(lambda lib: lib.empty_permuted(size, order))


def test_float_sizes_are_type_errors():
    """A float among the ints: a TypeError, as torch's (whose parser words it another way for a later element)."""
    for lib in (minitorch, torch):
        for call in (lambda: lib.empty_strided((2, 1.5), (1, 1)), lambda: lib.empty_permuted((2, 3), (0, 1.5)),
                     lambda: lib.empty_permuted((2, 1.5), (0, 1))):
            with pytest.raises(TypeError):
                call()


# -- gradient -----------------------------------------------------------------------------------------------------
COORDINATES = [[1.1, 2.0, 3.5, 4.0], [4.0, 2.0, 6.0], [1.0, 3.0, 2.0, 8.0, 6.0]]
CASES = [
    ((5,), {}), ((5,), {"spacing": 2.0}), ((5,), {"edge_order": 2}), ((4, 5), {}), ((4, 5), {"edge_order": 2}),
    ((4, 5), {"spacing": [2.0, 2.1]}), ((4, 5), {"spacing": [2.0, 2.1], "dim": (0, 1)}),
    ((4, 5), {"spacing": 3, "dim": -1}), ((4, 5), {"spacing": [3], "dim": -1}), ((4, 5), {"dim": [1]}),
    ((3, 4, 5), {"spacing": [2.0, 1.0], "dim": (0, 1), "edge_order": 2}), ((3, 4, 5), {"dim": 2, "edge_order": 2}),
    ((4, 3), {"spacing": "coordinates", "dim": (0, -1)}), ((4, 3), {"spacing": "coordinates", "edge_order": 2}),
    ((5, 3), {"spacing": "coordinates", "dim": 0, "edge_order": 2}), ((3, 3), {"spacing": 0}),
]


def _gradient(kwargs):
    """lib.gradient with ``kwargs``; "coordinates" stands for coordinate tensors that fit the dims."""
    def fn(lib, x):
        kw = dict(kwargs)
        if kw.get("spacing") == "coordinates":
            dims = kw.get("dim", range(x.ndim))
            dims = [dims] if isinstance(dims, int) else dims
            kw["spacing"] = [lib.tensor(next(c for c in COORDINATES if len(c) == x.shape[d]), dtype=x.dtype)
                             for d in dims]
        return lib.gradient(x, **kw)
    return fn


@pytest.mark.parametrize("shape, kwargs", CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_gradient_as_torch(shape, kwargs):
    """Values, node names and the gradients of the inputs, in float64 and float32; the whole graph (CatBackward0
    of torch's scalar divisions and products, slices below)."""
    a = np.random.default_rng(len(shape)).standard_normal(shape)
    for dtype in (np.float64, np.float32):
        check(_gradient(kwargs), a.astype(dtype))
    mine, theirs = (_gradient(kwargs)(lib, lib.tensor(a, requires_grad=True)) for lib in (minitorch, torch))
    same_graphs(mine, theirs)


@pytest.mark.parametrize("shape, kwargs", [((6,), {}), ((4, 5), {"edge_order": 2}),
                                           ((5, 3), {"spacing": "coordinates", "edge_order": 2})])
def test_gradient_second_order(shape, kwargs):
    """gradient is linear, so its own second derivative is zero: between non-linear maps (x³ before, sin after)
    the second order runs through its VJP with a gradient that depends on x."""
    a = np.random.default_rng(3).standard_normal(shape)
    check_second_order(lambda lib, x: lib.stack(_gradient(kwargs)(lib, x ** 3)).sin(), a)


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(6) ** 2, lambda lib: lib.arange(6, dtype=lib.int32) ** 2,
    lambda lib: lib.arange(6.0, dtype=lib.float16)])
@pytest.mark.parametrize("kwargs", [{}, {"spacing": 2}, {"spacing": 2.5}, {"edge_order": 2},
                                    {"spacing": [[0, 1, 3, 4, 7, 8]]}, {"spacing": [[0.0, 1, 3, 4, 7, 8]]},
                                    {"spacing": True}])
def test_gradient_dtypes_as_torch(make, kwargs):
    """Integers come out in the default dtype; float16 stays float16; coordinate tensors take part in promotion."""
    def fn(lib):
        kw = dict(kwargs)
        if isinstance(kw.get("spacing"), list):
            kw["spacing"] = [lib.tensor(c) for c in kw["spacing"]]
        return lib.stack(lib.gradient(make(lib), **kw))
    check_same(fn)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.gradient(x, spacing=[2.0]), lambda lib, x: lib.gradient(x, spacing=[2.0, 3.0], dim=1),
    lambda lib, x: lib.gradient(x, spacing=[0.1], dim=(1, 0)), lambda lib, x: lib.gradient(x, edge_order=3),
    lambda lib, x: lib.gradient(x, edge_order=0), lambda lib, x: lib.gradient(x, dim=(1, 1)),
    lambda lib, x: lib.gradient(x, dim=5), lambda lib, x: lib.gradient(x, dim=(0, 5)),
    lambda lib, x: lib.gradient(x, spacing=[lib.tensor(2.0), lib.tensor(3.0)]),
    lambda lib, x: lib.gradient(x, spacing=[lib.ones(3, 1, dtype=lib.float64)], dim=0),
    lambda lib, x: lib.gradient(x, spacing=[lib.arange(3.0)]),
    lambda lib, x: lib.gradient(x, spacing=[2, lib.arange(4.0)]),
    lambda lib, x: lib.gradient(x[:1]), lambda lib, x: lib.gradient(x[:2], edge_order=2),
    lambda lib, x: lib.gradient(x.to(lib.uint8)), lambda lib, x: lib.gradient(x > 0)])
def test_gradient_errors_as_torch(call):
    x = np.random.default_rng(0).standard_normal((3, 4))
    same_error(call, x)


def test_gradient_of_a_0d_tensor_is_empty():
    assert minitorch.gradient(minitorch.tensor(3.0)) == () == torch.gradient(torch.tensor(3.0))
