"""Sorting and selection against torch: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode; unique,
unique_consecutive; searchsorted, bucketize; histc, histogram; quantile, nanquantile. Values, dtypes, node names,
gradients (second order too), NaNs, torch's errors.

Where elements tie, torch's indices are its implementation's choice (topk, kthvalue, median), except for a
stable sort: the generated inputs for those comparisons have distinct values; with ties only values are compared,
and indices too where torch documents them (sort's ``stable=True``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, check, second_order

NAN = float("nan")

# torch asks for contiguous searchsorted inputs (a performance hint); the generated layouts are meant
pytestmark = pytest.mark.filterwarnings("ignore:torch.searchsorted.*non-contiguous:UserWarning")


def _distinct_in_place(a, draw):
    """Distinct values (a shuffled range), written into ``a`` in place so that its layout stays."""
    a[...] = (np.array(draw(st.permutations(range(a.size)))).reshape(a.shape) - a.size / 2) * 0.75
    return a


@st.composite
def distinct(draw, min_dims=0, max_dims=3, dtype=None):
    return _distinct_in_place(draw(array(min_dims=min_dims, max_dims=max_dims, dtype=dtype)), draw)


@st.composite
def ties(draw, min_dims=0, max_dims=3, dtype=None):
    """A few distinct values, each likely to occur more than once."""
    a = draw(array(min_dims=min_dims, max_dims=max_dims, dtype=dtype))
    a[...] = np.round(a / 4)
    return a


@st.composite
def with_dim(draw, arrays):
    a = draw(arrays)
    n = max(a.ndim, 1)
    return a, draw(st.integers(-n, n - 1))


def _size(a, dim):
    return a.shape[dim] if a.ndim else 1


# -- the selection ops on distinct values: values, indices, node names, gradients ------------------------------
@given(case=with_dim(distinct()), descending=st.booleans(), stable=st.sampled_from([None, True, False]))
def test_sort(case, descending, stable):
    a, dim = case
    if stable is None:
        check(lambda lib, x: lib.sort(x, dim, descending), a)
        check(lambda lib, x: x.sort(dim=dim, descending=descending), a)
    else:  # the other overload: SortBackward1
        check(lambda lib, x: lib.sort(x, stable=stable, dim=dim, descending=descending), a)
    check(lambda lib, x: lib.argsort(x, dim, descending), a)


@given(a=distinct())
def test_msort(a):
    check(lambda lib, x: lib.msort(x), a)


@given(case=with_dim(distinct()), data=st.data(), largest=st.booleans())
def test_topk(case, data, largest):
    a, dim = case
    k = data.draw(st.integers(0, _size(a, dim)))
    check(lambda lib, x: lib.topk(x, k, dim, largest=largest), a)
    check(lambda lib, x: x.topk(k, dim=dim, largest=largest, sorted=True), a)


@given(case=with_dim(distinct()), data=st.data(), keepdim=st.booleans())
def test_kthvalue(case, data, keepdim):
    a, dim = case
    k = data.draw(st.integers(1, _size(a, dim)))
    check(lambda lib, x: lib.kthvalue(x, k, dim, keepdim), a)


@pytest.mark.parametrize("name", ["median", "nanmedian", "mode"])
@given(case=with_dim(distinct()), keepdim=st.booleans())
def test_median_mode_dim(name, case, keepdim):
    a, dim = case
    check(lambda lib, x: getattr(lib, name)(x, dim, keepdim), a)
    check(lambda lib, x: getattr(x, name)(dim, keepdim=keepdim), a)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@given(a=ties())
def test_median_all_splits_ties(name, a):
    """median() of everything: one value, its gradient split evenly among the elements equal to it."""
    check(lambda lib, x: getattr(lib, name)(x), a)


@settings(max_examples=15)
@given(case=with_dim(distinct(dtype=np.float64)), data=st.data())
def test_selection_second_order(case, data):
    a, dim = case
    k = data.draw(st.integers(1, _size(a, dim)))
    second_order(lambda lib, x: lib.sort(x, dim).values * lib.topk(x, k, dim).values.sum(), a)
    second_order(lambda lib, x: lib.kthvalue(x, k, dim).values ** 2 + lib.median(x, dim).values ** 3, a)


# -- ties: values; indices only where torch documents them -----------------------------------------------------
@given(case=with_dim(ties()), descending=st.booleans())
def test_stable_sort_of_ties(case, descending):
    """sort(stable=True): equal elements keep their order - indices and gradients are torch's."""
    a, dim = case
    check(lambda lib, x: lib.sort(x, dim=dim, descending=descending, stable=True), a)
    check(lambda lib, x: lib.argsort(x, dim=dim, descending=descending, stable=True), a)


