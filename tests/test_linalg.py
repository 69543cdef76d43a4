"""Matrix products against torch: values, dtypes, gradients, and the nodes of the recorded graph
(matmul dispatches like torch, so the whole chain of nodes below the result matches too)."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import array, assert_close, check, float_dtypes, same_error, second_order, to_mini, to_torch


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


def graph(t, depth=5):
    """The names of the nodes below ``t``, as nested (name, children) tuples."""
    def walk(node, d):
        if node is None or d == 0:
            return None
        return node.name().replace("torch::autograd::", ""), [walk(n, d - 1) for n, _ in node.next_functions]
    return walk(t.grad_fn, depth)


def same_graph(fn, *arrays, requires_grad=None):
    """``fn`` records the same graph of nodes in minitorch and torch."""
    requires_grad = requires_grad or [True] * len(arrays)
    mine = fn(minitorch, *[to_mini(a, r) for a, r in zip(arrays, requires_grad)])
    theirs = fn(torch, *[to_torch(a, r) for a, r in zip(arrays, requires_grad)])
    assert graph(mine) == graph(theirs)


@given(pair=matmul_pair())
def test_matmul(pair):
    check(lambda lib, a, b: a @ b, *pair)


@given(pair=matmul_pair(), grads=st.sampled_from([(True, True), (True, False), (False, True)]))
def test_matmul_records_torchs_graph(pair, grads):
    same_graph(lambda lib, a, b: lib.matmul(a, b), *pair, requires_grad=grads)


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
    assert graph(mine) == graph(theirs)
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
