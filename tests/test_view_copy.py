"""The ``*_copy`` twins of the view ops against torch: the view's values in memory of their own, torch's node names
(``ExpandBackward0_copy``, ``NarrowCopyBackward0``), gradients of first and second order, the view's errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, check, float_dtypes, second_order

shapes = st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3).map(tuple)


def draw_op(name, data, a):
    """``fn(lib, x)`` calling ``lib.<name>`` with arguments drawn for an input like ``a`` (a tuple result is
    compared output by output)."""
    nd = a.ndim
    dim = data.draw(st.integers(-nd, nd - 1))
    if name == "expand_copy":
        size = (2,) + tuple(data.draw(st.sampled_from([s, -1] if s != 1 else [1, 3])) for s in a.shape)
        return lambda lib, x: lib.expand_copy(x, size)
    if name == "permute_copy":
        dims = tuple(data.draw(st.permutations(range(nd))))
        return lambda lib, x: lib.permute_copy(x, dims)
    if name == "t_copy":
        return lambda lib, x: lib.t_copy(x if nd <= 2 else x.flatten(1))
    if name == "transpose_copy":
        other = data.draw(st.integers(-nd, nd - 1))
        return lambda lib, x: lib.transpose_copy(x, dim, other)
    if name == "view_copy":
        return lambda lib, x: lib.view_copy(x.contiguous(), (-1,) + a.shape[1:])
    if name == "squeeze_copy":
        dims = data.draw(st.sampled_from([None, dim, (dim,)]))
        return lambda lib, x: lib.squeeze_copy(x) if dims is None else lib.squeeze_copy(x, dims)
    if name == "unsqueeze_copy":
        new = data.draw(st.integers(-nd - 1, nd))
        return lambda lib, x: lib.unsqueeze_copy(x, new)
    if name == "unbind_copy":
        return lambda lib, x: lib.unbind_copy(x, dim)
    if name == "split_with_sizes_copy":
        n = a.shape[dim]
        cut = data.draw(st.integers(0, n))
        return lambda lib, x: lib.split_with_sizes_copy(x, [cut, n - cut], dim)
    if name == "alias_copy":
        return lambda lib, x: lib.alias_copy(x)
    if name == "narrow_copy":
        n = a.shape[dim]
        start = data.draw(st.integers(0, n))
        length = data.draw(st.integers(0, n - start))
        return lambda lib, x: x.narrow_copy(dim, start, length)
    if name == "select_copy":
        index = data.draw(st.integers(-a.shape[dim], a.shape[dim] - 1))
        return lambda lib, x: lib.select_copy(x, dim, index)
    if name == "slice_copy":
        start, end = data.draw(st.none() | st.integers(-4, 4)), data.draw(st.none() | st.integers(-4, 4))
        step = data.draw(st.integers(1, 3))
        return lambda lib, x: lib.slice_copy(x, dim, start, end, step)
    if name == "split_copy":
        size = data.draw(st.integers(1, 3))
        return lambda lib, x: lib.split_copy(x, size, dim)
    if name == "unfold_copy":
        size, step = data.draw(st.integers(0, a.shape[dim])), data.draw(st.integers(1, 3))
        return lambda lib, x: lib.unfold_copy(x, dim, size, step)
    if name == "diagonal_copy":
        return lambda lib, x: lib.diagonal_copy(x.unsqueeze(-1) if nd < 2 else x, 0, 0, -1)
    raise KeyError(name)


COPIES = ["expand_copy", "permute_copy", "t_copy", "transpose_copy", "view_copy", "squeeze_copy", "unsqueeze_copy",
          "unbind_copy", "split_with_sizes_copy", "alias_copy", "narrow_copy", "diagonal_copy", "select_copy",
          "slice_copy", "split_copy", "unfold_copy"]
SEVERAL_OUTPUTS = ("unbind_copy", "split_with_sizes_copy", "split_copy")


@pytest.mark.parametrize("name", COPIES)
@given(data=st.data(), shape=shapes, dtype=float_dtypes)
def test_copies_like_torch(name, data, shape, dtype):
    """Values, node names (checked by harness.check) and gradients."""
    a = data.draw(array(shape=shape, dtype=dtype))
    check(draw_op(name, data, a), a)


@pytest.mark.parametrize("name", COPIES)
@given(data=st.data(), shape=shapes)
def test_copies_second_order(name, data, shape):
    a = data.draw(array(shape=shape, dtype=np.float64))
    fn = draw_op(name, data, a)
    if name in SEVERAL_OUTPUTS:  # (joined into one output for the check)
        second_order(lambda lib, x: lib.cat([p.flatten() for p in fn(lib, x)]), a)
    else:
        second_order(fn, a)


@pytest.mark.parametrize("expr", ["lib.expand_copy(x, (2, 3, 4))", "lib.permute_copy(x, (1, 0, 2))",
                                  "lib.t_copy(x[0])", "lib.transpose_copy(x, 0, 2)", "lib.view_copy(x, (12,))",
                                  "lib.squeeze_copy(x[:1])", "lib.unsqueeze_copy(x, 1)", "lib.unbind_copy(x, 1)[0]",
                                  "lib.split_with_sizes_copy(x, [1, 2], 1)[1]", "lib.alias_copy(x)",
                                  "x.narrow_copy(2, 1, 2)", "lib.diagonal_copy(x, 0, 1, 2)",
                                  "lib.select_copy(x, 2, 1)", "lib.slice_copy(x, 2, 1, None, 2)",
                                  "lib.split_copy(x, 2, 2)[1]", "lib.unfold_copy(x, 2, 2, 1)"])
def test_copies_own_their_memory(expr):
    """A copy is contiguous, is not a view, and writing to it leaves the input alone (as in torch)."""
    for lib in (minitorch, torch):
        x = lib.ones(1, 3, 4)
        y = eval(expr, {"lib": lib, "x": x})
        assert y.is_contiguous() and y._base is None
        y.add_(1)
        assert float(x.sum()) == 12.0 and x._version == 0


ERRORS = ["lib.expand_copy(lib.ones(2, 3), (2,))", "lib.permute_copy(lib.ones(2, 3), (0, 0))",
          "lib.t_copy(lib.ones(2, 3, 4))", "lib.transpose_copy(lib.ones(2), 0, 1)",
          "lib.view_copy(lib.ones(2, 3), (4,))", "lib.squeeze_copy(lib.ones(2), 1)",
          "lib.unsqueeze_copy(lib.ones(2), 3)", "lib.unbind_copy(lib.ones(2), 1)",
          "lib.split_with_sizes_copy(lib.ones(3), [1, 1])", "lib.ones(3).narrow_copy(0, 2, 5)",
          "lib.diagonal_copy(lib.ones(2, 3), 0, 1, 1)", "lib.select_copy(lib.ones(2, 3), 1, 3)",
          "lib.select_copy(lib.tensor(1.), 0, 0)", "lib.slice_copy(lib.ones(2, 3), 1, 0, 3, 0)",
          "lib.slice_copy(lib.tensor(1.))", "lib.split_copy(lib.ones(3), [1, 2])", "lib.split_copy(lib.ones(3), 0)",
          "lib.unfold_copy(lib.ones(3), 0, 4, 1)"]


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


@pytest.mark.parametrize("expr", ["lib.expand_copy(x, (2, 3, 4), out=out)", "lib.permute_copy(x, (2, 0, 1), out=out)",
                                  "lib.narrow_copy(x, 1, 1, 2, out=out)", "lib.diagonal_copy(x, 0, 1, 2, out=out)",
                                  "lib.tril(x, out=out)", "lib.triu(x, 1, out=out)", "lib.diag(x[0], out=out)",
                                  "lib.diag(x[0, 0], 1, out=out)"])
def test_out(expr):
    """``out=`` gets the result (resized to its shape) and is returned, as in torch."""
    results = []
    for lib in (minitorch, torch):
        x, out = lib.arange(12.0).reshape(1, 3, 4), lib.zeros(0)
        assert eval(expr, {"lib": lib, "x": x, "out": out}) is out
        results.append(out)
    assert results[0].tolist() == results[1].tolist()
