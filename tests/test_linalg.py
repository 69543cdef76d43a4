"""Matrix products against torch: values, dtypes, gradients, and the nodes of the recorded graph
(matmul dispatches like torch, so the whole chain of nodes below the result matches too); the matrix norms
(linalg.norm, matrix_norm, svdvals, norm(p='nuc')) with their second derivatives."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import (array, assert_close, check, float_dtypes, outcome, same_error, same_graphs, second_order,
                     to_mini, to_torch)


@st.composite
def matmul_pair(draw):
    """Two arrays that torch.matmul accepts: 1 to 4 dims each, batch dims broadcasting."""
    dtype = draw(float_dtypes)
    d1, d2 = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    n, k, p = draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    batches = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    b1, b2 = batches[0][len(batches[0]) - max(d1 - 2, 0):], batches[1][len(batches[1]) - max(d2 - 2, 0):]
    b1, b2 = b1 if d1 > 2 else (), b2 if d2 > 2 else ()
    s1 = (k,) if d1 == 1 else b1 + (n, k)
    s2 = (k,) if d2 == 1 else b2 + (k, p)
    return draw(array(shape=s1, dtype=dtype)), draw(array(shape=s2, dtype=dtype))


def same_graph(fn, *arrays, requires_grad=None):
    """``fn`` records the same graph of nodes in minitorch and torch."""
    requires_grad = requires_grad or [True] * len(arrays)
    mine = fn(minitorch, *[to_mini(a, r) for a, r in zip(arrays, requires_grad)])
    theirs = fn(torch, *[to_torch(a, r) for a, r in zip(arrays, requires_grad)])
    same_graphs(mine, theirs)


@given(pair=matmul_pair())
def test_matmul(pair):
    check(lambda lib, a, b: a @ b, *pair)


@given(pair=matmul_pair(), grads=st.sampled_from([(True, True), (True, False), (False, True)]))
def test_matmul_records_torchs_graph(pair, grads):
    same_graph(lambda lib, a, b: lib.matmul(a, b), *pair, requires_grad=grads)



@pytest.mark.parametrize("shape", [(1, 2, 1), (3, 2, 1), (3, 2, 4), (1, 2, 4), (2, 1, 2, 1), (2, 3, 1, 4)])
def test_matmul_folds_where_torch_does(shape):
    """A 3D+ tensor times a vector or matrix folds into one mm/mv exactly where torch's does: where its leading dims
    merge without a copy, dims of size 1 aside (whatever their strides), for every permutation of its dims."""
    import itertools
    rng = np.random.default_rng(0)
    base = rng.standard_normal(shape)
    for perm in itertools.permutations(range(len(shape))):
        k = base.transpose(perm).shape[-1]
        for small_shape, big_first in (((k,), True), ((k, 2), True), ((k,), False), ((2, k), False)):
            small = rng.standard_normal(small_shape)
            for grads in ((False, True), (True, False)):
                def fn(lib, big, small):
                    big = big.permute(*perm)
                    return lib.matmul(big, small) if big_first else lib.matmul(small, big.mT)
                same_graph(fn, base, small, requires_grad=grads)

SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
          ((5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
          ((2, 1, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)), ((1, 2, 3), (5, 3, 4)), ((2, 5, 2, 3), (2, 5, 3, 4)),
          ((4, 1, 2, 3), (3,)), ((3,), (2, 2, 3, 4))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)], ids=str)
def test_matmul_dispatch_like_torch(shapes, grads):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(s) for s in shapes)
    same_graph(lambda lib, x, y: x @ y, a, b, requires_grad=grads)
    check(lambda lib, x, y: x @ y, a, b)
    check(lambda lib, x, y: x @ y, a.astype(np.float32), b.astype(np.float32))


def test_matmul_of_transposed_batches():
    """A batch whose last two dims are swapped cannot be folded into one mm without a copy."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 3, 2)), rng.standard_normal((3, 5))
    check(lambda lib, x, y: x.mT @ y, a, b)
    check(lambda lib, x, y: y.mT @ x.mT.mT, a, b)


def test_matmul_of_transposed_batches_records_torchs_graph():
    rng = np.random.default_rng(1)
    same_graph(lambda lib, x, y: x.mT @ y, rng.standard_normal((4, 3, 2)), rng.standard_normal((3, 5)),
               requires_grad=[True, False])


