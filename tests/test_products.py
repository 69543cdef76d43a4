"""More products against torch: addmv, addr, baddbmm, addbmm, vdot, cross, einsum, tensordot, inner, kron,
cdist, cov and corrcoef - values, node names, gradients and second derivatives, errors word for word."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, check, same_error, second_order

pytestmark = pytest.mark.filterwarnings("ignore:.*(degrees of freedom|torch.cross without):UserWarning")

sides = st.integers(0, 4)


# -- β·input + α·product -------------------------------------------------------------------------------------
coefficients = st.sampled_from([(1, 1), (0.5, 2.0), (0, 1.5), (2, 0)])


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=sides, m=sides, k=sides, b=sides, ba=coefficients)
def test_add_products(data, n, m, k, b, ba):
    """Each with its input broadcast (or not), β = 0 (input ignored) and α = 0 among the cases."""
    beta, alpha = ba
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    arr = lambda shape: data.draw(array(shape=shape, dtype=dtype))  # noqa: E731
    # (torch's addmv of an empty matrix returns β·input in the input's shape, unbroadcast: not compared)
    empty = 0 in (n, m, k, b)
    pick = lambda full: data.draw(st.sampled_from([full] if empty else [full, full[1:], (1,) * len(full), ()]))  # noqa
    kw = dict(beta=beta, alpha=alpha)
    check(lambda lib, c, a, v: lib.addmv(c, a, v, **kw), arr(pick((n,))), arr((n, m)), arr((m,)))
    check(lambda lib, c, u, v: lib.addr(c, u, v, **kw), arr(pick((n, m))), arr((n,)), arr((m,)))
    check(lambda lib, c, x, y: lib.baddbmm(c, x, y, **kw), arr(pick((b, n, m))), arr((b, n, k)), arr((b, k, m)))
    check(lambda lib, c, x, y: lib.addbmm(c, x, y, **kw), arr(pick((n, m))), arr((b, n, k)), arr((b, k, m)))


def test_add_products_second_order_and_in_place():
    rng = np.random.default_rng(0)
    c, a, v = rng.standard_normal(3), rng.standard_normal((3, 4)), rng.standard_normal(4)
    second_order(lambda lib, c, a, v: lib.addmv(c, a * a, v * v, beta=0.5, alpha=2), c, a, v)
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 5))
    second_order(lambda lib, c, x, y: lib.baddbmm(c, x * x, y, alpha=3), rng.standard_normal((2, 3, 5)), x, y)
    second_order(lambda lib, c, x, y: lib.addbmm(c, x, y * y, beta=2), rng.standard_normal((3, 5)), x, y)
    second_order(lambda lib, c, u, v: lib.addr(c, u * u, v), rng.standard_normal((3, 4)), c, v)
    check(lambda lib, c, a, v: (c * 1).addmv_(a, v, alpha=2), c, a, v)
    check(lambda lib, c, u, v: (c * 1).addr_(u, v), rng.standard_normal((3, 4)), c, v)
    check(lambda lib, c, x, y: (c * 1).baddbmm_(x, y, beta=0.5), rng.standard_normal((2, 3, 5)), x, y)
    # integers, and addr's dtype promotion
    check(lambda lib, c, a, v: lib.addmv(c, a, v, beta=2, alpha=3), np.arange(3), np.arange(12).reshape(3, 4),
          np.arange(4))
    # (torch's own backward of a mixed-dtype addr raises: an addmv of float32 and float64)
    check(lambda lib, c, u, v: lib.addr(c, u, v), np.ones((3, 4), np.float32), c, v.astype(np.float32), grad=False)


@pytest.mark.parametrize("call", [
    lambda lib, T: lib.addmv(T(3), T(3, 4), T(5)),
    lambda lib, T: lib.addmv(T(4), T(3, 4), T(4)),
    lambda lib, T: lib.addmv(T(3), T(3, 4, 1), T(4)),
    lambda lib, T: lib.addmv(T(3), T(3, 4), T(4, dtype=lib.float32)),
    lambda lib, T: lib.addr(T(3, 4), T(3), T(5)),
    lambda lib, T: lib.addr(T(3, 4), T(3, 1), T(4)),
    lambda lib, T: lib.baddbmm(T(2, 3, 5), T(2, 3, 4), T(2, 5, 5)),
    lambda lib, T: lib.baddbmm(T(2, 3, 5), T(2, 3, 4), T(3, 4, 5)),
    lambda lib, T: lib.baddbmm(T(2, 3, 6), T(2, 3, 4), T(2, 4, 5)),
    lambda lib, T: lib.baddbmm(T(2, 3, 5), T(2, 3, 4), T(2, 4, 5, dtype=lib.float32)),
    lambda lib, T: lib.addbmm(T(3, 5), T(2, 3, 4), T(2, 5, 5)),
    lambda lib, T: lib.addbmm(T(3, 5), T(2, 3, 4), T(3, 4, 5)),
    lambda lib, T: lib.addbmm(T(3, 6), T(2, 3, 4), T(2, 4, 5)),
    lambda lib, T: lib.addbmm(T(3, 5), T(2, 3, 4), T(2, 4, 5, dtype=lib.float32)),
    lambda lib, T: lib.vdot(T(3, 1), T(3)),
    lambda lib, T: lib.vdot(T(3), T(4)),
    lambda lib, T: lib.vdot(T(3), T(3, dtype=lib.float32)),
    lambda lib, T: lib.cross(T(3, 4), T(3, 4), dim=1),
    lambda lib, T: lib.cross(T(4, 4), T(4, 4)),
    lambda lib, T: lib.cross(T(2, 3), T(4, 3), dim=1),
    lambda lib, T: lib.linalg.cross(T(2, 3), T(3)),
    lambda lib, T: lib.linalg.cross(T(3), T(3, dtype=lib.float32)),
    lambda lib, T: lib.einsum("ij,jk->ik", T(2, 3)),
    lambda lib, T: lib.einsum("ij->i", T(2, 3), T(2)),
    lambda lib, T: lib.einsum("ij,jk->ik", T(2, 3), T(4, 5)),
    lambda lib, T: lib.einsum("ij->i", T(2, 3, 4)),
    lambda lib, T: lib.einsum("ij->k", T(2, 3)),
    lambda lib, T: lib.einsum("ii->ii", T(3, 3)),
    lambda lib, T: lib.einsum("ij,jk->ik", T(2, 3), T(3, 5, dtype=lib.float32)),
    lambda lib, T: lib.tensordot(T(2, 3), T(4, 5), dims=1),
    lambda lib, T: lib.tensordot(T(2, 3), T(3, 5), dims=3),
    lambda lib, T: lib.tensordot(T(2, 3), T(3, 5), dims=-1),
    lambda lib, T: lib.tensordot(T(2, 3), T(3, 5), dims=([1, 0], [0])),
    lambda lib, T: lib.tensordot(T(2, 3), T(3, 5, dtype=lib.float32), dims=1),
    lambda lib, T: lib.inner(T(2, 3), T(4)),
    lambda lib, T: lib.cdist(T(3), T(3)),
    lambda lib, T: lib.cdist(T(2, 3), T(2, 4)),
    lambda lib, T: lib.cdist(T(2, 3), T(2, 3), p=-1),
    lambda lib, T: lib.cdist(T(2, 3, dtype=lib.int64), T(2, 3, dtype=lib.int64)),
    lambda lib, T: lib.cdist(T(2, 3), T(2, 3, dtype=lib.float32)),
    lambda lib, T: lib.cdist(T(2, 3), T(2, 3), compute_mode="x"),
    lambda lib, T: lib.cdist(T(2, 2, 3), T(3, 2, 3)),
    lambda lib, T: lib.cov(T(2, 3, 4)),
    lambda lib, T: lib.cov(T(2, 3, dtype=lib.bool)),
    lambda lib, T: lib.cov(T(2, 3), fweights=T(3)),
    lambda lib, T: lib.cov(T(2, 3), fweights=T(4, dtype=lib.int64)),
    lambda lib, T: lib.cov(T(2, 3), fweights=-T(3, dtype=lib.int64)),
    lambda lib, T: lib.cov(T(2, 3), aweights=T(3, dtype=lib.int64)),
    lambda lib, T: lib.cov(T(2, 3), aweights=-T(3)),
    lambda lib, T: lib.cov(T(2, 3), aweights=T(3, 1)),
    lambda lib, T: lib.cov(T(2, 3), aweights=0 * T(3)),
    lambda lib, T: lib.corrcoef(T(2, 3, 4)),
])
def test_errors(call):
    same_error(lambda lib: call(lib, lambda *shape, dtype=lib.float64: lib.ones(*shape, dtype=dtype)))


# -- vdot, cross ---------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=sides)
def test_vdot_cross(data, n):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    check(lambda lib, a, b: lib.vdot(a, b), data.draw(array(shape=(n,), dtype=dtype)),
          data.draw(array(shape=(n,), dtype=dtype)))
    shape = data.draw(st.lists(st.integers(1, 3), max_size=2))
    dim = data.draw(st.integers(0, len(shape)))
    full = tuple(shape[:dim]) + (3,) + tuple(shape[dim:])
    narrow = tuple(1 if data.draw(st.booleans()) else s for s in full)
    narrow = narrow[:dim] + (3,) + narrow[dim + 1:]
    a, b = data.draw(array(shape=full, dtype=dtype)), data.draw(array(shape=narrow, dtype=dtype))
    check(lambda lib, x, y: lib.cross(x, y, dim=dim), a, b)
    check(lambda lib, x, y: lib.linalg.cross(y, x, dim=dim - len(full)), a, b)


def test_cross_without_dim_and_second_order():
    a, b = np.arange(12.0).reshape(4, 3) ** 0.5, np.arange(12.0).reshape(4, 3)[::-1].copy() - 5
    check(lambda lib, x, y: lib.cross(x, y), a, b)  # the first dim of size 3 (with torch's warning)
    check(lambda lib, x, y: x.cross(y, 1), a, b)
    second_order(lambda lib, x, y: lib.linalg.cross(x * x, y), a, b)
    second_order(lambda lib, x, y: lib.vdot(x * x, y), a[0], b[0])
    assert minitorch.vdot(minitorch.tensor([1.0, 2.0], requires_grad=True),
                          minitorch.tensor([3.0, 4.0])).grad_fn.name() == "VdotBackward0"


# -- einsum --------------------------------------------------------------------------------------------------
EQUATIONS = [  # (equation, operand shapes): contractions, diagonals, lone subscripts, ellipses, broadcasting
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("i,i->", [(3,), (3,)]), ("i,j->ij", [(3,), (4,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("iji->j", [(3, 2, 3)]), ("ij->", [(2, 3)]), ("ij->ji", [(2, 3)]), ("ij", [(2, 3)]), ("ji", [(2, 3)]),
    ("ijk,ikl,ilm->jm", [(2, 3, 4), (2, 4, 2), (2, 2, 3)]), ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 2)]),
    ("...i,...i", [(2, 3), (1, 3)]), ("i...->...", [(3, 2, 2)]), ("i,i->i", [(3,), (1,)]),
    ("ij,j", [(0, 3), (3,)]), ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]), ("i,ij,j", [(3,), (3, 3), (3,)]),
    ("aA,Ab->ab", [(2, 3), (3, 2)]), ("ii,ij->j", [(3, 3), (3, 2)]), ("ijj,k->ik", [(2, 3, 3), (2,)]),
    ("", [()]), (",->", [(), ()]), ("i,->i", [(3,), ()]),
]


@pytest.mark.parametrize("equation, shapes", EQUATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_einsum(equation, shapes, dtype):
    """Values and gradients as torch's (whose nodes differ: it composes einsum of permutes and bmm), and the
    second derivative (an einsum's VJP is einsums again)."""
    rng = np.random.default_rng(len(equation))
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    check(lambda lib, *ts: lib.einsum(equation, *ts), *arrays, check_names=False)
    check(lambda lib, *ts: lib.einsum(equation, list(ts)) * 2, *arrays, check_names=False)
    if dtype == np.float64 and all(a.size and a.ndim for a in arrays):  # (second_order: no 0-d arrays)
        second_order(lambda lib, *ts: lib.einsum(equation, *[t * t for t in ts]), *arrays)


def test_einsum_sublists():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    check(lambda lib, x, y: lib.einsum(x, [0, 1], y, [1, 2], [0, 2]), a, b, check_names=False)
    check(lambda lib, x, y: lib.einsum(x, [Ellipsis, 1], y, [1, 2]), a, b, check_names=False)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_einsum_generated(data):
    """Random equations over a few subscripts: each operand takes some of them (repeats allowed), the output
    some of those used (or NumPy's implicit output)."""
    letters = "abcd"
    sizes = {c: data.draw(st.integers(1, 3)) for c in letters}
    terms = [data.draw(st.text(letters, min_size=0, max_size=3)) for _ in range(data.draw(st.integers(1, 3)))]
    used = sorted(set("".join(terms)))
    out = data.draw(st.none() | st.permutations(used).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])))
    equation = ",".join(terms) + ("" if out is None else "->" + "".join(out))
    arrays = [data.draw(array(shape=tuple(sizes[c] for c in t), dtype=np.float64)) for t in terms]
    check(lambda lib, *ts: lib.einsum(equation, *ts), *arrays, check_names=False)


