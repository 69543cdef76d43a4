"""Scans against torch: cumprod (zeros included), cummax/cummin, logcumsumexp and diff - values, dtypes, node
names, gradients and second derivatives, on generated inputs and on the corner cases."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import array, check, same_error, second_order


@st.composite
def with_dim(draw, arrays):
    a = draw(arrays)
    return a, draw(st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1))


@st.composite
def factors(draw):
    """Factors of size 0.5 to 2 with random signs, about one in four of them zero."""
    a = draw(array(low=0.5, high=2.0, max_dims=3))
    signs = draw(hnp.arrays(np.bool_, a.shape))
    zeros = draw(hnp.arrays(np.bool_, a.shape, elements=st.sampled_from([False] * 3 + [True])))
    return np.where(zeros, 0, np.where(signs, -a, a)).astype(a.dtype)


def _round_in_place(a):
    a[...] = np.round(a / 4)  # in place: keeps the array's layout (transposed or strided)
    return a


def ties(arrays):
    """Arrays of a few distinct values, so that a running max or min is often reached again."""
    return arrays.map(_round_in_place)


# -- cumprod -------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(case=with_dim(factors()))
def test_cumprod(case):
    a, dim = case
    check(lambda lib, x: lib.cumprod(x, dim), a)
    check(lambda lib, x: x.cumprod(dim=dim), a)


@pytest.mark.parametrize("a", [[2.0, 0.5, 3.0, -1.5], [2.0, 0.0, 3.0, 1.5], [0.0, 2.0, 0.0, 3.0],
                               [0.0, 0.0, 0.0], [1.5, 2.0, 0.0], [[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]]])
def test_cumprod_with_zeros_second_order(a):
    """torch's VJP handles zeros (z_i / a_k would be 0/0); its gradient of the gradient too."""
    a = np.array(a)
    check(lambda lib, x: x.cumprod(-1), a)
    second_order(lambda lib, x: x.cumprod(-1), a)
    second_order(lambda lib, x: (x * 1.5).cumprod(0), a)


def test_cumprod_in_place_and_zero_d():
    a = np.array([[1.5, 0.0, -2.0], [0.5, 2.0, 3.0]])
    check(lambda lib, x: (x * 1).cumprod_(1), a)
    check(lambda lib, x: (x * 1).cumprod_(dim=0), a)
    check(lambda lib, x: x.cumprod(0), np.array(1.5))
    check(lambda lib, x: x.cumprod(-1), np.zeros((2, 0)))


@pytest.mark.parametrize("dtype", ["int32", "bool", "uint8"])
def test_cumprod_dtypes(dtype):
    a = np.array([[1, 2, 0], [3, 1, 2]]).astype(dtype)
    check(lambda lib, x: x.cumprod(1), a)
    check(lambda lib, x: x.cumprod(0, dtype=lib.float64), a)


# -- cummax, cummin ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cummax", "cummin"])
@settings(max_examples=30, deadline=None)
@given(case=with_dim(ties(array(max_dims=3))))
def test_cummax_cummin(name, case):
    """Ties are common here: the index is the last of equal values, and its element gets the gradient."""
    a, dim = case
    check(lambda lib, x: getattr(lib, name)(x, dim), a)
    check(lambda lib, x: getattr(x, name)(dim).values * 2, a)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_nan_bool_and_names(name):
    a = np.array([1.0, 1.0, 3.0, np.nan, 2.0, np.nan, -1.0])
    mine, theirs = (getattr(lib, name)(lib.tensor(a), 0) for lib in (minitorch, torch))
    assert mine.indices.tolist() == theirs.indices.tolist()
    np.testing.assert_array_equal(mine.values.numpy(), theirs.values.numpy())
    b = np.array([[True, False, True], [False, False, True]])
    for dim in (0, 1):
        mine, theirs = (getattr(lib, name)(lib.tensor(b), dim) for lib in (minitorch, torch))
        assert mine.values.tolist() == theirs.values.tolist() and mine.indices.tolist() == theirs.indices.tolist()
        assert str(mine.values.dtype) == str(theirs.values.dtype)
    out = getattr(minitorch, name)(minitorch.tensor(2.0), 0)
    assert type(out).__name__ == name and out.values.item() == 2.0 and out.indices.item() == 0
    assert repr(out).startswith(f"torch.return_types.{name}(\nvalues=")


def test_cummax_second_order():
    a = np.array([[0.5, -1.0, 2.0, 1.0], [3.0, 1.0, 4.0, -2.0]])
    second_order(lambda lib, x: lib.cummax(x * x, 1).values, a)
    second_order(lambda lib, x: lib.cummin(x.exp(), 0).values, a)


# -- logcumsumexp --------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(case=with_dim(array(low=-30, high=30, max_dims=3)))
def test_logcumsumexp(case):
    a, dim = case
    check(lambda lib, x: lib.logcumsumexp(x, dim), a)


@pytest.mark.parametrize("a", [[1000.0, 1000.0, -1000.0], [-np.inf, 0.0, 1.0], [0.5, -2.0, 3.0]])
def test_logcumsumexp_extremes_and_second_order(a):
    a = np.array(a)
    check(lambda lib, x: x.logcumsumexp(0), a)
    if np.isfinite(a).all():
        second_order(lambda lib, x: x.logcumsumexp(0), a)


def test_logcumsumexp_of_integers_raises():
    same_error(lambda lib: lib.logcumsumexp(lib.tensor([1, 2]), 0))


# -- diff ----------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_diff(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = data.draw(st.integers(0, 3))
    extra = [None, None]
    for i in range(2):
        if data.draw(st.booleans()):
            shape = list(a.shape)
            shape[dim] = data.draw(st.integers(0, 2))
            extra[i] = data.draw(array(shape=tuple(shape), dtype=a.dtype))
    check(lambda lib, x, p, q: lib.diff(x, n, dim, p, q), a, extra[0], extra[1])


def test_diff_bools_and_errors():
    check(lambda lib, x: x.diff(), np.array([True, False, False, True]))
    check(lambda lib, x: x.diff(n=2), np.array([[True, False, False], [True, True, False]]))
    same_error(lambda lib: lib.diff(lib.tensor(1.0)))
    same_error(lambda lib: lib.diff(lib.ones(3), n=-1))
    same_error(lambda lib: lib.diff(lib.ones(2, 3), prepend=lib.tensor(1.0)))