@given(case=with_dim(ties()), data=st.data(), keepdim=st.booleans())
def test_selection_of_ties_values(case, data, keepdim):
    a, dim = case
    k = data.draw(st.integers(1, _size(a, dim)))
    for call in (lambda lib, x: lib.topk(x, k, dim).values, lambda lib, x: lib.kthvalue(x, k, dim, keepdim).values,
                 lambda lib, x: lib.median(x, dim, keepdim).values, lambda lib, x: lib.mode(x, dim, keepdim).values):
        check(call, a, grad=False, check_names=False)


def test_mode_picks_the_smallest_most_frequent_and_its_last_index():
    for values in ([5.0, 2, 2, 5, 3, 5, 2], [1.0, 2, 2, 1, 3], [3.0, 1, 3, 2, 1, 3, 2, 1, 2], [[1.0, 1, 2], [4, 3, 3]]):
        check(lambda lib, x: lib.mode(x), np.array(values))


def test_nan_is_the_largest():
    """NaN sorts last (first when descending), a median is NaN at the first NaN; nanmedian leaves them out."""
    a = np.array([[3.0, NAN, 1.0, 3.0, NAN, 2.0], [NAN, NAN, NAN, 1.0, 0.5, 2.0]])
    check(lambda lib, x: lib.sort(x, stable=True), a)
    check(lambda lib, x: lib.sort(x, descending=True, stable=True), a)
    one_nan = np.array([[3.0, NAN, 1.0, 2.5, 0.0, 2.0], [-1.0, 4.0, NAN, 1.0, 0.5, 2.0]])  # (no ties)
    check(lambda lib, x: lib.topk(x, 3), one_nan)
    check(lambda lib, x: lib.topk(x, 2, largest=False), one_nan)
    for name in ("median", "nanmedian"):
        check(lambda lib, x: getattr(lib, name)(x, 1), one_nan)
        check(lambda lib, x: getattr(lib, name)(x), one_nan)
        check(lambda lib, x: getattr(lib, name)(x), a)
    check(lambda lib, x: lib.nanmedian(x, 1), np.full((2, 3), NAN))
    check(lambda lib, x: lib.nanmedian(x), np.full((2, 3), NAN))


def test_integers_and_empty_and_0d():
    ints = np.array([[3, 1, 2, -4], [0, 5, 7, -1]])
    for call in (lambda lib, x: lib.sort(x, descending=True), lambda lib, x: lib.topk(x, 2),
                 lambda lib, x: lib.kthvalue(x, 3), lambda lib, x: lib.median(x, 1), lambda lib, x: lib.median(x),
                 lambda lib, x: lib.mode(x), lambda lib, x: lib.argsort(x, 0), lambda lib, x: lib.msort(x)):
        check(call, ints)
    check(lambda lib, x: lib.mode(x), np.array([[3, 1, 3, 1, 2], [0, 5, 5, 1, 5]]))
    check(lambda lib, x: lib.sort(x, descending=True, stable=True), np.array([True, False, True]))
    check(lambda lib, x: lib.mode(x), np.array([True, False, True]))
    for call in (lambda lib, x: lib.sort(x, 0), lambda lib, x: lib.topk(x, 0, 0), lambda lib, x: lib.median(x, 1),
                 lambda lib, x: lib.mode(x, 1), lambda lib, x: lib.median(x), lambda lib, x: lib.nanmedian(x)):
        check(call, np.zeros((0, 3)))
    for call in (lambda lib, x: lib.sort(x), lambda lib, x: lib.topk(x, 1), lambda lib, x: lib.topk(x, 0),
                 lambda lib, x: lib.kthvalue(x, 1, 0, True), lambda lib, x: lib.median(x, 0),
                 lambda lib, x: lib.mode(x, -1), lambda lib, x: lib.msort(x)):
        check(call, np.array(2.5))


