"""More reductions against torch: nansum, nanmean, var_mean, std_mean, aminmax, dist and renorm - values,
dtypes, node names, gradients (second order too), errors word for word."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import array, check, same_error, second_order

# degrees of freedom <= 0 (var_mean, std_mean with a large correction) warn in both libraries, as they should
pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")


@st.composite
def with_dims(draw, arrays):
    """(array, dim, keepdim): dim None, an int (maybe negative) or a tuple of distinct dims."""
    a = draw(arrays)
    nd = a.ndim
    kind = draw(st.sampled_from(["none", "int", "tuple"] if nd else ["none", "int"]))
    if kind == "none":
        dim = None
    elif kind == "int":
        dim = draw(st.integers(-max(nd, 1), max(nd, 1) - 1))
    else:
        dims = draw(st.permutations(range(nd)))[:draw(st.integers(1, nd))]
        dim = tuple(d - nd if draw(st.booleans()) else d for d in dims)
    return a, dim, draw(st.booleans())


@st.composite
def with_nans(draw):
    a = draw(array(max_dims=3))
    nans = draw(hnp.arrays(np.bool_, a.shape, elements=st.sampled_from([False] * 3 + [True])))
    return np.where(nans, np.nan, a).astype(a.dtype)


def _round_in_place(a):
    a[...] = np.round(a / 4)
    return a


# -- nansum, nanmean -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["nansum", "nanmean"])
@settings(max_examples=40, deadline=None)
@given(case=with_dims(with_nans()))
def test_nansum_nanmean(name, case):
    a, dim, keepdim = case
    if dim is None:
        check(lambda lib, x: getattr(x, name)(), a)
    check(lambda lib, x: getattr(lib, name)(x, dim, keepdim), a)


def test_nansum_nanmean_dtypes_and_errors():
    check(lambda lib, x: x.nansum(), np.array([True, False, True]))
    check(lambda lib, x: x.nansum(1, dtype=lib.float32), np.array([[1, 2], [3, 4]], np.int32))
    check(lambda lib, x: x.nanmean(1, dtype=lib.float32), np.array([[np.nan, 1.0], [2.0, 3.0]]))
    check(lambda lib, x: x.nanmean(0), np.array([[np.nan, 1.0], [np.nan, 3.0]]))
    same_error(lambda lib: lib.nanmean(lib.tensor([1, 2])))


# -- var_mean, std_mean --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@settings(max_examples=40, deadline=None)
@given(case=with_dims(array(max_dims=3)), correction=st.sampled_from([None, 0, 1, 2]))
def test_var_mean_std_mean(name, case, correction):
    a, dim, keepdim = case
    check(lambda lib, x: getattr(lib, name)(x, dim, keepdim=keepdim, correction=correction), a)


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_mean_std_mean_forms(name):
    a = np.array([[1.0, 2.5, -3.0], [0.5, 0.5, 4.0]])
    check(lambda lib, x: getattr(lib, name)(x, 1, unbiased=False), a)
    check(lambda lib, x: getattr(lib, name)(x, False), a)
    check(lambda lib, x: getattr(lib, name)(x)[1], a)  # the mean alone gets a gradient: the var's is zeros
    second_order(lambda lib, x: sum(getattr(lib, name)(x, 0)), a)
    check(lambda lib, x: getattr(lib, name)(x, 0), np.array([[1.0, 2.0], [1.0, 3.0]]))  # a std of 0
    assert type(minitorch.var_mean(minitorch.tensor(a))) is tuple
    same_error(lambda lib: getattr(lib, name)(lib.tensor([1, 2])))
    for lib in (minitorch, torch):  # (torch's message lists its signatures)
        with pytest.raises(TypeError):
            getattr(lib, name)(lib.tensor([1.0, 2.0]), 0, unbiased=True, correction=1)


# -- aminmax -------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(a=array(max_dims=3).map(_round_in_place), data=st.data())
def test_aminmax(a, data):
    """Ties are common here: each output's gradient is split evenly among its ties, as torch."""
    keepdim = data.draw(st.booleans())
    check(lambda lib, x: lib.aminmax(x, keepdim=keepdim), a)
    dim = data.draw(st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1))
    check(lambda lib, x: x.aminmax(dim=dim, keepdim=keepdim), a)


def test_aminmax_named_tuple_bools_and_errors():
    out = minitorch.aminmax(minitorch.tensor([[1.0, 3.0], [-2.0, 0.5]]), dim=0)
    assert out.min.tolist() == [-2.0, 0.5] and out.max.tolist() == [1.0, 3.0]
    assert repr(out).startswith("torch.return_types.aminmax(\nmin=tensor(")
    check(lambda lib, x: lib.aminmax(x), np.array([True, False]))
    check(lambda lib, x: lib.aminmax(x, dim=0), np.array([np.nan, 1.0]))
    # a NaN extreme: amax, amin and aminmax give the whole slice a NaN gradient; max() gives it to the NaNs
    for fn in (lambda lib, x: x.amax(1), lambda lib, x: x.amin(), lambda lib, x: x.max()):
        check(fn, np.array([[np.nan, 1.0, 2.0], [0.5, 1.0, 1.0]]))
    same_error(lambda lib: lib.aminmax(lib.zeros(0)))
    same_error(lambda lib: lib.aminmax(lib.zeros(2, 0), dim=1))


# -- dist ----------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(pair=st.data(), p=st.sampled_from([0, 1, 2, 3, 1.5, 0.5, float("inf"), -float("inf")]))
def test_dist(pair, p):
    from harness import broadcast_pair
    a, b = pair.draw(broadcast_pair())
    # (torch's backward of the 0-"norm", a count, raises: "Expected a proper Tensor but got None")
    check(lambda lib, x, y: lib.dist(x, y, p), a, b, grad=p != 0)


def test_dist_second_order_promotion_and_errors():
    a, b = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]]), np.array([0.5, 1.0, -1.0])
    for p in (1.5, 2, 3):
        second_order(lambda lib, x, y: lib.dist(x, y, p), a, np.broadcast_to(b, a.shape).copy())
    check(lambda lib, x, y: x.dist(y), a.astype(np.float32), b)
    same_error(lambda lib: lib.dist(lib.tensor([1, 2]), lib.tensor([1, 2])))
    same_error(lambda lib: lib.dist(lib.ones(2), lib.ones(3)))


# -- renorm --------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(a=array(min_dims=2, max_dims=3), data=st.data(), p=st.sampled_from([1, 2, 3, 0.5, float("inf")]))
def test_renorm(a, data, p):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    maxnorm = data.draw(st.sampled_from([0.0, 0.5, 5.0, 100.0]))
    check(lambda lib, x: lib.renorm(x, p, dim, maxnorm), a)


def test_renorm_second_order_in_place_and_errors():
    a = np.array([[1.0, -2.0, 0.5], [0.1, 0.2, -0.1], [3.0, 0.0, 1.0]])
    for p in (1, 2, 3):
        second_order(lambda lib, x: lib.renorm(x, p, 0, 1.0), a)
    check(lambda lib, x: (x * 1).renorm_(2, 1, 1.5), a)
    same_error(lambda lib: lib.renorm(lib.ones(3), 2, 0, 1.0))
    same_error(lambda lib: lib.renorm(lib.ones(3, 2), 0, 0, 1.0))
    same_error(lambda lib: lib.renorm(lib.ones(3, 2), 2, 0, -1.0))
    same_error(lambda lib: lib.renorm(lib.tensor([[1, 2]]), 2, 0, 1.0))
