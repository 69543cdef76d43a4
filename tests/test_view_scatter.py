"""diagonal_scatter, select_scatter, slice_scatter against torch: values, node names, gradients of both inputs
(first and second order), dtypes, the views' errors and the size check."""
import numpy as np
import pytest
import torch
from hypothesis import assume, given, strategies as st

import minitorch
from harness import array, check, float_dtypes, second_order

shapes = st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple)


def draw_op(name, data, shape):
    """(the region's shape, ``fn(lib, x, src)``) for op ``name`` with arguments drawn for an input of ``shape``."""
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    d = dim % nd
    if name == "select_scatter":  # (a dim to select from: not empty)
        shape = shape[:d] + (max(shape[d], 1),) + shape[d + 1:]
    n = shape[d]
    if name == "diagonal_scatter":
        shape = shape + (2,) * (2 - nd)  # (at least a matrix)
        d1 = data.draw(st.integers(0, len(shape) - 1))
        d2 = data.draw(st.integers(0, len(shape) - 1).filter(lambda d: d != d1))
        offset = data.draw(st.integers(-3, 3))
        region = np.empty(shape).diagonal(offset, d1, d2).shape
        return shape, region, lambda lib, x, src: lib.diagonal_scatter(x, src, offset, d1, d2)
    if name == "select_scatter":
        index = data.draw(st.integers(-n, n - 1))
        return shape, shape[:d] + shape[d + 1:], lambda lib, x, src: x.select_scatter(src, dim, index)
    start, end = data.draw(st.none() | st.integers(-4, 4)), data.draw(st.none() | st.integers(-4, 4))
    step = data.draw(st.integers(1, 3))
    region = shape[:d] + (len(range(*slice(start, end, step).indices(n))),) + shape[d + 1:]
    return shape, region, lambda lib, x, src: lib.slice_scatter(x, src, dim, start, end, step)


SCATTERS = ["diagonal_scatter", "select_scatter", "slice_scatter"]


@pytest.mark.parametrize("name", SCATTERS)
@given(data=st.data(), shape=shapes, dtype=float_dtypes)
def test_scatters_like_torch(name, data, shape, dtype):
    shape, region, fn = draw_op(name, data, shape)
    check(fn, data.draw(array(shape=shape, dtype=dtype)), data.draw(array(shape=region, dtype=dtype)))


@pytest.mark.parametrize("name", SCATTERS)
@given(data=st.data(), shape=shapes)
def test_scatters_second_order(name, data, shape):
    shape, region, fn = draw_op(name, data, shape)
    assume(region != ())  # (harness.second_order makes its inputs at least 1-d)
    second_order(fn, data.draw(array(shape=shape, dtype=np.float64)), data.draw(array(shape=region, dtype=np.float64)))


def test_src_takes_the_input_dtype():
    for lib in (minitorch, torch):
        out = lib.diagonal_scatter(lib.zeros(3, 3, dtype=lib.int64), lib.tensor([1.7, 2.2, -3.9]))
        assert str(out.dtype).endswith("int64") and out.diagonal().tolist() == [1, 2, -3]


ERRORS = ["lib.diagonal_scatter(lib.ones(3, 4), lib.ones(2))",
          "lib.diagonal_scatter(lib.ones(3, 4), lib.tensor(1.))",
          "lib.diagonal_scatter(lib.ones(3, 4), lib.ones(3), 0, 1, 1)",
          "lib.select_scatter(lib.ones(3, 4), lib.ones(3), 0, 1)",
          "lib.select_scatter(lib.ones(3, 4), lib.ones(4), 0, 5)",
          "lib.select_scatter(lib.tensor(1.), lib.tensor(2.), 0, 0)",
          "lib.slice_scatter(lib.ones(3, 4), lib.ones(3, 3), 1, 0, 4, 2)",
          "lib.slice_scatter(lib.ones(3, 4), lib.ones(3, 2), 1, 0, 4, 0)"]


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
