"""hstack/vstack/dstack/column_stack, atleast_nd, tensor_split, index_fill, index_put and the matrix norms
(linalg.norm, matrix_norm, svdvals, norm(p='nuc')) against torch: values, gradients, graphs, errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, check


def graph(node, depth=0, limit=6):
    """The names of the nodes below ``node``, depth first (``None`` edges left out)."""
    if node is None or depth > limit:
        return []
    return [(depth, node.name())] + [n for nxt, _ in node.next_functions for n in graph(nxt, depth + 1)]


def same_graphs(mine, theirs):
    for m, t in zip(mine, theirs):
        assert graph(m.grad_fn) == graph(t.grad_fn)


def outcome(fn):
    """What ``fn()`` gives in a comparable form: the exception's type and message, or the result's values."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return type(e).__name__, str(e)
    rs = r if isinstance(r, tuple) else (r,)
    return [(tuple(x.shape), str(x.dtype), x.detach().numpy().tolist()) for x in rs]


# -- stacking ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hstack", "vstack", "row_stack", "dstack", "column_stack"])
@given(data=st.data())
def test_stacks(name, data):
    ndim = data.draw(st.integers(0, 3))
    rest = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    count = data.draw(st.integers(1, 3))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    # the joined dim may differ in size between the inputs
    joined = {"hstack": 0 if ndim == 1 else 1, "vstack": 0, "row_stack": 0, "dstack": 2, "column_stack": 1}[name]
    arrays = []
    for _ in range(count):
        shape = list(rest)
        if ndim >= {"hstack": 1, "dstack": 3}.get(name, 2):  # the joined dim is one of the input's own
            shape[joined] = data.draw(st.integers(1, 3))
        arrays.append(data.draw(array(shape=tuple(shape), dtype=dtype)))
    mine, theirs = check(lambda lib, *xs: getattr(lib, name)(list(xs)), *arrays)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(name):
    for shape in [(), (3,), (2, 3), (2, 1, 3)]:
        a = np.random.default_rng(0).standard_normal(shape)
        mine, theirs = check(lambda lib, x: getattr(lib, name)(x), a)
        same_graphs(mine, theirs)
        check(lambda lib, x: getattr(lib, name)([x, x * 2]), a)
    x = minitorch.zeros(2, 3, 4)
    assert minitorch.atleast_1d(x) is x and isinstance(minitorch.atleast_1d(x, x), tuple)


def test_stack_errors():
    for name in ["hstack", "vstack", "dstack", "column_stack"]:
        assert outcome(lambda: getattr(minitorch, name)([])) == outcome(lambda: getattr(torch, name)([]))
    assert outcome(lambda: minitorch.hstack([minitorch.zeros(2, 3), minitorch.zeros(3)])) == \
        outcome(lambda: torch.hstack([torch.zeros(2, 3), torch.zeros(3)]))


# -- tensor_split ---------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_tensor_split(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = a.shape[dim]
    if data.draw(st.booleans()):
        split = data.draw(st.integers(1, n + 2))
    else:  # indices, possibly decreasing, negative or past the end
        split = data.draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))
    as_tensor = data.draw(st.booleans()) and split != []
    method = data.draw(st.booleans())

    def fn(lib, x):
        arg = lib.tensor(split) if as_tensor else split
        return x.tensor_split(arg, dim) if method else lib.tensor_split(x, arg, dim=dim)
    mine, theirs = check(fn, a)
    same_graphs(mine, theirs)


def test_tensor_split_pieces_are_views():
    x = minitorch.arange(7.)
    pieces = minitorch.tensor_split(x, 3)
    pieces[1][0] = 100.
    assert x[3].item() == 100.


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor([[1]])),
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor([1.])),
    lambda lib: lib.tensor_split(lib.tensor(1.), 2),
    lambda lib: lib.tensor_split(lib.arange(7.), 0),
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor(3)),
    lambda lib: lib.tensor_split(lib.arange(7.), 2, dim=1)])
def test_tensor_split_errors_and_tensor_sections(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))


# -- index_fill -----------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_index_fill(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = a.shape[dim]
    index = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=4)), np.int64)
    value = data.draw(st.floats(-5, 5))
    tensor_value = data.draw(st.booleans())
    if tensor_value:  # (torch's VJP for the value fails on negative indices - index_select refuses them)
        index %= n
    v = np.array(value, a.dtype)

    def fn(lib, x, v):
        return x.index_fill(dim, lib.from_numpy(index), v if tensor_value else value)
    mine, theirs = check(fn, a, v)
    same_graphs(mine, theirs)


