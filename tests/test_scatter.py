"""The gather/scatter family against torch (minitorch/ops/scatter.py): scatter, scatter_add, scatter_reduce,
index_add, index_copy, index_reduce, put, take, masked_select, masked_scatter, nonzero, argwhere, the
``*_scatter`` ops and as_strided - values, dtypes, node names (first and second order), gradients, second
derivatives, the in-place twins, and torch's errors word for word."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from minitorch.testing import check_gradients
from harness import array, check, float_dtypes, same_error

pytestmark = [pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta:UserWarning"),
              pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter:UserWarning")]

SCATTER_REDUCES = ["sum", "prod", "mean", "amax", "amin"]
INDEX_REDUCES = ["prod", "mean", "amax", "amin"]
few = settings(max_examples=25)


# -- generated inputs ------------------------------------------------------------------------------------------
@st.composite
def shape_and_dim(draw, min_dims=1, max_dims=3):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, dim


def _rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))


@st.composite
def scatter_case(draw, unique=False):
    """(self, dim, index, src): an index of self's rank, no larger than self off ``dim`` (nor than src); with
    ``unique``, no position written twice (scatter's result is otherwise the last write, which torch leaves
    unspecified)."""
    dtype = draw(float_dtypes)
    shape, dim = draw(shape_and_dim())
    d = dim % len(shape)
    rng = _rng(draw)
    idx_shape = [draw(st.integers(1, n)) for n in shape]
    idx_shape[d] = draw(st.integers(1, shape[d] if unique else 5))
    if unique:  # along dim, each fiber of the index is a distinct choice of positions
        index = np.argsort(rng.random(idx_shape[:d] + [shape[d]] + idx_shape[d + 1:]), axis=d)
        index = np.take(index, range(idx_shape[d]), axis=d)
    else:
        index = rng.integers(0, shape[d], idx_shape)
    src_shape = [n + draw(st.integers(0, 1)) for n in idx_shape]  # src may be larger than the index
    return (draw(array(shape=shape, dtype=dtype)), dim, index.astype(np.int64),
            draw(array(shape=tuple(src_shape), dtype=dtype)))


@st.composite
def index_case(draw, unique=False):
    """(self, dim, index, source) for index_add/index_copy/index_reduce: a 1-d index along dim."""
    dtype = draw(float_dtypes)
    shape, dim = draw(shape_and_dim())
    d = dim % len(shape)
    rng = _rng(draw)
    k = draw(st.integers(1, shape[d] if unique else 5))
    index = rng.permutation(shape[d])[:k] if unique else rng.integers(0, shape[d], k)
    src_shape = list(shape)
    src_shape[d] = k
    return (draw(array(shape=shape, dtype=dtype)), dim, index.astype(np.int64),
            draw(array(shape=tuple(src_shape), dtype=dtype)))


def _ties(a):
    """Some values rounded to a coarse grid, so that reductions see ties and zeros."""
    return np.asarray(np.round(a / 4) if a.size % 2 else a)


# -- scatter, scatter_add, scatter_reduce ----------------------------------------------------------------------
@few
@given(case=scatter_case(unique=True))
def test_scatter(case):
    a, dim, index, src = case
    check(lambda lib, a, i, s: lib.scatter(a, dim, i, s), a, index, src, grad=False)  # src larger than index
    src = src[tuple(slice(0, n) for n in index.shape)]  # (a larger src has no gradient in torch: see below)
    check(lambda lib, a, i, s: lib.scatter(a, dim, i, s), a, index, src)
    check(lambda lib, a, i: a.scatter(dim, i, 1.5), a, index)


@few
@given(case=scatter_case())
def test_scatter_add(case):
    a, dim, index, src = case
    src = src[tuple(slice(0, n) for n in index.shape)]  # (a larger src has no gradient in torch: see below)
    check(lambda lib, a, i, s: a.scatter_add(dim, i, s), a, index, src)


@few
@given(case=scatter_case(), reduce=st.sampled_from(SCATTER_REDUCES), include_self=st.booleans())
def test_scatter_reduce(case, reduce, include_self):
    a, dim, index, src = case
    src = _ties(src[tuple(slice(0, n) for n in index.shape)])
    check(lambda lib, a, i, s: lib.scatter_reduce(a, dim, i, s, reduce, include_self=include_self),
          _ties(a), index, src)


@few
@given(case=scatter_case(), reduce=st.sampled_from(["add", "multiply"]))
def test_scatter_legacy_reduce_values(case, reduce):
    """scatter(..., reduce=): values only - torch has no derivative for it (its node is NotImplemented)."""
    a, dim, index, src = case
    check(lambda lib, a, i, s: a.scatter(dim, i, s, reduce=reduce), a, index, src, grad=False)


def test_scatter_src_larger_than_index():
    """Only the index's part of src is read; torch then has no gradient for src (its shape differs from the
    index's), and neither has minitorch: both raise the engine's error."""
    outcomes = []
    for lib in (minitorch, torch):
        src = lib.arange(15.0, dtype=lib.float64).reshape(3, 5).requires_grad_()
        out = lib.zeros(3, 4, dtype=lib.float64).scatter(0, lib.tensor([[0, 1, 2, 0]]), src)
        with pytest.raises(RuntimeError) as error:
            out.sum().backward()
        outcomes.append((out.tolist(), str(error.value)))
    assert outcomes[0] == outcomes[1]


# -- index_add, index_copy, index_reduce -------------------------------------------------------------------------
@few
@given(case=index_case(), alpha=st.sampled_from([1, 2.5, -1]))
def test_index_add(case, alpha):
    a, dim, index, src = case
    check(lambda lib, a, i, s: a.index_add(dim, i, s, alpha=alpha), a, index, src)


@few
@given(case=index_case(unique=True))
def test_index_copy(case):
    a, dim, index, src = case
    check(lambda lib, a, i, s: lib.index_copy(a, dim, i, s), a, index, src)


@few
@given(case=index_case(), reduce=st.sampled_from(INDEX_REDUCES), include_self=st.booleans())
def test_index_reduce(case, reduce, include_self):
    a, dim, index, src = case
    check(lambda lib, a, i, s: a.index_reduce(dim, i, s, reduce, include_self=include_self),
          _ties(a), index, _ties(src))


# -- take, put -------------------------------------------------------------------------------------------------
@few
@given(data=st.data(), a=array(min_dims=0, max_dims=3), accumulate=st.booleans())
def test_take_and_put(data, a, accumulate):
    n = a.size
    rng = _rng(data.draw)
    if n == 0:
        index = np.zeros(0, np.int64)
    elif accumulate:
        index = rng.integers(-n, n, data.draw(st.integers(1, 6)))
    else:  # distinct positions, some written negative
        index = rng.permutation(n)[:data.draw(st.integers(1, n))]
        index = np.where(rng.random(index.size) < 0.5, index - n, index)
    index = index.astype(np.int64).reshape(data.draw(st.sampled_from([(-1,), (1, -1)])))
    src = data.draw(array(shape=index.shape, dtype=a.dtype))
    check(lambda lib, a, i: lib.take(a, i), a, index)
    check(lambda lib, a, i, s: a.put(i, s, accumulate=accumulate), a, index, src)


# -- masked_select, masked_scatter ------------------------------------------------------------------------------
@st.composite
def masked_case(draw):
    """(self, mask, source): mask broadcast against self (either may be the larger one)."""
    dtype = draw(float_dtypes)
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=3)))
    mask_shape = tuple(n if draw(st.booleans()) else 1 for n in shape)[draw(st.integers(0, len(shape))):]
    if draw(st.booleans()):
        shape, mask_shape = mask_shape, shape
    mask = np.asarray(_rng(draw).random(mask_shape) < 0.5)
    full = np.broadcast_shapes(shape, mask_shape)
    source = draw(array(shape=(int(np.prod(full)) + draw(st.integers(0, 2)),), dtype=dtype))
    return draw(array(shape=shape, dtype=dtype)), mask, source


@few
@given(case=masked_case())
def test_masked_select_and_scatter(case):
    a, mask, source = case
    check(lambda lib, a, m: lib.masked_select(a, m), a, mask)
    check(lambda lib, a, m, s: a.masked_scatter(m, s.reshape(2, -1) if s.numel() % 2 == 0 else s), a, mask, source)


# -- nonzero, argwhere ---------------------------------------------------------------------------------------------
@few
@given(a=array(min_dims=0, max_dims=4))
def test_nonzero_argwhere(a):
    def positions(lib):
        x = lib.from_numpy(_ties(a).copy())
        return [lib.nonzero(x), *x.nonzero(as_tuple=True), lib.argwhere(x)]
    mine, theirs = positions(minitorch), positions(torch)
    assert len(mine) == len(theirs)
    for m, t in zip(mine, theirs):
        assert (str(m.dtype), tuple(m.shape)) == (str(t.dtype), tuple(t.shape))
        np.testing.assert_array_equal(m.numpy(), t.numpy())


# -- select_scatter, slice_scatter, diagonal_scatter ----------------------------------------------------------------
@few
@given(data=st.data(), sd=shape_and_dim(), dtype=float_dtypes)
def test_view_scatters(data, sd, dtype):
    shape, dim = sd
    a = data.draw(array(shape=shape, dtype=dtype))
    d = dim % len(shape)
    index = data.draw(st.integers(-shape[d], shape[d] - 1))
    src = data.draw(array(shape=shape[:d] + shape[d + 1:], dtype=dtype))
    check(lambda lib, a, s: lib.select_scatter(a, s, dim, index), a, src)

    start, end = data.draw(st.none() | st.integers(-5, 5)), data.draw(st.none() | st.integers(-5, 5))
    step = data.draw(st.integers(1, 3))
    sliced = np.empty(shape)[(slice(None),) * d + (slice(start, end, step),)].shape
    src = data.draw(array(shape=sliced, dtype=dtype))
    check(lambda lib, a, s: lib.slice_scatter(a, s, dim, start, end, step), a, src)

    if len(shape) >= 2:
        dim2 = data.draw(st.sampled_from([x for x in range(len(shape)) if x != d]))
        offset = data.draw(st.integers(-3, 3))
        diag_shape = torch.zeros(shape).diagonal(offset, d, dim2).shape
        src = data.draw(array(shape=tuple(diag_shape), dtype=dtype))
        check(lambda lib, a, s: lib.diagonal_scatter(a, s, offset, dim, dim2), a, src)


# -- as_strided ----------------------------------------------------------------------------------------------------
@few
@given(data=st.data(), a=array(shape=(12,), layout=False), dims=st.integers(0, 3))
def test_as_strided(data, a, dims):
    size = tuple(data.draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(data.draw(st.integers(0, 3)) for _ in range(dims))
    span = sum((n - 1) * s for n, s in zip(size, stride))
    offset = data.draw(st.integers(0, 11 - span))  # elements may repeat (stride 0, overlapping rows)
    check(lambda lib, x: x.as_strided(size, stride, offset), a)
    check(lambda lib, x: lib.as_strided_copy(x, size, stride, offset), a)


def test_as_strided_of_a_view_reads_its_memory_block():
    """torch's storage: a view's as_strided counts positions in the memory its base owns, from the view's own
    offset by default, and changes through it reach the base."""
    outcomes = []
    for lib in (minitorch, torch):
        base = lib.arange(12.0, dtype=lib.float64).requires_grad_()
        x = base * 1
        v = x[2:].view(2, 5).t()
        w = v.as_strided((2, 2), (1, 3))
        w.mul_(10)
        (g,) = lib.autograd.grad((x * lib.arange(12.0, dtype=lib.float64)).sum(), base)
        outcomes.append((v.as_strided((3,), (2,), 1).tolist(), x.tolist(), w.grad_fn.name(), x.grad_fn.name(),
                         g.tolist()))
    assert outcomes[0] == outcomes[1]


def test_as_strided_in_place():
    outcomes = []
    for lib in (minitorch, torch):
        base = lib.arange(6.0, dtype=lib.float64).requires_grad_()
        x = base * 1
        assert x.as_strided_((2, 2), (1, 2), 1) is x
        (g,) = lib.autograd.grad((x * lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)).sum(), base)
        outcomes.append((x.tolist(), x.stride(), x.grad_fn.name(), g.tolist()))
    assert outcomes[0] == outcomes[1]


def test_as_strided_scatter_gradients():
    """torch 2.14.1's VJP of as_strided_scatter for self is wrong (tests/test_opinfo.py XFAIL): minitorch's is
    checked against finite differences (first and second order), and its value, node name and gradient for src
    against torch."""
    rng = np.random.default_rng(0)
    a, src = rng.standard_normal((3, 3)), rng.standard_normal((2, 2))
    fn = lambda lib, a, s: lib.as_strided_scatter(a, s, (2, 2), (1, 2), 1)  # noqa: E731
    check_gradients(fn, a, src, against="finite_differences")
    check(lambda lib, s: fn(lib, lib.from_numpy(a.copy()), s), src)
    x = minitorch.from_numpy(a.copy()).requires_grad_()
    (g,) = minitorch.autograd.grad(fn(minitorch, x, minitorch.from_numpy(src)), x,
                                   minitorch.ones(3, 3, dtype=minitorch.float64))
    assert g.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]  # the overwritten region gets none


# -- second derivatives (where torch supports them) -------------------------------------------------------------
SECOND_ORDER = {
    "gather": lambda lib, a, s, i: a.gather(0, i),
    "scatter": lambda lib, a, s, i: a.scatter(0, i, s),
    "scatter_add": lambda lib, a, s, i: a.scatter_add(0, i, s) ** 2,
    **{f"scatter_reduce {r} {inc}": (lambda r, inc: lambda lib, a, s, i: a.scatter_reduce(
        0, i, s, r, include_self=inc) ** 2)(r, inc) for r in SCATTER_REDUCES for inc in (True, False)},
    "index_add": lambda lib, a, s, i: a.index_add(0, lib.tensor([0, 2]), s, alpha=2) ** 2,
    "index_copy": lambda lib, a, s, i: a.index_copy(0, lib.tensor([2, 0]), s) ** 2,
    **{f"index_reduce {r} {inc}": (lambda r, inc: lambda lib, a, s, i: a.index_reduce(
        0, lib.tensor([2, 2]), s, r, include_self=inc) ** 2)(r, inc) for r in INDEX_REDUCES for inc in (True, False)},
    "put": lambda lib, a, s, i: a.put(lib.tensor([1, 7]), s[0, :2]) ** 2,
    "take": lambda lib, a, s, i: a.take(lib.tensor([1, 7, 7])) ** 2,
    "masked_select": lambda lib, a, s, i: (a.masked_select(a > 0) * s.sum()),
    "masked_scatter": lambda lib, a, s, i: a.masked_scatter(a > 0, s.repeat(2, 1)) ** 2,
    "select_scatter": lambda lib, a, s, i: lib.select_scatter(a, s[1], 0, 1) ** 2,
    "slice_scatter": lambda lib, a, s, i: lib.slice_scatter(a, s, 0, 1, 3) ** 2,
    "diagonal_scatter": lambda lib, a, s, i: lib.diagonal_scatter(a, s[0, :3], 1) ** 2,
    "as_strided": lambda lib, a, s, i: a.as_strided((2, 2), (1, 2), 1) ** 2 * s[:, :2],
}


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_order(name):
    a = np.array([[1.5, -2.0, 3.0, 0.5], [0.25, 0.0, -1.0, 2.0], [3.0, -0.5, 1.0, -3.0]])
    s = np.array([[0.5, 2.0, -1.5, 3.0], [1.0, 0.0, 2.5, 0.5]])  # (one zero: the product's special case)
    i = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])
    check_gradients(SECOND_ORDER[name], a, s, i, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("op", ["scatter_reduce", "index_reduce"])
def test_prod_with_two_zeros_at_one_position(op):
    """Two zeros reduced into one position: the first derivative is torch's (zero for both); the second is
    refused, with torch's error, where the first was taken with create_graph."""
    a, s, i = np.array([2.0, 3.0]), np.array([0.0, 0.0, 4.0]), np.array([0, 0, 1])
    check(lambda lib, a, s, i: getattr(a, op)(0, i, s, "prod"), a, s, i)
    outcomes = []
    for lib in (minitorch, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(s, requires_grad=True)
        out = getattr(x, op)(0, lib.tensor(i), y, "prod")
        (gy,) = lib.autograd.grad(out.sum(), y, create_graph=True)
        with pytest.raises(RuntimeError) as error:
            lib.autograd.grad(gy.sum(), y)
        outcomes.append((gy.tolist(), gy.grad_fn.name(), str(error.value)))
    assert outcomes[0] == outcomes[1]


# -- node names, first and second order ------------------------------------------------------------------------------
I2 = [[0, 1, 2, 0], [2, 0, 1, 1]]
NAMED = {
    "gather": lambda l, x, s: x.gather(0, l.tensor(I2)),
    "index_select": lambda l, x, s: x.index_select(1, l.tensor([0, 2, 2])),
    "take": lambda l, x, s: x.take(l.tensor([0, 5, 5])),
    "masked_select": lambda l, x, s: x.masked_select(x > 0),
    "getitem": lambda l, x, s: x[l.tensor([0, 2])],
    "scatter": lambda l, x, s: x.scatter(0, l.tensor([[0, 1, 2, 0]]), s[:1]),
    "scatter value": lambda l, x, s: x.scatter(0, l.tensor([[0, 1, 2, 0]]), 2.0),
    "scatter reduce=": lambda l, x, s: x.scatter(0, l.tensor([[0, 1, 2, 0]]), s[:1], reduce="add"),
    "scatter_add": lambda l, x, s: x.scatter_add(0, l.tensor(I2), s[:2]),
    "scatter_reduce sum": lambda l, x, s: x.scatter_reduce(0, l.tensor(I2), s[:2], "sum", include_self=False),
    "scatter_reduce mean": lambda l, x, s: x.scatter_reduce(0, l.tensor(I2), s[:2], "mean"),
    "scatter_reduce prod": lambda l, x, s: x.scatter_reduce(0, l.tensor(I2), s[:2], "prod"),
    "scatter_reduce amax": lambda l, x, s: x.scatter_reduce(0, l.tensor(I2), s[:2], "amax"),
    "index_add": lambda l, x, s: x.index_add(0, l.tensor([0, 2]), s[:2], alpha=2),
    "index_copy": lambda l, x, s: x.index_copy(0, l.tensor([2, 0]), s[:2]),
    "index_reduce prod": lambda l, x, s: x.index_reduce(0, l.tensor([2, 0]), s[:2], "prod", include_self=False),
    "index_reduce amin": lambda l, x, s: x.index_reduce(0, l.tensor([2, 2]), s[:2], "amin"),
    "put": lambda l, x, s: x.put(l.tensor([1, 7]), s[0, :2]),
    "put accumulate": lambda l, x, s: x.put(l.tensor([1, 1]), s[0, :2], accumulate=True),
    "masked_scatter": lambda l, x, s: x.masked_scatter(x > 0, s),
    "select_scatter": lambda l, x, s: l.select_scatter(x, s[0], 0, 1),
    "slice_scatter": lambda l, x, s: l.slice_scatter(x, s[:, 1:3], 1, 1, 3),
    "diagonal_scatter": lambda l, x, s: l.diagonal_scatter(x, s[0, :3]),
    "as_strided": lambda l, x, s: x.as_strided((2, 2), (1, 2), 1),
    "as_strided_copy": lambda l, x, s: l.as_strided_copy(x, (2, 2), (1, 2), 1),
    "scatter_": lambda l, x, s: x.clone().scatter_(1, l.tensor([[3], [0], [1]]), s[:, :1]),
    "scatter_reduce_": lambda l, x, s: x.clone().scatter_reduce_(0, l.tensor(I2), s[:2], "amin"),
    "index_add_": lambda l, x, s: x.clone().index_add_(1, l.tensor([3]), s[:, :1]),
    "put_": lambda l, x, s: x.clone().put_(l.tensor([3]), s[0, :1]),
    "masked_scatter_": lambda l, x, s: x.clone().masked_scatter_(x < 0, s),
}


def _names(lib, name):
    x = lib.tensor([[1.5, -2.0, 3.0, 0.5], [0.25, 4.0, -1.0, 2.0], [3.0, -0.5, 1.0, -3.0]], dtype=lib.float64,
                   requires_grad=True) * 1
    s = lib.tensor([[0.5, 2.0, -1.5, 3.0], [1.0, -1.0, 2.5, 0.0], [2.0, 1.0, -2.0, 1.5]], dtype=lib.float64,
                   requires_grad=True) * 1
    out = NAMED[name](lib, x, s)
    if out.grad_fn.name() == "torch::autograd::NotImplemented":
        return out.grad_fn.name(), out.tolist()
    u = lib.ones(tuple(out.shape), dtype=lib.float64, requires_grad=True)
    grads = lib.autograd.grad(out, (x, s), u, create_graph=True, allow_unused=True)
    return out.grad_fn.name(), [None if g is None or g.grad_fn is None else g.grad_fn.name() for g in grads]


@pytest.mark.parametrize("name", NAMED)
def test_node_names(name):
    assert _names(minitorch, name) == _names(torch, name)


@pytest.mark.parametrize("lib", [minitorch, torch], ids=["minitorch", "torch"])
def test_scatter_reduce_argument_has_no_derivative(lib):
    x = lib.zeros(2, dtype=lib.float64, requires_grad=True)
    out = x.scatter(0, lib.tensor([1]), lib.ones(1, dtype=lib.float64), reduce="multiply")
    with pytest.raises(RuntimeError, match="^derivative for aten::scatter is not implemented$"):
        out.sum().backward()


# -- in place ----------------------------------------------------------------------------------------------------
INPLACE = {
    "scatter_": lambda x, l: x.scatter_(0, l.tensor([[2, 0, 1, 1]]), l.ones(1, 4, dtype=l.float64)),
    "scatter_ value": lambda x, l: x.scatter_(1, l.tensor([[0], [3], [2]]), -1.0),
    "scatter_ reduce=": lambda x, l: x.scatter_(1, l.tensor([[0], [3], [2]]), 2.0, reduce="multiply"),
    "scatter_add_": lambda x, l: x.scatter_add_(0, l.tensor([[2, 2]]), l.ones(1, 2, dtype=l.float64)),
    "scatter_reduce_": lambda x, l: x.scatter_reduce_(0, l.tensor([[2, 2]]), l.ones(1, 2, dtype=l.float64), "mean",
                                                      include_self=False),
    "index_add_": lambda x, l: x.index_add_(0, l.tensor([1, 1]), l.ones(2, 4, dtype=l.float64), alpha=3),
    "index_copy_": lambda x, l: x.index_copy_(1, l.tensor([3, 0]), l.ones(3, 2, dtype=l.float64)),
    "index_reduce_": lambda x, l: x.index_reduce_(1, l.tensor([3, 3]), l.ones(3, 2, dtype=l.float64) * 2, "prod"),
    "put_": lambda x, l: x.put_(l.tensor([-1, 0]), l.ones(2, dtype=l.float64), accumulate=True),
    "masked_scatter_": lambda x, l: x.masked_scatter_(l.tensor([True, False, True, False]),
                                                      l.arange(12.0, dtype=l.float64)),
}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace(name):
    outcomes = []
    for lib in (minitorch, torch):
        x = lib.arange(12.0, dtype=lib.float64).reshape(3, 4)
        assert INPLACE[name](x, lib) is x
        outcomes.append(x.tolist())
    assert outcomes[0] == outcomes[1]


# -- integer dtypes ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "lib.tensor([1, 2, 3]).scatter_reduce(0, lib.tensor([0, 0, 0]), lib.tensor([4, 4, 5]), 'mean')",
    "lib.tensor([1, 2, 3]).scatter_reduce(0, lib.tensor([0, 0, 0]), lib.tensor([-4, -4, -6]), 'mean')",
    "lib.tensor([1, 2, 3]).scatter_reduce(0, lib.tensor([0, 2]), lib.tensor([-4, 9]), 'amax', include_self=False)",
    "lib.tensor([1, 2, 3]).index_reduce(0, lib.tensor([0, 0, 0]), lib.tensor([4, 4, 5]), 'mean')",
    "lib.tensor([1, 2, 3]).index_reduce(0, lib.tensor([1, 1]), lib.tensor([4, 5]), 'amin', include_self=False)",
    "lib.zeros(3, dtype=lib.long).index_add(0, lib.tensor([0, 1]), lib.ones(2).long(), alpha=2.5)",
    "lib.zeros(3, 4, dtype=lib.long).scatter(0, lib.tensor([[0, 1, 2, 0]]), 2.7)",
    "lib.arange(6).reshape(2, 3).scatter(1, lib.tensor([[2], [0]], dtype=lib.int32), lib.tensor([[7], [8]]))",
    "lib.tensor([[True, False], [False, True]]).masked_select(lib.tensor([True, True]))",
    "lib.arange(6).take(lib.tensor([[5, -6]]))",
    "lib.scatter_reduce(lib.zeros(3), 0, lib.tensor([1, 1]), lib.tensor([2., 3.]), 'max')",
])
def test_integer_and_bool_values(expr):
    mine, theirs = eval(expr, {"lib": minitorch}), eval(expr, {"lib": torch})
    assert str(mine.dtype) == str(theirs.dtype)
    assert mine.tolist() == theirs.tolist()


