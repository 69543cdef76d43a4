"""Reductions against torch: values, dtypes, node names and gradients, over all dims, one dim or a
tuple of dims, with and without keepdim; ties, zeros and second derivatives included."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import (array, assert_close, check, outcome_and_warnings, same_error, second_order, to_mini,
                     to_torch)


@st.composite
def with_dims(draw, arrays=None, allow_none=True):
    """(array, dim, keepdim): dim is None, an int (maybe negative) or a tuple of distinct dims."""
    a = draw(arrays if arrays is not None else array())
    nd = a.ndim
    kinds = (["none"] if allow_none else []) + (["int", "tuple"] if nd else ["int"])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        dim = None
    elif kind == "int":
        dim = draw(st.integers(-max(nd, 1), max(nd, 1) - 1))
    else:
        dims = draw(st.permutations(range(nd)))[:draw(st.integers(1, nd))]
        dim = tuple(d - nd if draw(st.booleans()) else d for d in dims)
    return a, dim, draw(st.booleans())


def reduced_dims(a, dim):
    if dim is None:
        return tuple(range(a.ndim))
    return tuple(d % max(a.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)) if a.ndim else ()


def _round_in_place(a):
    a[...] = np.round(a / 4)  # in place: keeps the array's layout (transposed or strided)
    return a


def ties(dtype=None, max_dims=4):
    """Arrays of a few distinct values, so that a max or min is often reached more than once."""
    return array(dtype=dtype, max_dims=max_dims).map(_round_in_place)


# -- sum and mean ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sum", "mean"])
@given(case=with_dims())
def test_sum_mean(name, case):
    a, dim, keepdim = case
    if dim is None and not keepdim:
        check(lambda lib, x: getattr(x, name)(), a)
    else:
        check(lambda lib, x: getattr(lib, name)(x, dim, keepdim=keepdim), a)


def test_empty_dims_reduce_everything():
    a = np.arange(6.0).reshape(2, 3)
    for name in ["sum", "mean", "amax", "amin", "var", "std", "norm", "count_nonzero"]:
        # torch's var/std backward takes dim=() as no dims (an infinite gradient): compare values only
        check(lambda lib, x: getattr(x, name)(dim=()), a, grad=name not in ("var", "std"))
    check(lambda lib, x: x.sum((), keepdim=True), a)


@pytest.mark.parametrize("src,dst", [("bool", "float32"), ("int32", "float64"), ("float32", "float64"),
                                     ("int64", None), ("int8", None), ("bool", None)])
def test_sum_dtype(src, dst):
    a = np.array([[1, 0, 3], [4, 5, 0]]).astype(src)
    dtype = dst and (getattr(minitorch, dst), getattr(torch, dst))
    for dim in [None, 1]:
        mine = minitorch.from_numpy(a).sum(dim, dtype=dtype and dtype[0])
        theirs = torch.from_numpy(a).sum(dim, dtype=dtype and dtype[1])
        assert_close(mine, theirs)


def test_mean_of_integers_raises_like_torch():
    for dtype in ["int64", "bool", "int32"]:
        same_error(lambda lib: lib.zeros(3, dtype=getattr(lib, dtype)).mean())


# -- prod --------------------------------------------------------------------------------------------------
@st.composite
def prod_inputs(draw):
    """Factors of size 0.5 to 2 with random signs (no overflow, no underflow), some of them zeros."""
    a = draw(array(low=0.5, high=2.0, max_dims=3))
    signs = draw(hnp.arrays(np.bool_, a.shape))
    zeros = draw(hnp.arrays(np.bool_, a.shape, elements=st.sampled_from([False] * 4 + [True])))
    return np.where(zeros, 0, np.where(signs, -a, a)).astype(a.dtype)


@given(a=prod_inputs(), data=st.data())
def test_prod(a, data):
    check(lambda lib, x: x.prod(), a)
    if a.ndim:
        dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
        keepdim = data.draw(st.booleans())
        check(lambda lib, x: lib.prod(x, dim, keepdim=keepdim), a)


@pytest.mark.parametrize("a", [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [0.0], [4.0, -1.5, 2.0],
                               [[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [1.0, 2.0, 3.0]]])
def test_prod_with_zeros(a):
    """One zero in a slice: its gradient is the product of the others (not 0, not nan)."""
    a = np.array(a)
    check(lambda lib, x: x.prod(), a)
    check(lambda lib, x: x.prod(-1), a)
    check(lambda lib, x: x.prod(0, True), a)


@pytest.mark.parametrize("a", [[2.0, 0.5, 3.0], [2.0, 0.0, 3.0], [0.0, 0.0, 3.0, 1.5], [0.0, 0.0, 0.0]])
def test_prod_second_order(a):
    a = np.array(a)
    second_order(lambda lib, x: x.prod(), a)
    second_order(lambda lib, x: (x.reshape(1, -1) * x.reshape(-1, 1)).prod(1), a)


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "uint8"])
def test_prod_cumsum_of_integers_are_int64(dtype):
    a = np.array([[1, 2, 0], [3, 1, 2]]).astype(dtype)
    check(lambda lib, x: x.prod(), a)
    check(lambda lib, x: x.prod(1), a)
    check(lambda lib, x: x.cumsum(1), a)
    check(lambda lib, x: x.prod(dtype=lib.float64), a)
    check(lambda lib, x: x.cumsum(0, dtype=lib.float32), a)


# -- max, min, amax, amin, argmax, argmin ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["max", "min"])
@given(a=ties())
def test_max_min_all_splits_ties_evenly(name, a):
    check(lambda lib, x: getattr(x, name)(), a)


@pytest.mark.parametrize("name", ["max", "min"])
@given(case=with_dims(ties(), allow_none=False))
def test_max_min_dim(name, case):
    a, dim, keepdim = case
    if isinstance(dim, tuple):
        dim = dim[0]
    mine, theirs = check(lambda lib, x: getattr(lib, name)(x, dim, keepdim), a)
    assert mine[1].requires_grad is False and mine[1].grad_fn is None


@pytest.mark.parametrize("name", ["amax", "amin"])
@given(case=with_dims(ties()))
def test_amax_amin(name, case):
    a, dim, keepdim = case
    check(lambda lib, x: getattr(lib, name)(x, () if dim is None else dim, keepdim), a)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(case=with_dims(ties(), allow_none=True))
def test_argmax_argmin(name, case):
    a, dim, keepdim = case
    if isinstance(dim, tuple):
        dim = dim[0]
    check(lambda lib, x: getattr(x, name)(dim, keepdim), a)
    check(lambda lib, x: getattr(lib, name)(x), a)


def test_explicit_ties():
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    for fn in [lambda lib, x: x.max(), lambda lib, x: x.min(), lambda lib, x: x.amax(1), lambda lib, x: x.amin(0),
               lambda lib, x: x.max(1), lambda lib, x: x.min(0, True), lambda lib, x: x.argmax(1),
               lambda lib, x: x.amax(), lambda lib, x: x.norm(p=math.inf, dim=1)]:
        check(fn, a)
    check(lambda lib, x: x.max(), np.full((2, 2), 7.0))


def test_max_with_nan_like_torch():
    a = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 0.0]])
    for fn in [lambda lib, x: x.max(), lambda lib, x: x.max(1), lambda lib, x: x.min(1), lambda lib, x: x.argmax(1)]:
        check(fn, a)


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_max_min_of_integers(dtype):
    a = np.array([[3, 1, 3], [0, 7, 7]]).astype(dtype)
    for fn in [lambda lib, x: x.max(), lambda lib, x: x.min(1), lambda lib, x: x.amax(0), lambda lib, x: x.argmin(),
               lambda lib, x: lib.max(x, 1, keepdim=True)]:
        check(fn, a)


def test_max_of_0d():
    a = np.array(2.5)
    for fn in [lambda lib, x: x.max(), lambda lib, x: x.max(0), lambda lib, x: x.min(-1, True),
               lambda lib, x: x.argmax(0), lambda lib, x: x.argmax(None, True), lambda lib, x: x.amax(0)]:
        check(fn, a)


def test_max_return_type_like_torch():
    data = [[1.0, 5.0], [3.0, 2.0]]
    mine, theirs = minitorch.tensor(data).max(1), torch.tensor(data).max(1)
    assert repr(mine) == repr(theirs)
    assert repr(minitorch.tensor(data).min(0, keepdim=True)) == repr(torch.tensor(data).min(0, keepdim=True))
    values, indices = mine
    assert values is mine.values is mine[0] and indices is mine.indices is mine[1]
    assert str(indices.dtype) == "torch.int64" and len(mine) == 2


def test_max_of_two_tensors_is_maximum():
    a, b = np.array([1.0, 5.0, -2.0]), np.array([3.0, 2.0, -1.0])
    check(lambda lib, x, y: lib.max(x, y), a, b)
    check(lambda lib, x, y: lib.min(x, y), a, b)
    check(lambda lib, x, y: x.max(y), a, b)


# -- var and std -------------------------------------------------------------------------------------------
def _spread(a, dims):
    """Whether every reduced slice of ``a`` has clearly different values (std is smooth there)."""
    if a.size == 0:
        return False
    low, high = a.min(axis=dims, keepdims=True), a.max(axis=dims, keepdims=True)
    return bool(np.all(high - low > 0.1))


CORRECTIONS = [dict(), dict(correction=0), dict(correction=2), dict(unbiased=False), dict(unbiased=True),
               dict(correction=0.5)]


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("kwargs", CORRECTIONS, ids=str)
@given(case=with_dims())
def test_var_std(name, kwargs, case):
    a, dim, keepdim = case
    dims = reduced_dims(a, dim)
    n = int(np.prod([a.shape[d] for d in dims]))
    correction = kwargs.get("correction", 1 - (kwargs.get("unbiased", True) is False))
    if n - correction <= 0 or not _spread(a, dims):
        return
    check(lambda lib, x: getattr(lib, name)(x, dim, keepdim=keepdim, **kwargs), a)


def test_var_std_legacy_positional_forms():
    a = np.random.default_rng(0).standard_normal((3, 4))
    for fn in [lambda lib, x: x.var(False), lambda lib, x: x.std(1, False), lambda lib, x: x.var(1, True, True),
               lambda lib, x: x.std(None, False, True), lambda lib, x: lib.var(x, dim=0, unbiased=False)]:
        check(fn, a)


def test_std_of_constant_slices_has_zero_gradient():
    check(lambda lib, x: x.std(1), np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]))
    check(lambda lib, x: x.std(), np.full(4, -3.0, np.float32))


def test_var_without_degrees_of_freedom_warns_like_torch():
    for fn in [lambda lib, x: x.var(), lambda lib, x: x.std(0, correction=2)]:
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            check(fn, np.array([1.5]))


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_second_order(name):
    a = np.random.default_rng(1).standard_normal((3, 4))
    second_order(lambda lib, x: getattr(x, name)(), a)
    second_order(lambda lib, x: getattr(x, name)(1, correction=0), a)


# -- norm --------------------------------------------------------------------------------------------------
NORM_P = [2, 1, 3, 1.5, 0.5, math.inf, -math.inf, 0, -1, "fro", 4.0]


@pytest.mark.parametrize("p", NORM_P, ids=str)
@given(case=with_dims())
def test_norm(p, case):
    a, dim, keepdim = case
    # |a|^p underflows for tiny a, and |a|^(p-1) blows up next to 0 (at 0 itself both are defined)
    a = np.where((a != 0) & (np.abs(a) < 1e-3), 0.5, a).astype(a.dtype)
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:  # the Frobenius norm is of matrices
        with pytest.raises(RuntimeError, match="dim must be a 2-tuple"):
            minitorch.norm(minitorch.from_numpy(a), p, dim)
        return
    if dim is None and not keepdim:
        check(lambda lib, x: x.norm(p=p), a)
    else:
        check(lambda lib, x: lib.norm(x, p, dim, keepdim), a)


@pytest.mark.parametrize("p", [2, 1, 3, 1.5, 0.5, math.inf, -1], ids=str)
def test_norm_of_zeros_has_zero_gradient(p):
    check(lambda lib, x: x.norm(p=p), np.zeros(3))
    check(lambda lib, x: x.norm(p=p, dim=1), np.array([[0.0, 0.0], [3.0, -4.0]]))
    check(lambda lib, x: x.norm(p=p), np.array([0.0, 2.0, -1.0]))


@pytest.mark.parametrize("p", [2, 3, 1.5, "fro"], ids=str)
def test_norm_second_order(p):
    a = np.random.default_rng(2).standard_normal((3, 4))
    second_order(lambda lib, x: x.norm(p=p), a)
    second_order(lambda lib, x: x.norm(p=p, dim=0), a)


def test_norm_errors_like_torch():
    cases = [lambda lib: lib.arange(6).reshape(2, 3).norm(),
             lambda lib: lib.ones(3).norm(p="abc"),
             lambda lib: lib.ones(3, dtype=lib.float64).norm(dtype=lib.float32)]
    for fn in cases:
        same_error(fn)

    check(lambda lib, x: x.norm(dtype=lib.float64), np.array([3.0, 4.0], np.float32))


# -- logsumexp, cumsum, count_nonzero ----------------------------------------------------------------------
@given(case=with_dims(array(low=-30, high=30), allow_none=False))
def test_logsumexp(case):
    a, dim, keepdim = case
    check(lambda lib, x: lib.logsumexp(x, dim, keepdim), a)


def test_logsumexp_is_stable():
    for value in [1e4, -1e4]:
        check(lambda lib, x: x.logsumexp(1), np.array([[value, value], [value, 0.0]]))
        check(lambda lib, x: x.logsumexp(0), np.array([value, value - 1], np.float32))
    check(lambda lib, x: x.logsumexp(0), np.array([-np.inf, -np.inf]), grad=False)
    check(lambda lib, x: x.logsumexp(0), np.array([np.inf, 1.0]), grad=False)
    check(lambda lib, x: x.logsumexp(0), np.array([3, 1, 2]))


def test_logsumexp_second_order():
    a = np.random.default_rng(3).standard_normal((3, 4))
    second_order(lambda lib, x: x.logsumexp(1), a)
    second_order(lambda lib, x: x.logsumexp((0, 1)), a)


@given(case=with_dims(allow_none=False))
def test_cumsum(case):
    a, dim, _ = case
    if isinstance(dim, tuple):
        dim = dim[0]
    check(lambda lib, x: x.cumsum(dim), a)
    check(lambda lib, x: lib.cumsum(x, dim=dim) * x, a)


def test_cumsum_second_order():
    a = np.random.default_rng(4).standard_normal((3, 4))
    second_order(lambda lib, x: (x.cumsum(1) * x).cumsum(0), a)


@given(case=with_dims(ties()))
def test_count_nonzero(case):
    a, dim, _ = case
    check(lambda lib, x: lib.count_nonzero(x, dim), a)
    check(lambda lib, x: x.count_nonzero(), a)


# -- second order of sum and mean, errors ------------------------------------------------------------------
def test_sum_mean_second_order():
    a = np.random.default_rng(5).standard_normal((3, 4))
    second_order(lambda lib, x: (x * x).sum(1) * x.mean(), a)
    second_order(lambda lib, x: (x * x * x).mean((0, 1), keepdim=True), a)


ERRORS = [
    lambda lib: lib.ones(2, 3).sum(2),
    lambda lib: lib.ones(2, 3).amax((0, 0)),
    lambda lib: lib.ones(2, 3).max(-3),
    lambda lib: lib.ones(0).max(),
    lambda lib: lib.ones(0, 3).min(0),
    lambda lib: lib.ones(0).amax(),
    lambda lib: lib.ones(0).argmax(),
    lambda lib: lib.tensor([True, False]).argmax(),
    lambda lib: lib.arange(6).var(),
    lambda lib: lib.arange(6).std(0),
    lambda lib: lib.ones(2, 3).prod(5),
    lambda lib: lib.ones(2, 3).cumsum(2),
    lambda lib: lib.ones(2, 3).logsumexp(-3),
    lambda lib: lib.ones(2, 3, 4).norm("fro", (0, 1, -1)),
    lambda lib: lib.ones(2, 3).norm("abc"),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_like_torch(fn):
    same_error(fn)


# -- empty dims -----------------------------------------------------------------------------------------------
EMPTY_REDUCTIONS = {
    "amax(1)": lambda lib, x: x.amax(1), "amax(-2)": lambda lib, x: x.amax(-2),
    "amax((0, 1))": lambda lib, x: x.amax((0, 1)),
    "amax((2, -2))": lambda lib, x: x.amax((2, -2)), "amax(-2, keepdim)": lambda lib, x: lib.amax(x, -2, keepdim=True),
    "amin(1)": lambda lib, x: x.amin(1), "amin()": lambda lib, x: x.amin(), "amax()": lambda lib, x: x.amax(),
    "norm(inf)": lambda lib, x: x.norm(float("inf")),
    "vector_norm(inf, dim=-2)": lambda lib, x: lib.linalg.vector_norm(x, float("inf"), dim=-2),
    "vector_norm(-inf, dim=1)": lambda lib, x: lib.linalg.vector_norm(x, float("-inf"), dim=1),
    "vector_norm(-1)": lambda lib, x: lib.linalg.vector_norm(x, -1),
    "vector_norm(-1, dim=(0, 1))": lambda lib, x: lib.linalg.vector_norm(x, -1, dim=(0, 1)),
    "vector_norm(-0.5, dim=1)": lambda lib, x: lib.linalg.vector_norm(x, -0.5, dim=1),
}


@pytest.mark.parametrize("name", EMPTY_REDUCTIONS)
def test_max_like_reductions_over_an_empty_dim_raise_torchs_error(name):
    """A maximum (or an inf/negative norm) has no identity: over an empty dim, torch raises; NumPy's own ValueError
    ("zero-size array to reduction operation maximum which has no identity") leaked instead."""
    same_error(lambda lib: EMPTY_REDUCTIONS[name](lib, lib.zeros(2, 0, 3)))


@pytest.mark.parametrize("fn", [lambda lib, x: x.amax(0), lambda lib, x: x.amin((0, 2)), lambda lib, x: x.amax(-1),
                                lambda lib, x: lib.linalg.vector_norm(x, float("inf"), dim=(0, 2)),
                                lambda lib, x: lib.linalg.vector_norm(x, 2),
                                lambda lib, x: lib.linalg.vector_norm(x, 0, dim=1)])
def test_max_like_reductions_over_non_empty_dims_of_an_empty_tensor(fn):
    outs = [fn(lib, lib.zeros(2, 0, 3, dtype=lib.float64)) for lib in (minitorch, torch)]
    assert_close(outs[0], outs[1])


@pytest.mark.parametrize("fn", [lambda lib, x: x.mean(), lambda lib, x: x.mean(1),
                                lambda lib, x: x.mean((0, 1), keepdim=True),
                                lambda lib, x: x.mean(0)])
def test_the_mean_of_nothing_is_nan_without_warnings(fn):
    outs = [outcome_and_warnings(lambda: fn(lib, lib.zeros(2, 0, dtype=lib.float64))) for lib in (minitorch, torch)]
    (mine, mine_warnings), (theirs, theirs_warnings) = outs
    assert_close(mine[1], theirs[1])
    assert mine_warnings == theirs_warnings == []