def test_index_fill_inplace():
    a = np.random.default_rng(0).standard_normal((3, 4))
    mine, theirs = check(lambda lib, x: (x * 1).index_fill_(1, lib.tensor([0, 2, 0]), -1.0), a)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([0, 2]), lib.tensor([2.5])),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([[1]]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([1.]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([4]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([-5]), 2),
    lambda lib: lib.ones(3, 4).index_fill(2, lib.tensor([1]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([1]).int(), 2),
    lambda lib: lib.tensor(3.).index_fill(0, lib.tensor([0]), 2),
    lambda lib: lib.tensor([1, 2, 3]).index_fill(0, lib.tensor([0]), 2.7),
    lambda lib: lib.tensor([1., 2, 3]).index_fill(0, lib.tensor([0]), lib.tensor(2.5, dtype=lib.float64)),
    lambda lib: lib.ones(2, 3, requires_grad=True).index_fill_(0, lib.tensor([0]), 2)])
def test_index_fill_edges_as_torch(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))


# -- index_put ------------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_index_put(a, data):
    k = data.draw(st.integers(1, a.ndim))  # index tensors for the first k dims
    count = data.draw(st.integers(0, 4))
    indices = [np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count)), np.int64)
               for n in a.shape[:k]]
    target = (count,) + a.shape[k:]
    shape = target[data.draw(st.integers(0, len(target))):]  # values broadcast to the indexed region
    values = data.draw(array(shape=shape, dtype=a.dtype))
    accumulate = data.draw(st.booleans())
    inplace = data.draw(st.booleans())

    def fn(lib, x, v):
        key = tuple(lib.from_numpy(i) for i in indices)
        return (x * 1).index_put_(key, v, accumulate) if inplace else x.index_put(key, v, accumulate=accumulate)
    if not accumulate:
        # repeated positions: which write wins is not specified in torch; keep each position written once
        flat = set(zip(*(i % n for i, n in zip(indices, a.shape))))
        if len(flat) < count:
            return
    mine, theirs = check(fn, a, values)
    same_graphs(mine, theirs)


def test_index_put_mask_and_accumulate():
    a = np.random.default_rng(0).standard_normal((2, 3))
    v = np.arange(3.)
    mask = np.array([[True, False, True], [False, False, True]])
    check(lambda lib, x, v: x.index_put((lib.from_numpy(mask),), v, accumulate=True), a, v)
    check(lambda lib, x, v: x.index_put((lib.from_numpy(mask),), v), a, v)
    idx = np.array([0, 0, 1])
    check(lambda lib, x, v: lib.index_put(x, (lib.from_numpy(idx),), v[:, None], True), a, v)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0, 2]),), lib.tensor(1., dtype=lib.float64)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0, 2, 0]),), lib.tensor([1., 2.])),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0]),), 1.),
    lambda lib: lib.ones(3, 4).index_put(lib.tensor([0]), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0.]),), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([5]),), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([1]),) * 3, lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([1]), None), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4, requires_grad=True).index_put_((lib.tensor([1]),), lib.tensor(1.)),
    lambda lib: lib.zeros(3).index_put_((lib.tensor([0, 0, 1]),), lib.tensor([1., 2, 3]), accumulate=True),
    lambda lib: lib.zeros(2, 3, 4).index_put((lib.tensor([[0], [1]]), lib.tensor([1, 2])), lib.arange(4.))])
def test_index_put_edges_as_torch(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))


# -- matrix norms -----------------------------------------------------------------------------------------
@st.composite
def matrices(draw):
    """A batch of well-conditioned matrices: distinct singular values, so the SVD's derivative is defined."""
    shape = tuple(draw(st.lists(st.integers(1, 2), max_size=1))) + (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.default_rng(seed)
    k = min(shape[-2:])
    u = np.linalg.qr(rng.standard_normal(shape[:-2] + (shape[-2], k)))[0]
    v = np.linalg.qr(rng.standard_normal(shape[:-2] + (shape[-1], k)))[0]
    s = np.sort(rng.uniform(0.5, 3, shape[:-2] + (k,)))[..., ::-1] + np.arange(k)[::-1]
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, float("inf"), -float("inf")])
@given(a=matrices(), data=st.data())
def test_matrix_norm(ord, a, data):
    d0 = data.draw(st.integers(-a.ndim, a.ndim - 1))
    d1 = data.draw(st.sampled_from([d for d in range(-a.ndim, a.ndim) if d % a.ndim != d0 % a.ndim]))
    keepdim = data.draw(st.booleans())
    mine, theirs = check(lambda lib, x: lib.linalg.matrix_norm(x, ord, dim=(d0, d1), keepdim=keepdim), a)
    same_graphs(mine, theirs)