# -- corner cases: 0-d, empty, bool and integer tensors, NaN, layouts ---------------------------------------------
CORNERS = {
    "scatter 0d": "x0.scatter(0, T(0), T(1.5))",
    "scatter 0d idx1": "x0.scatter(0, T([0]), T([1.5]))",
    "scatter 0d value": "x0.scatter(-1, T(0), 7)",
    "scatter empty": "e0.scatter(1, lib.zeros(0, 2).long(), lib.zeros(0, 2))",
    "scatter empty2": "e0.scatter(0, lib.zeros(0, 3).long(), 1.0)",
    "scatter bool": "b3.scatter(0, T([1]), T([True]))",
    "scatter_add bool": "b3.scatter_add(0, T([1, 1]), T([True, True]))",
    "scatter_reduce bool sum": "b3.scatter_reduce(0, T([1, 1]), T([True, True]), 'sum')",
    "scatter_reduce bool amax": "b3.scatter_reduce(0, T([1]), T([True]), 'amax')",
    "scatter_reduce int prod": "i2.scatter_reduce(1, T([[0, 0]]), T([[5, 6]]), 'prod', include_self=False)",
    "scatter_reduce nan amax": "T([1., nan, 3.]).scatter_reduce(0, T([0, 2]), T([nan, 2.]), 'amax')",
    "scatter_reduce amin empty fiber": "T([1., 2., 3.]).scatter_reduce(0, T([0, 0]), T([5., -2.]), 'amin', "
                                       "include_self=False)",
    "scatter_reduce mean noself unscattered": "T([1., 2., 3.]).scatter_reduce(0, T([0, 0]), T([5., -2.]), 'mean', "
                                              "include_self=False)",
    "scatter_reduce int32 idx": "T([1., 2., 3.]).scatter_reduce(0, T([0, 0], dtype=lib.int32), T([5., -2.]), 'sum')",
    "index_add 0d": "x0.index_add(0, T([0]), T(1.0))",
    "index_add 0d 0didx": "x0.index_add(0, T(0), T(1.0))",
    "index_add empty idx": "i2.index_add(0, lib.zeros(0).long(), lib.zeros(0, 2).long())",
    "index_add bool": "b3.index_add(0, T([0]), T([True]))",
    "index_add alpha float": "lib.ones(3).index_add(0, T([0, 0]), lib.ones(2), alpha=0.5)",
    "index_copy 0d": "x0.index_copy(0, T([0]), T(7.))",
    "index_copy 0d 0didx": "x0.index_copy(0, T(0), T(7.))",
    "index_copy empty": "i2.index_copy(1, lib.zeros(0).long(), lib.zeros(2, 0).long())",
    "index_reduce 0d": "x0.index_reduce(0, T([0]), T(7.), 'amax')",
    "index_reduce int amax noself": "i2.index_reduce(0, T([1]), T([[-9, 9]]), 'amax', include_self=False)",
    "index_reduce dim out": "i2.index_reduce(2, T([1]), T([[-9, 9]]), 'amax')",
    "take 0d": "x0.take(T(0))",
    "take 0d idx -1": "x0.take(T([-1]))",
    "take nc": "i2.t().take(T([1, 2]))",
    "put nc": "i2.t().put(T([1, 2]), T([7, 8]))",
    "put 0d": "x0.put(T([0]), T([1.]))",
    "put empty self": "lib.zeros(0).put(lib.zeros(0).long(), lib.zeros(0))",
    "put empty self idx": "lib.zeros(0).put(T([0]), lib.zeros(1))",
    "put acc dup": "lib.zeros(3).put(T([1, 1, -1]), lib.ones(3), accumulate=True)",
    "masked_select 0d": "x0.masked_select(T(True))",
    "masked_select empty": "e0.masked_select(lib.ones(3, dtype=lib.bool))",
    "masked_select int": "i2.masked_select(i2 > 2)",
    "masked_scatter 0d": "x0.masked_scatter(T(True), T([4., 5.]))",
    "masked_scatter 0d src": "x0.masked_scatter(T(True), T(4.))",
    "masked_scatter int": "i2.masked_scatter(i2 > 2, T([[7, 8, 9]]))",
    "masked_scatter_ bigger mask": "lib.zeros(3).masked_scatter_(lib.ones(2, 3, dtype=lib.bool), lib.ones(6))",
    "nonzero bool": "lib.nonzero(b3)",
    "nonzero empty": "lib.nonzero(e0)",
    "nonzero tuple 2d": "i2.nonzero(as_tuple=True)",
    "nonzero nan": "lib.nonzero(T([0., nan, -0.]))",
    "argwhere int": "lib.argwhere(i2 - 1)",
    "select_scatter 0d src int": "lib.select_scatter(lib.zeros(3), T(5), 0, -1)",
    "select_scatter neg dim": "lib.select_scatter(lib.zeros(2, 3), lib.ones(2), -1, 1)",
    "slice_scatter neg": "lib.slice_scatter(lib.zeros(5), lib.ones(2), 0, -3, -1)",
    "slice_scatter out": "lib.slice_scatter(lib.zeros(5), lib.ones(0), 0, 7, 9)",
    "slice_scatter default": "lib.slice_scatter(lib.zeros(2, 2), lib.ones(2, 2))",
    "slice_scatter end<start": "lib.slice_scatter(lib.zeros(5), lib.ones(0), 0, 3, 1)",
    "diagonal_scatter big offset": "lib.diagonal_scatter(lib.zeros(2, 3), lib.ones(0), 5)",
    "diagonal_scatter neg dims": "lib.diagonal_scatter(lib.zeros(2, 3, 4), lib.ones(2, 3), 0, -1, 0)",
    "as_strided 0d": "x0.as_strided((), ())",
    "as_strided 0d 1": "x0.as_strided((1,), (1,))",
    "as_strided size0": "lib.zeros(3).as_strided((0, 2), (1, 1), 5)",
    "as_strided_copy": "lib.as_strided_copy(lib.arange(6.), (2, 2), (2, 1), 1)",
    "as_strided_scatter default": "lib.as_strided_scatter(lib.zeros(6), lib.ones(2, 2), (2, 2), (2, 1))",
    "as_strided_scatter nc": "lib.as_strided_scatter(lib.zeros(2, 3).t(), lib.ones(2), (2,), (1,), 1)",
    "take_along_dim": "lib.take_along_dim(lib.arange(6.).reshape(2, 3), T([[2], [0]]), 1)",
    "gather int32": "lib.arange(6.).reshape(2, 3).gather(1, T([[2], [0]], dtype=lib.int32))",
    "index_put": "lib.zeros(3).index_put((T([0, 0]),), T(1.), accumulate=True)",
}