# -- tensordot, inner, kron ----------------------------------------------------------------------------------
@pytest.mark.parametrize("shapes, dims", [
    (((2, 3), (3, 4)), 1), (((2, 3, 4), (3, 4, 5)), 2), (((2, 3), (4, 5)), 0), (((3,), (3,)), 1),
    (((2, 3), (2, 3)), 2), (((2, 3, 4), (3, 2, 5)), ([0, 1], [1, 0])), (((2, 3), (3,)), ([1], [0])),
    (((2, 1, 4), (3, 4)), ([1, 2], [0, 1])), (((2, 3), (1, 4)), ([1], [0])), (((0, 3), (3, 2)), 1),
    (((2, 3), (3, 4)), ([-1], [-2])),
])
def test_tensordot(shapes, dims):
    """Sizes of 1 against larger ones are summed away first, as torch's tensordot; its node names too."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(s) for s in shapes)
    check(lambda lib, x, y: lib.tensordot(x, y, dims=dims), a, b)
    if a.size and b.size:
        second_order(lambda lib, x, y: lib.tensordot(x * x, y, dims=dims), a, b)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_inner_kron(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    a = data.draw(array(max_dims=3, dtype=dtype))
    n = a.shape[-1] if a.ndim else data.draw(st.integers(0, 3))
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    b = data.draw(array(shape=tuple(lead) + ((n,) if a.ndim or data.draw(st.booleans()) else ()), dtype=dtype))
    check(lambda lib, x, y: lib.inner(x, y), a, b)
    # (torch's kron of a transposed tensor raises "view size is not compatible ...": contiguous copies for it)
    check(lambda lib, x, y: lib.kron(x, y), np.ascontiguousarray(a), np.ascontiguousarray(b))


def test_kron_second_order():
    rng = np.random.default_rng(2)
    second_order(lambda lib, x, y: lib.kron(x * x, y), rng.standard_normal((2, 3)), rng.standard_normal(3))


# -- cdist ---------------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(data=st.data(), p=st.sampled_from([0, 0.5, 1, 1.5, 2, 3, float("inf")]),
       mode=st.sampled_from(["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                             "donot_use_mm_for_euclid_dist"]))
def test_cdist(data, p, mode):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    m = data.draw(sides)
    batch = tuple(data.draw(st.lists(st.integers(1, 2), max_size=2)))
    x1 = data.draw(array(shape=batch + (data.draw(sides), m), dtype=dtype))
    x2 = data.draw(array(shape=batch[len(batch) // 2:] + (data.draw(sides), m), dtype=dtype))
    # (the mm path's values are less exact: |x1|² + |x2|² - 2 x1·x2 cancels)
    scale = 10 if mode == "use_mm_for_euclid_dist" else 1
    check(lambda lib, a, b: lib.cdist(a, b, p, compute_mode=mode), x1, x2, atol_scale=scale)


def test_cdist_many_rows_uses_mm_and_ties():
    rng = np.random.default_rng(3)
    check(lambda lib, a, b: lib.cdist(a, b), rng.standard_normal((30, 3)), rng.standard_normal((4, 3)))
    # ties of the ∞-norm: each gets the whole gradient, as torch's cdist (not split, as its norm)
    a, b = np.array([[1.0, -1.0, 0.5]]), np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 1.5]])
    check(lambda lib, x, y: lib.cdist(x, y, float("inf")), a, b)
    for p in (1.5, 2, 3):
        second_order(lambda lib, x, y: lib.cdist(x, y, p), rng.standard_normal((3, 2)), rng.standard_normal((2, 2)))


# -- cov, corrcoef -------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(data=st.data(), correction=st.sampled_from([0, 1, 2]))
def test_cov_corrcoef(data, correction):
    x = data.draw(array(shape=data.draw(st.sampled_from([(4,), (1, 5), (3, 4), (2, 6)])), dtype=np.float64))
    n = x.shape[-1]
    fw = data.draw(st.none() | st.lists(st.integers(1, 3), min_size=n, max_size=n).map(np.array))
    aw = data.draw(st.none() | array(shape=(n,), dtype=np.float64, low=0.1, high=2.0))
    check(lambda lib, t, f, w: lib.cov(t, correction=correction, fweights=f, aweights=w), x, fw, aw)
    check(lambda lib, t: lib.corrcoef(t), x)


def test_cov_corrcoef_integers_and_second_order():
    # integers: in the default dtype, float32
    check(lambda lib, t: lib.cov(t), np.array([[1, 2, 4], [3, 1, 0]]), dtype=np.float32)
    check(lambda lib, t: lib.corrcoef(t), np.array([[1, 2, 4], [3, 1, 0]]), dtype=np.float32)
    x = np.array([[1.0, -2.0, 0.5, 3.0], [0.3, 0.2, -1.0, 2.0]])
    second_order(lambda lib, t, w: lib.cov(t, aweights=w * w), x, np.array([0.5, 1.0, 1.5, 0.7]))
    second_order(lambda lib, t: lib.corrcoef(t), x)


@pytest.mark.parametrize("shapes", [[(2, 3), (3, 4)], [(3,), (3, 5), (5, 2), (2, 7), (7,)], [(3,), (3,)],
                                    [(4, 1), (1, 6), (6, 6), (6, 2)], [(0, 3), (3, 2)], [(2, 3), (3, 0), (0, 4)]])
def test_multi_dot_and_chain_matmul_as_torch(shapes):
    """The chain in its cheapest order: the same values and gradients as torch's."""
    import warnings
    results = []
    for lib in (minitorch, torch):
        rng = np.random.default_rng(len(shapes))
        ts = [lib.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
        r = lib.linalg.multi_dot(ts)
        r.square().sum().backward()
        out = [r.detach().numpy()] + [t.grad.numpy() for t in ts]
        if all(len(s) == 2 for s in shapes):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch: chain_matmul is deprecated
                out.append(lib.chain_matmul(*[t.detach() for t in ts]).numpy())
        results.append(out)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3)]),
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3, 4), lib.ones(4, 2)]),
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3), lib.ones(3, 4, 5)]),
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3), lib.ones(3), lib.ones(3, 2)]),
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3), lib.ones(2, 3)]),
    lambda lib: lib.linalg.multi_dot([lib.ones(2, 3, dtype=lib.float64), lib.ones(3, 2)]),
    lambda lib: lib.chain_matmul(),
    lambda lib: lib.chain_matmul(lib.ones(2, 3), lib.ones(3)),
])
def test_multi_dot_errors_as_torch(fn):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)
