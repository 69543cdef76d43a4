"""Diagonals and triangles against torch: values, node names, gradients (first and second order), the diagonal
view's shared memory, in-place tril_/triu_, dtypes and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, assert_close, check, float_dtypes, second_order, to_mini, to_torch

matrices = st.lists(st.integers(0, 4), min_size=2, max_size=4).map(tuple)  # >= 2 dims, empty dims included


def _offset(data):
    return data.draw(st.integers(-5, 5))


def _two_dims(data, ndim):
    d1 = data.draw(st.integers(-ndim, ndim - 1))
    d2 = data.draw(st.integers(-ndim, ndim - 1).filter(lambda d: d % ndim != d1 % ndim))
    return d1, d2


def draw_op(name, data, a):
    """``fn(lib, x)`` for op ``name``, its arguments drawn for an input like ``a``."""
    k = _offset(data)
    if name in ("tril", "triu"):
        if data.draw(st.booleans()):
            return lambda lib, x: getattr(lib, name)(x, k)
        return lambda lib, x: getattr(x, name)(diagonal=k)
    if name == "diagonal":
        d1, d2 = _two_dims(data, a.ndim)
        return lambda lib, x: x.diagonal(k, d1, d2)
    if name == "diag_embed":
        d1, d2 = _two_dims(data, a.ndim + 1)
        return lambda lib, x: lib.diag_embed(x, offset=k, dim1=d1, dim2=d2)
    if name == "diag":  # of a matrix (diagonal_copy) and of a vector (diag_embed)
        return lambda lib, x: lib.diag(x.flatten(0, -2), k)
    if name == "diag_vector":
        return lambda lib, x: lib.diag(x.flatten(), k)
    if name == "diagflat":
        return lambda lib, x: x.diagflat(k)
    if name == "trace":
        return lambda lib, x: lib.trace(x.flatten(1))
    raise KeyError(name)


OPS = ["tril", "triu", "diagonal", "diag_embed", "diag", "diag_vector", "diagflat", "trace"]


@pytest.mark.parametrize("name", OPS)
@given(data=st.data(), shape=matrices, dtype=float_dtypes)
def test_ops_like_torch(name, data, shape, dtype):
    """Values, node names and gradients (harness.check), float32 and float64, strided inputs too."""
    a = data.draw(array(shape=shape, dtype=dtype))
    check(draw_op(name, data, a), a)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data(), shape=matrices)
def test_second_order(name, data, shape):
    a = data.draw(array(shape=shape, dtype=np.float64))
    second_order(draw_op(name, data, a), a)


@given(data=st.data(), shape=matrices)
def test_diagonal_is_a_view(data, shape):
    """Writing through the diagonal changes the base, as in torch; the gradients then agree too."""
    a = data.draw(array(shape=shape, dtype=np.float64))
    k, (d1, d2) = _offset(data), _two_dims(data, a.ndim)
    found = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        leaf = make(a, True)
        base = leaf * 1
        d = base.diagonal(k, d1, d2)
        d.mul_(3).add_(1)
        assert d._version == base._version
        (base * base).sum().backward()
        found.append((base, leaf.grad))
    assert_close(found[0][0], found[1][0], what="base after writing through the diagonal")
    assert_close(found[0][1], found[1][1], what="gradient")


@pytest.mark.parametrize("name", ["tril_", "triu_"])
def test_inplace_triangles(name):
    a = np.arange(24.0).reshape(2, 3, 4)
    found = []
    for lib in (minitorch, torch):
        leaf = lib.tensor(a, requires_grad=True)
        x = leaf * 2
        y = getattr(x, name)(1)
        assert y is x
        (x * x).sum().backward()
        found.append((x, x.grad_fn.name(), leaf.grad))
    assert_close(found[0][0], found[1][0])
    assert found[0][1] == found[1][1]
    assert_close(found[0][2], found[1][2], what="gradient")


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "float32"])
def test_dtypes(dtype):
    for expr in ("lib.tril(x, -1)", "lib.triu(x)", "lib.diag(x)", "lib.diag(x[0])", "x.diagonal(1)",
                 "lib.diag_embed(x)", "lib.diagflat(x)") + (("lib.trace(x)",) if dtype != "bool" else ()):
        results = [eval(expr, {"lib": lib, "x": lib.ones(3, 3, dtype=getattr(lib, dtype))})
                   for lib in (minitorch, torch)]
        assert str(results[0].dtype) == str(results[1].dtype), expr
        assert np.array_equal(results[0].numpy(), results[1].numpy()), expr


ERRORS = [
    "lib.ones(3).tril()", "lib.tensor(1.).triu()", "lib.diag(lib.ones(2, 2, 2))", "lib.diag(lib.tensor(1.))",
    "lib.ones(2, 3).diagonal(0, 1, 1)", "lib.ones(3).diagonal()", "lib.ones(2, 3).diagonal(0, 0, 2)",
    "lib.diag_embed(lib.ones(2, 3), 0, 1, -2)", "lib.diag_embed(lib.tensor(1.))", "lib.trace(lib.ones(3))",
    "lib.trace(lib.ones(2, 2, 2))", "lib.trace(lib.ones(2, 2, dtype=lib.bool))",
]


def raised(lib, expr):
    try:
        eval(expr, {"lib": lib})
    except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
        return type(e), str(e)
    return None


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    theirs = raised(torch, expr)
    assert theirs is not None, "torch accepts this: the test is wrong"
    assert raised(minitorch, expr) == theirs