def test_return_types_print_as_torch():
    for lib in (minitorch, torch):
        x = lib.tensor([[3.0, 1.0], [2.0, 4.0]], requires_grad=True)
        out = (lib.sort(x), lib.topk(x, 1), lib.kthvalue(x, 1), lib.median(x, 0), lib.nanmedian(x, 0), lib.mode(x),
               lib.histogram(x, 2))
        if lib is minitorch:
            mine = out
    for m, t in zip(mine, out):
        assert repr(m) == repr(t)
        assert type(m).__name__ == type(t).__name__
        for field in ("hist", "bin_edges") if type(t).__name__ == "histogram" else ("values", "indices"):
            assert repr(getattr(m, field)) == repr(getattr(t, field))


# -- unique, unique_consecutive ------------------------------------------------------------------------------
def _small_ints(a):
    a[...] = np.round(a / 5)
    return a


@given(a=array(max_dims=3).map(_small_ints), data=st.data(), inverse=st.booleans(), counts=st.booleans())
def test_unique(a, data, inverse, counts):
    dim = data.draw(st.sampled_from([None] + list(range(-a.ndim, a.ndim))))
    for lib_call in (lambda lib, x: lib.unique(x, return_inverse=inverse, return_counts=counts, dim=dim),
                     lambda lib, x: x.unique(sorted=False, return_inverse=inverse, return_counts=counts, dim=dim),
                     lambda lib, x: lib.unique_consecutive(x, return_inverse=inverse, return_counts=counts, dim=dim)):
        check(lib_call, a, grad=False)  # (no derivative: node names compared, backward raises, below)
        check(lib_call, a.astype(np.int64))


def test_unique_nans_are_distinct():
    a = np.array([NAN, 1.0, NAN, 2.0, 2.0, NAN])
    check(lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), a, grad=False)
    check(lambda lib, x: lib.unique_consecutive(x, return_inverse=True, return_counts=True), a, grad=False)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.unique(x), lambda lib, x: lib.unique(x, dim=0), lambda lib, x: lib.unique_consecutive(x),
    lambda lib, x: lib.histogram(x, 3).hist, lambda lib, x: lib.histogram(x, 3).bin_edges],
    ids=["unique", "unique dim", "unique_consecutive", "histogram hist", "histogram edges"])
def test_no_derivative(call):
    """The output requires grad, through a node whose backward raises torch's error."""
    outcomes = []
    for lib in (minitorch, torch):
        x = lib.tensor([[1.0, 2.0], [1.0, 2.0]], requires_grad=True)
        out = call(lib, x)
        with pytest.raises(Exception) as error:
            out.sum().backward()
        outcomes.append((out.requires_grad, out.grad_fn.name(), type(error.value), str(error.value)))
    assert outcomes[0] == outcomes[1]