def _outcome(lib, expr):
    names = dict(lib=lib, T=lib.tensor, x0=lib.tensor(2.5), e0=lib.zeros(0, 3), b3=lib.tensor([True, False, True]),
                 i2=lib.tensor([[1, 2], [3, 4]]), nan=float("nan"))
    try:
        r = eval(expr, names)
    except Exception as e:  # noqa: BLE001 - the error is the outcome compared
        return type(e).__name__, str(e)
    r = r if isinstance(r, tuple) else (r,)
    return [(str(t.dtype), tuple(t.shape), np.asarray(t.tolist()).tobytes(), t.grad_fn and t.grad_fn.name())
            for t in r]


@pytest.mark.parametrize("name", CORNERS)
def test_corner_cases(name):
    assert _outcome(minitorch, CORNERS[name]) == _outcome(torch, CORNERS[name])


# -- errors, word for word ---------------------------------------------------------------------------------------
X = "lib.arange(12.).reshape(3, 4)"
IDX = "lib.tensor([[0, 1, 2, 0]])"
ONES = "lib.ones(1, 4)"
ERRORS = [
    f"{X}.scatter(0, {IDX}.float(), {ONES})",
    f"{X}.scatter(0, {IDX} + 5, {ONES})",
    f"{X}.scatter(0, {IDX} - 1, {ONES})",
    f"{X}.scatter(0, {IDX}[0], {ONES})",
    f"{X}.scatter(0, {IDX}, {ONES}[0])",
    f"{X}.scatter(0, {IDX}, {ONES}.double())",
    f"{X}.scatter(0, lib.zeros(2, 4).long(), {ONES})",
    f"{X}.scatter(0, lib.zeros(1, 5).long(), lib.ones(1, 5))",
    f"{X}.scatter(0, lib.zeros(1, 5).long(), 1.0)",
    f"{X}.scatter(0, {IDX}, {ONES}, reduce='sum')",
    f"{X}.scatter(0, {IDX}, lib.tensor(2.5))",
    f"{X}.scatter(0, lib.zeros(0), {ONES}.double())",
    f"{X}.scatter(2, {IDX}, {ONES})",
    f"{X}.scatter_add(0, {IDX}.float(), {ONES})",
    f"{X}.scatter_add(0, {IDX}, 1.0)",
    f"{X}.scatter_reduce(0, {IDX}, {ONES}, 'foo')",
    f"{X}.index_add(0, lib.tensor([0., 1]), lib.ones(2, 4))",
    f"{X}.index_add(0, lib.tensor([0, 1]), lib.ones(2, 3))",
    f"{X}.index_add(0, lib.tensor([0, 1]), lib.ones(3, 4))",
    f"{X}.index_add(0, lib.tensor([0, 3]), lib.ones(2, 4))",
    f"{X}.index_add(0, lib.tensor([0, -1]), lib.ones(2, 4))",
    f"{X}.index_add(0, lib.tensor([[0, 1]]), lib.ones(2, 4))",
    f"{X}.index_add(0, lib.tensor([0, 1]), lib.ones(2, 4).double())",
    f"{X}.index_copy(0, lib.tensor([0, 1], dtype=lib.int32), lib.ones(2, 4))",
    f"{X}.index_copy(0, lib.tensor([0, 3]), lib.ones(2, 4))",
    f"{X}.index_copy(0, lib.tensor([0, -1]), lib.ones(2, 4))",
    f"{X}.index_copy(0, lib.tensor([0, 1]), lib.ones(2, 3))",
    f"{X}.index_copy(0, lib.tensor([0, 1]), lib.ones(3, 4))",
    f"{X}.index_copy(0, lib.tensor([0, 1]), lib.ones(2, 4).double())",
    f"{X}.index_reduce(0, lib.tensor([0, 1]), lib.ones(2, 4), 'sum')",
    f"{X}.index_reduce(0, lib.tensor([0, 3]), lib.ones(2, 4), 'prod')",
    f"{X}.index_reduce(0, lib.tensor([0, 1]), lib.ones(2, 3), 'prod')",
    f"{X}.put(lib.tensor([12]), lib.ones(1))",
    f"{X}.put(lib.tensor([-13]), lib.ones(1))",
    f"{X}.put(lib.tensor([1], dtype=lib.int32), lib.ones(1))",
    f"{X}.put(lib.tensor([1, 2]), lib.ones(3))",
    f"{X}.put(lib.tensor([1]), lib.ones(1).double())",
    f"{X}.take(lib.tensor([12]))",
    f"{X}.take(lib.tensor([-13]))",
    f"{X}.take(lib.tensor([1], dtype=lib.int32))",
    "lib.zeros(0).take(lib.tensor([0]))",
    f"{X}.masked_select(lib.ones(3, 4))",
    f"{X}.masked_select(lib.ones(3, 4, dtype=lib.uint8))",
    f"{X}.masked_select(lib.ones(3, 5, dtype=lib.bool))",
    f"{X}.masked_scatter(lib.ones(3, 4), lib.ones(12))",
    f"{X}.masked_scatter(lib.ones(3, 4, dtype=lib.bool), lib.ones(11))",
    f"{X}.masked_scatter(lib.ones(3, 4, dtype=lib.bool), lib.ones(12).double())",
    f"{X}.masked_scatter(lib.ones(3, 5, dtype=lib.bool), lib.ones(15))",
    f"lib.select_scatter({X}, lib.ones(3), 0, 1)",
    f"lib.select_scatter({X}, lib.ones(4), 0, 3)",
    f"lib.slice_scatter({X}, lib.ones(2, 4), 0, 0, 1)",
    f"lib.slice_scatter({X}, lib.ones(1, 4), 0, 0, 1, 0)",
    f"lib.diagonal_scatter({X}, lib.ones(4))",
    f"lib.diagonal_scatter({X}, lib.ones(3), 0, 1, 1)",
    f"{X}.as_strided((4, 4), (4, 1))",
    f"{X}.as_strided((2, 2), (-1, 1))",
    f"{X}.as_strided((2, 2), (1,))",
    f"lib.as_strided_scatter({X}, lib.ones(3, 3), (2, 2), (1, 2))",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    same_error(lambda lib: eval(expr, {"lib": lib}))