@given(data=st.data(), dtype=float_dtypes)
def test_mm_bmm_mv_dot_outer(data, dtype):
    n, k, p, b = (data.draw(st.integers(1, 5)) for _ in range(4))
    arr = lambda *shape: data.draw(array(shape=shape, dtype=dtype))  # noqa: E731
    check(lambda lib, x, y: lib.mm(x, y), arr(n, k), arr(k, p))
    check(lambda lib, x, y: x.bmm(y), arr(b, n, k), arr(b, k, p))
    check(lambda lib, x, y: lib.mv(x, y), arr(n, k), arr(k))
    check(lambda lib, x, y: x.dot(y), arr(k), arr(k))
    check(lambda lib, x, y: lib.outer(x, y), arr(n), arr(p))
    check(lambda lib, x, y: x.ger(y), arr(n), arr(p))


@given(data=st.data(), dtype=float_dtypes, beta=st.sampled_from([1, 0.5, 0, -2]),
       alpha=st.sampled_from([1, 2.5, -1]))
def test_addmm(data, dtype, beta, alpha):
    n, k, p = (data.draw(st.integers(1, 4)) for _ in range(3))
    bias_shape = data.draw(st.sampled_from([(p,), (n, p), (1, p), (n, 1), ()]))
    bias, m1, m2 = (data.draw(array(shape=s, dtype=dtype)) for s in (bias_shape, (n, k), (k, p)))
    check(lambda lib, c, a, b: lib.addmm(c, a, b, beta=beta, alpha=alpha), bias, m1, m2)
    check(lambda lib, c, a, b: c.addmm(a, b), bias, m1, m2)


def test_addmm_is_torchs_linear():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    mine = minitorch.addmm(to_mini(b, True), to_mini(x, True), to_mini(w, True).t())
    theirs = torch.nn.functional.linear(to_torch(x, True), to_torch(w, True), to_torch(b, True))
    same_graphs(mine, theirs)
    assert_close(mine, theirs)


def test_addmm_with_zero_beta_ignores_the_input():
    rng = np.random.default_rng(3)
    check(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0), np.full(2, np.nan), rng.standard_normal((3, 2)),
          rng.standard_normal((2, 2)))


@pytest.mark.parametrize("dtype", ["int64", "int32"])
@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((3,), (3,)), ((5, 2, 3), (3,)), ((2, 2, 3), (2, 3, 2)),
                                    ((3,), (3, 2))], ids=str)
def test_integer_products(dtype, shapes):
    rng = np.random.default_rng(4)
    a, b = (rng.integers(-5, 5, s).astype(dtype) for s in shapes)
    check(lambda lib, x, y: x @ y, a, b)


def test_integer_mv_bmm():
    rng = np.random.default_rng(4)
    check(lambda lib, x, y: lib.mv(x, y), rng.integers(-5, 5, (2, 3)), rng.integers(-5, 5, 3))
    check(lambda lib, x, y: lib.bmm(x, y), rng.integers(-5, 5, (2, 2, 3)), rng.integers(-5, 5, (2, 3, 1)))


def test_float32_stays_float32():
    a = np.ones((2, 3), np.float32)
    for fn in [lambda lib, x: x @ x.t(), lambda lib, x: x[0] @ x.t(),
               lambda lib, x: lib.addmm(x[0, :2], x[:, :2], x[:, :2])]:
        mine, _ = check(fn, a)
        assert str(mine[0].dtype) == "torch.float32"


@pytest.mark.parametrize("shapes", [((3, 3),), ((2, 3, 3),), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                    ((4, 2, 3), (3, 2)), ((2, 2, 3), (2, 3, 4))], ids=str)
def test_matmul_second_order(shapes):
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) for s in shapes]
    if len(arrays) == 1:
        second_order(lambda lib, x: (x @ x) @ x.mT, *arrays)
    else:
        second_order(lambda lib, x, y: (x @ y) * (x @ y), *arrays)


def test_addmm_second_order():
    rng = np.random.default_rng(6)
    c, a, b = rng.standard_normal(2), rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    second_order(lambda lib, c, a, b: lib.addmm(c, a, b @ b, beta=0.5, alpha=2) ** 2, c, a, b)