# -- searchsorted, bucketize ---------------------------------------------------------------------------------
@st.composite
def search_case(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    lead = draw(st.sampled_from([(), (2,), (2, 3)]))
    n, m = draw(st.integers(0, 6)), draw(st.integers(0, 5))
    seq = np.sort(np.round(draw(array(shape=lead + (n,) if lead or draw(st.booleans()) else (n,), dtype=dtype))))
    values = np.round(draw(array(shape=seq.shape[:-1] + (m,) if seq.ndim > 1 else
                                 draw(st.sampled_from([(m,), (2, m), ()])), dtype=dtype)))
    if values.size and draw(st.booleans()):
        values.flat[0] = NAN
    return seq, values


@given(case=search_case(), side=st.sampled_from([None, "left", "right"]), out_int32=st.booleans(),
       shuffled=st.booleans())
def test_searchsorted(case, side, out_int32, shuffled):
    seq, values = case
    right = side == "right" and shuffled  # right=True beside side="right": allowed, the same
    if shuffled and seq.size:  # an unsorted sequence and the sorter that sorts it
        rng = np.random.default_rng(seq.size)
        perm = np.argsort(rng.random(seq.shape), axis=-1)
        inverse = np.argsort(perm, axis=-1)
        check(lambda lib, s, v, i: lib.searchsorted(s, v, side=side, right=right, out_int32=out_int32, sorter=i),
              np.take_along_axis(seq, perm, -1), values, inverse, grad=False)
    check(lambda lib, s, v: lib.searchsorted(s, v, side=side, right=right, out_int32=out_int32), seq, values,
          grad=False)
    if seq.ndim == 1:
        check(lambda lib, v, s: lib.bucketize(v, s, right=side == "right", out_int32=out_int32), values, seq,
              grad=False)


def test_searchsorted_numbers_and_nan_in_the_sequence():
    seq = np.array([1.0, 2.0, 2.0, 3.0, NAN])
    for right in (False, True):
        check(lambda lib, s: lib.searchsorted(s, 2, right=right), seq, grad=False)
        check(lambda lib, s: lib.searchsorted(s, 2.5, right=right), seq, grad=False)
        check(lambda lib, s: lib.bucketize(3, s, right=right), seq, grad=False)
        check(lambda lib, s, v: lib.searchsorted(s, v, right=right), seq, np.array([NAN, 2.0, 0.0, 5.0]), grad=False)
        check(lambda lib, s, v: lib.searchsorted(s, v, right=right), np.array([1, 3, 5]), np.array([2.5, 3.0, 7.0]),
              grad=False)


# -- histc, histogram ------------------------------------------------------------------------------------------
@given(a=array(max_dims=3), bins=st.integers(1, 7), bounds=st.sampled_from([(0, 0), (-3, 4), (2, 2), (-8.5, 0.25)]))
def test_histc(a, bins, bounds):
    check(lambda lib, x: lib.histc(x, bins, *bounds), a)
    on_edges = np.asarray(np.round(a))
    check(lambda lib, x: x.histc(bins=bins, min=bounds[0], max=bounds[1]), on_edges)


@given(a=array(max_dims=3), data=st.data(), density=st.booleans(), weighted=st.booleans())
def test_histogram(a, data, density, weighted):
    a = np.asarray(np.round(a)) if data.draw(st.booleans()) else a  # values on the edges
    weight = data.draw(array(shape=a.shape, dtype=a.dtype, low=0, high=3)) if weighted else None
    kind = data.draw(st.sampled_from(["int", "range", "tensor"]))
    extra = (weight,) if weighted else ()

    def call(lib, x, *w):
        kwargs = dict(density=density, weight=w[0] if w else None)
        if kind == "tensor":
            return lib.histogram(x, lib.tensor([-7.0, -1.5, 0.0, 2.0, 9.0], dtype=x.dtype), **kwargs)
        if kind == "range":
            return lib.histogram(x, 4, range=(-5.0, 5.0), **kwargs)
        return x.histogram(3, **kwargs)
    check(call, a, *extra, grad=False)


# -- quantile, nanquantile -----------------------------------------------------------------------------------
@st.composite
def quantile_case(draw, nans=False):
    a = draw(distinct(dtype=draw(st.sampled_from([np.float32, np.float64]))))
    if nans and a.size:
        a.flat[draw(st.lists(st.integers(0, a.size - 1), max_size=a.size))] = NAN
    q = draw(st.sampled_from(["number", "0-d", "1-d"]))
    qs = draw(st.lists(st.floats(0, 1, width=32), min_size=1, max_size=3))
    q = qs[0] if q == "number" else np.array(qs[0] if q == "0-d" else qs, a.dtype)
    n = max(a.ndim, 1)
    return a, q, draw(st.sampled_from([None] + list(range(-n, n)))), draw(st.booleans())


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@given(case=quantile_case())
def test_quantile(interpolation, case):
    a, q, dim, keepdim = case
    if isinstance(q, float):
        check(lambda lib, x: lib.quantile(x, q, dim, keepdim, interpolation=interpolation), a)
    else:  # the gradient of q too (linear: the weights depend on it)
        check(lambda lib, x, p: x.quantile(p, dim=dim, keepdim=keepdim, interpolation=interpolation), a, q)


@pytest.mark.parametrize("interpolation", ["linear", "midpoint", "nearest"])
@given(case=quantile_case(nans=True))
def test_nanquantile(interpolation, case):
    a, q, dim, keepdim = case
    # NaNs tie: which of a slice's NaNs gets the gradient is torch's implementation's choice
    nans = np.isnan(a).sum(axis=None if dim is None or not a.ndim else dim)
    grad = bool(np.max(nans, initial=0) <= 1)
    for name in ("nanquantile", "quantile"):
        if isinstance(q, float):
            check(lambda lib, x: getattr(lib, name)(x, q, dim, keepdim, interpolation=interpolation), a, grad=grad)
        else:
            check(lambda lib, x, p: getattr(lib, name)(x, p, dim, keepdim, interpolation=interpolation), a, q,
                  grad=grad)


def test_quantile_graph_as_torch():
    """torch's graph for quantile: the values gathered (GatherBackward0), lerped (LerpBackward1), then the result
    squeezed in place (SqueezeBackward4)."""
    def names(node):
        out, stack = [], [node]
        while stack:
            n = stack.pop()
            if n is not None and n.name() not in out:
                out.append(n.name())
                stack.extend(f for f, _ in n.next_functions)
        return sorted(out)
    for kwargs in (dict(), dict(dim=1), dict(dim=1, interpolation="nearest"), dict(interpolation="midpoint")):
        got = []
        for lib in (minitorch, torch):
            x = lib.tensor([[1.0, 5.0, 2.0], [0.5, 3.0, 4.0]], dtype=lib.float64, requires_grad=True)
            got.append(names(lib.quantile(x, 0.3, **kwargs).grad_fn))
        assert got[0] == got[1]


@settings(max_examples=15)
@given(case=quantile_case())
def test_quantile_second_order(case):
    a, q, dim, keepdim = case
    if a.dtype == np.float64:
        second_order(lambda lib, x: lib.quantile(x, 0.4, dim, keepdim) ** 2, a)


# -- torch's errors -----------------------------------------------------------------------------------------------
def _x(lib):
    return lib.tensor([[3.0, 1.0, 2.0, 0.5], [7.0, 3.0, 0.0, 1.0], [4.0, 4.0, 2.0, 6.0]], dtype=lib.float64)


ERRORS = {
    "sort dim": lambda lib: lib.sort(_x(lib), 2),
    "topk k too big": lambda lib: lib.topk(_x(lib), 5),
    "topk k negative": lambda lib: lib.topk(_x(lib), -1),
    "topk bool": lambda lib: lib.topk(lib.tensor([True, False]), 1),
    "kthvalue k 0": lambda lib: lib.kthvalue(_x(lib), 0),
    "kthvalue k too big": lambda lib: lib.kthvalue(_x(lib), 4, 0),
    "kthvalue bool": lambda lib: lib.kthvalue(lib.tensor([True, False]), 1),
    "kthvalue empty dim": lambda lib: lib.kthvalue(lib.zeros(0, 3), 1, 0),
    "median empty dim": lambda lib: lib.median(lib.zeros(0, 3), 0),
    "nanmedian empty dim": lambda lib: lib.nanmedian(lib.zeros(0, 3), 0),
    "median bool": lambda lib: lib.median(lib.tensor([True, False])),
    "mode empty dim": lambda lib: lib.mode(lib.zeros(0, 3), 0),
    "unique empty other dim": lambda lib: lib.unique(lib.zeros(2, 0), dim=0),
    "unique 0-d dim": lambda lib: lib.unique(lib.tensor(1.0), dim=0),
    "unique_consecutive empty other dim": lambda lib: lib.unique_consecutive(lib.zeros(2, 0), dim=0),
    "searchsorted side": lambda lib: lib.searchsorted(lib.tensor([1.0, 2.0]), lib.tensor([1.5]), side="mid"),
    "searchsorted opposites": lambda lib: lib.searchsorted(lib.tensor([1.0]), lib.tensor([1.0]), side="left",
                                                           right=True),
    "searchsorted shapes": lambda lib: lib.searchsorted(lib.zeros(2, 3), lib.zeros(3, 2)),
    "searchsorted 0-d": lambda lib: lib.searchsorted(lib.tensor(1.0), lib.tensor([1.0])),
    "searchsorted sorter size": lambda lib: lib.searchsorted(lib.tensor([1.0, 2.0]), lib.tensor([1.0]),
                                                             sorter=lib.tensor([0])),
    "searchsorted sorter dtype": lambda lib: lib.searchsorted(lib.tensor([1.0, 2.0]), lib.tensor([1.0]),
                                                              sorter=lib.tensor([0, 1], dtype=lib.int32)),
    "searchsorted sorter range": lambda lib: lib.searchsorted(lib.tensor([1.0, 2.0]), lib.tensor([1.0]),
                                                              sorter=lib.tensor([0, 2])),
    "searchsorted bool": lambda lib: lib.searchsorted(lib.tensor([False, True]), lib.tensor([True])),
    "bucketize 2-d": lambda lib: lib.bucketize(lib.tensor([1.0]), lib.zeros(2, 2)),
    "histc int": lambda lib: lib.histc(lib.tensor([1, 2])),
    "histc bins": lambda lib: lib.histc(_x(lib), 0),
    "histc min > max": lambda lib: lib.histc(_x(lib), 4, 5, 1),
    "histc inf": lambda lib: lib.histc(_x(lib), 4, 1, float("inf")),
    "histc nan": lambda lib: lib.histc(lib.tensor([NAN]), 3),
    "histogram int": lambda lib: lib.histogram(lib.tensor([1, 2]), 3),
    "histogram bins dtype": lambda lib: lib.histogram(_x(lib), lib.tensor([1, 2, 3])),
    "histogram bins 2-d": lambda lib: lib.histogram(_x(lib), lib.zeros(1, 2, dtype=lib.float64)),
    "histogram no bins": lambda lib: lib.histogram(_x(lib), lib.zeros(0, dtype=lib.float64)),
    "histogram bins 0": lambda lib: lib.histogram(_x(lib), 0),
    "histogram range": lambda lib: lib.histogram(_x(lib), 3, range=(5.0, 1.5)),
    "histogram range inf": lambda lib: lib.histogram(_x(lib), 3, range=(1.0, float("inf"))),
    "histogram weight shape": lambda lib: lib.histogram(_x(lib), 3, weight=lib.ones(4, dtype=lib.float64)),
    "histogram weight dtype": lambda lib: lib.histogram(_x(lib), 3, weight=lib.ones(3, 4)),
    "histogram nan": lambda lib: lib.histogram(lib.tensor([NAN]), 2),
    "quantile q > 1": lambda lib: lib.quantile(_x(lib), 1.5),
    "quantile q nan": lambda lib: lib.quantile(_x(lib), NAN),
    "quantile q tensor range": lambda lib: lib.quantile(_x(lib), lib.tensor([0.5, 1.5], dtype=lib.float64)),
    "quantile q 2-d": lambda lib: lib.quantile(_x(lib), lib.tensor([[0.5]], dtype=lib.float64)),
    "quantile q dtype": lambda lib: lib.quantile(_x(lib), lib.tensor([0.5])),
    "quantile int": lambda lib: lib.quantile(lib.tensor([1, 2]), 0.5),
    "quantile empty": lambda lib: lib.quantile(lib.zeros(0), 0.5),
    "quantile interpolation": lambda lib: lib.nanquantile(_x(lib), 0.5, interpolation="foo"),
    "quantile dim": lambda lib: lib.quantile(_x(lib), 0.5, dim=2),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    outcomes = []
    for lib in (minitorch, torch):
        with pytest.raises(Exception) as error:
            ERRORS[name](lib)
        outcomes.append((type(error.value).__name__, str(error.value)))
    assert outcomes[0] == outcomes[1]