@given(a=matrices())
def test_norm_nuc(a):
    if a.ndim == 2:
        for fn in (lambda lib, x: x.norm(p="nuc"), lambda lib, x: lib.norm(x, "nuc", keepdim=True),
                   lambda lib, x: lib.linalg.norm(x, "nuc"), lambda lib, x: lib.linalg.norm(x, "fro")):
            same_graphs(*check(fn, a))
    else:
        same_graphs(*check(lambda lib, x: x.norm(p="nuc", dim=(1, 2)), a))
        same_graphs(*check(lambda lib, x: lib.linalg.svdvals(x), a))


@pytest.mark.parametrize("fn", [
    lambda lib, A: A.norm(p="nuc"), lambda lib, A: A[0, 0].norm(p="nuc"), lambda lib, A: A.norm(p="nuc", dim=0),
    lambda lib, A: A.norm(p="nuc", dim=(0, 0)), lambda lib, A: lib.linalg.matrix_norm(A, "foo"),
    lambda lib, A: lib.linalg.matrix_norm(A, 3), lambda lib, A: lib.linalg.matrix_norm(A.int(), "nuc"),
    lambda lib, A: lib.linalg.matrix_norm(A, "nuc", dtype=lib.float32),
    lambda lib, A: lib.linalg.matrix_norm(A.float(), "nuc", dtype=lib.float64),
    lambda lib, A: lib.linalg.svdvals(A[0, 0]), lambda lib, A: lib.linalg.norm(A, 2),
    lambda lib, A: lib.linalg.norm(A, "fro"), lambda lib, A: lib.linalg.norm(A, "nuc", dim=1),
    lambda lib, A: lib.linalg.norm(A, 3, dim=1), lambda lib, A: lib.linalg.norm(A[0], 3),
    lambda lib, A: lib.linalg.norm(A[0, 0], 3), lambda lib, A: lib.linalg.norm(A, None, dim=(1, 2)),
    lambda lib, A: lib.zeros(3, 0).norm(p="nuc")])
def test_norm_edges_as_torch(fn):
    a = np.random.default_rng(0).standard_normal((2, 3, 4))
    mine = outcome(lambda: fn(minitorch, minitorch.from_numpy(a.copy())))
    theirs = outcome(lambda: fn(torch, torch.from_numpy(a.copy())))
    if isinstance(theirs, list):
        assert [m[:2] for m in mine] == [t[:2] for t in theirs]
        np.testing.assert_allclose(mine[0][2], theirs[0][2], rtol=1e-10)
    else:
        assert mine == theirs


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 4)])
@pytest.mark.parametrize("fn", [
    lambda lib, A: lib.linalg.svdvals(A),
    lambda lib, A: lib.linalg.matrix_norm(A, "nuc"),
    lambda lib, A: lib.linalg.matrix_norm(A, 2),
    lambda lib, A: lib.linalg.matrix_norm(A, -2)])
def test_svdvals_second_derivative_as_torch(shape, fn):
    """The gradient of svdvals is differentiated again through U and V (torch's svd_backward): Hessian-vector
    products of the singular values and of the nuclear and spectral norms, tall, wide and batched."""
    rng = np.random.default_rng(1)
    a, up, v = rng.standard_normal(shape), None, rng.standard_normal(shape)
    results = []
    for lib in (minitorch, torch):
        A = lib.from_numpy(a.copy()).requires_grad_(True)
        out = fn(lib, A)
        up = rng.standard_normal(tuple(out.shape)) if up is None else up
        g, = lib.autograd.grad((out * lib.from_numpy(up)).sum(), A, create_graph=True)
        gg, = lib.autograd.grad((g * lib.from_numpy(v)).sum(), A)
        results.append((g.detach().numpy(), gg.numpy()))
    (g_mine, gg_mine), (g_torch, gg_torch) = results
    np.testing.assert_allclose(g_mine, g_torch, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gg_mine, gg_torch, rtol=1e-8, atol=1e-11)


def test_linalg_is_importable_as_a_module():
    import importlib
    mod = importlib.import_module("minitorch.linalg")
    assert mod is minitorch.linalg
    from minitorch.linalg import matrix_norm  # noqa: F401