ERRORS = [
    lambda lib: lib.ones(2, 3) @ lib.ones(4, 5),
    lambda lib: lib.mm(lib.ones(2, 3), lib.ones(4, 5)),
    lambda lib: lib.ones(3) @ lib.ones(4),
    lambda lib: lib.dot(lib.ones(3), lib.ones(4)),
    lambda lib: lib.ones(2, 3) @ lib.ones(4),
    lambda lib: lib.ones(4) @ lib.ones(2, 3),
    lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(2, 4, 5)),
    lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(3, 3, 5)),
    lambda lib: lib.ones(2, 2, 3) @ lib.ones(3, 4, 5),
    lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 4, 5),
    lambda lib: lib.ones(5, 2, 3) @ lib.ones(4),
    lambda lib: lib.ones(3) @ lib.ones(5, 4, 4),
    lambda lib: lib.mv(lib.ones(2, 3), lib.ones(4)),
    lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)),
    lambda lib: lib.mm(lib.ones(2, 3), lib.ones(3)),
    lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(2, 3)),
    lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(2, 3)),
    lambda lib: lib.dot(lib.ones(2, 3), lib.ones(2, 3)),
    lambda lib: lib.mv(lib.ones(2, 3), lib.ones(3, 3)),
    lambda lib: lib.ones(()) @ lib.ones(2, 3),
    lambda lib: lib.addmm(lib.ones(3), lib.ones(2, 3), lib.ones(3, 4)),
    lambda lib: lib.addmm(lib.ones(2, 4, 1), lib.ones(2, 3), lib.ones(3, 4)),
    lambda lib: lib.addmm(lib.ones(4), lib.ones(3), lib.ones(3, 4)),
    lambda lib: lib.addmm(lib.ones(4), lib.ones(2, 3), lib.ones(2, 4)),
    lambda lib: lib.addmm(lib.ones(4, dtype=lib.float64), lib.ones(2, 3), lib.ones(3, 4)),
    lambda lib: lib.addmm(lib.ones(4), lib.ones(2, 3, dtype=lib.float64), lib.ones(3, 4)),
    lambda lib: lib.mm(lib.ones(2, 3), lib.ones(3, 4, dtype=lib.float64)),
    lambda lib: lib.mm(lib.ones(2, 3, dtype=lib.int64), lib.ones(3, 4, dtype=lib.int32)),
    lambda lib: lib.ones(2, 3) @ lib.ones(3, 4, dtype=lib.float64),
    lambda lib: lib.bmm(lib.ones(2, 2, 3, dtype=lib.float64), lib.ones(2, 3, 4)),
    lambda lib: lib.mv(lib.ones(2, 3), lib.ones(3, dtype=lib.float64)),
    lambda lib: lib.dot(lib.ones(3, dtype=lib.int64), lib.ones(3)),
    lambda lib: lib.outer(lib.ones(2, 3), lib.ones(3)),
    lambda lib: lib.outer(lib.ones(2), lib.ones(3, 2)),
    lambda lib: lib.mm(lib.ones(2, 3, dtype=lib.bool), lib.ones(3, 4, dtype=lib.bool)),
    lambda lib: lib.dot(lib.ones(3, dtype=lib.bool), lib.ones(3, dtype=lib.bool)),
    lambda lib: lib.ones(2, 3) @ 2,
    lambda lib: 2 @ lib.ones(2, 3),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_like_torch(fn):
    same_error(fn)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((2, 3, 4), (4,)), ((4,), (4,))])
def test_matmul_out_like_torch(shapes):
    a, b = (np.random.default_rng(0).standard_normal(s) for s in shapes)
    outs = []
    for lib in (minitorch, torch):
        out = lib.empty(0, dtype=lib.float64)  # resized to the product's shape (silently: it was empty)
        result = lib.matmul(lib.from_numpy(a), lib.from_numpy(b), out=out)
        assert result is out
        outs.append(out.numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


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


# -- empty batches ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("a_shape, b_shape", [
    ((0, 2, 3), (1, 3, 4)), ((1, 2, 3), (0, 3, 4)), ((0, 2, 3), (0, 3, 4)), ((2, 0, 2, 3), (1, 1, 3, 4)),
    ((0, 2, 3), (3, 4)), ((2, 3), (0, 3, 4)), ((0, 2, 3), (3,)), ((3,), (0, 3, 4)), ((2, 0), (0, 4)), ((0, 3), (3, 0)),
    ((1, 0, 3), (5, 3, 2)), ((4, 1, 2, 3), (0, 3, 4)),
])
@pytest.mark.parametrize("grad", [False, True])
def test_matmul_of_empty_batches(a_shape, b_shape, grad):
    """(0, 2, 3) @ (1, 3, 4) is (0, 2, 4): a size-1 batch dim broadcasts to 0, as any size-1 dim does."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    outs = []
    for lib in (minitorch, torch):
        x, y = (lib.from_numpy(v.copy()).requires_grad_(grad) for v in (a, b))
        z = lib.matmul(x, y)
        if grad:
            (z * 2).sum().backward()
        outs.append((z, x.grad, y.grad))
    for m, t in zip(*outs):
        if t is not None:
            assert_close(m, t)


@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 4, 5), (3, 2, 5, 6)), ((0, 2, 3), (3, 3, 4)),
                                              ((2, 5, 2, 3), (4, 1, 3, 4))])
def test_matmul_batch_mismatch_names_the_last_dim_that_differs(a_shape, b_shape):
    same_error(lambda lib: lib.matmul(lib.zeros(*a_shape), lib.zeros(*b_shape)))
