"""The linalg spectral family against torch: qr, eigh/eigvalsh, svd (linalg.svd, torch.svd), pinv/pinverse,
matrix_rank, lstsq, matrix_power, matrix_exp, cond, vander, householder_product/orgqr, geqrf, ormqr,
matrix_sqrth, polar, svd_lowrank/pca_lowrank. Values, dtypes, node names, gradients (float64 to ~1e-10, float32 ~1e-5) and second
order where torch's exists, and torch's errors word for word.

The matrices are well conditioned, with separated singular values and eigenvalues (a gap of at least 1/4 of the
largest, the smallest at least 1/2), so that the gradients are defined and stable. Eigenvectors and singular
vectors are unique only up to sign (and LAPACK builds choose differently): the functions compared here fix each
vector's sign so that its entry of largest magnitude is positive (its partner flipped alike) - with Tensor
operations, so the gradients flow through the normalised vectors as through torch's own tests' normalisation.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import check, check_second_order, same_error, same_graphs, to_mini, to_torch

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None)
# gradients through singular vectors, eigenvectors, pseudo-inverses and reflectors in float32: rounding of about
# 1e-7 relative, amplified by the inverse gaps of the spectrum (up to ~10 here) and by sums of a few products: an
# absolute tolerance 10x the suite's (1e-5 in float32, 1e-11 in float64)
VECTORS = 10


def conditioned(seed, shape, dtype=np.float64, symmetric=False):
    """A (batch of) matrices with singular values (or, ``symmetric``, eigenvalues of either sign) spaced from
    1/2 to about 2: well conditioned, and far from repeated."""
    rng = np.random.default_rng(seed)
    *batch, m, n = shape
    k = min(m, n)
    out = np.empty(shape)
    for index in np.ndindex(*batch):
        u, _ = np.linalg.qr(rng.standard_normal((m, m)))
        v, _ = np.linalg.qr(rng.standard_normal((n, n)))
        s = 0.5 + 1.5 * (np.arange(k)[::-1] + rng.uniform(0, 0.25, k)) / max(k, 1)
        if symmetric:
            s = s * rng.choice([-1.0, 1.0], k)
            out[index] = (v * s) @ v.T
        else:
            out[index] = (u[:, :k] * s) @ v[:k]
    return out.astype(dtype)


@st.composite
def matrices(draw, square=False, symmetric=False, tall=None, max_batch=2, dtypes=(np.float64, np.float32)):
    seed = draw(st.integers(0, 2 ** 16))
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=max_batch)))
    m = draw(st.integers(1, 5))
    n = m if square or symmetric else draw(st.integers(1, 5))
    if tall is not None and (m >= n) != tall:
        m, n = n, m
    dtype = draw(st.sampled_from(dtypes))
    return conditioned(seed, batch + (m, n), dtype, symmetric)


def sign_fixed(lib, cols, *partners):
    """Each column of ``cols`` times the sign of its largest-magnitude entry (partners' columns alike)."""
    if cols.shape[-1] == 0 or cols.shape[-2] == 0:
        return (cols,) + partners
    sign = cols.gather(-2, cols.abs().argmax(-2, keepdim=True)).sign().detach()
    return (cols * sign,) + tuple(p * sign for p in partners)


# -- QR ------------------------------------------------------------------------------------------------------------
@SETTINGS
@given(a=matrices(), mode=st.sampled_from(["reduced", "complete"]))
def test_qr(a, mode):
    if mode == "complete" and a.shape[-2] > a.shape[-1]:
        mode = "reduced"  # (not differentiable there: tested with the errors)
    mine, theirs = check(lambda lib, x: tuple(lib.linalg.qr(x, mode)), a)
    same_graphs(mine, theirs)


def test_qr_mode_r_and_second_order():
    a = conditioned(0, (2, 4, 3))
    check(lambda lib, x: lib.linalg.qr(x, "r").R, a, grad=False)
    for shape in [(4, 3), (3, 3), (3, 5)]:
        check_second_order(lambda lib, x: (lambda q, r: q.sum(-1) + r.sum())(*lib.linalg.qr(x)),
                           conditioned(1, shape))


# -- eigh ----------------------------------------------------------------------------------------------------------
def eigh_fixed(lib, x, uplo):
    w, v = lib.linalg.eigh(x, UPLO=uplo)
    return (w,) + sign_fixed(lib, v)


@SETTINGS
@given(a=matrices(symmetric=True), uplo=st.sampled_from(["L", "U"]), perturb=st.booleans())
def test_eigh(a, uplo, perturb):
    if perturb:  # not symmetric: eigh reads one triangle (and its gradient is torch's, for the full matrix)
        a = a + np.triu(np.full(a.shape[-2:], 0.01, a.dtype), 1)
    check(lambda lib, x: eigh_fixed(lib, x, uplo), a, atol_scale=VECTORS)
    check(lambda lib, x: lib.linalg.eigvalsh(x, uplo), a)


def test_eigh_graph_and_second_order():
    a = conditioned(2, (2, 4, 4), symmetric=True)
    same_graphs(lib_call(minitorch, a, lambda lib, x: lib.linalg.eigh(x)),
                lib_call(torch, a, lambda lib, x: lib.linalg.eigh(x)))
    check_second_order(lambda lib, x: eigh_fixed(lib, x, "L")[1].sum(-1) + lib.linalg.eigvalsh(x).sum(), a)


def lib_call(lib, a, fn):
    return fn(lib, (to_mini if lib is minitorch else to_torch)(a, True))


# -- SVD -----------------------------------------------------------------------------------------------------------
def svd_fixed(lib, x, full):
    u, s, vh = lib.linalg.svd(x, full_matrices=full)
    k = s.shape[-1]
    u_k, v_k = sign_fixed(lib, u[..., :k], vh.mT[..., :k])
    extra_u = u[..., k:] @ u[..., k:].mT  # the extra columns of a full SVD: only their span is determined
    extra_v = vh[..., k:, :].mT @ vh[..., k:, :]
    return u_k, s, v_k, extra_u, extra_v


@SETTINGS
@given(a=matrices(), full=st.booleans())
def test_svd(a, full):
    check(lambda lib, x: svd_fixed(lib, x, full), a, atol_scale=VECTORS)


@SETTINGS
@given(a=matrices(), some=st.booleans())
def test_torch_svd(a, some):
    def fn(lib, x):
        u, s, v = lib.svd(x, some=some)
        k = s.shape[-1]
        return sign_fixed(lib, u[..., :k], v[..., :k]) + (s,)
    check(fn, a, atol_scale=VECTORS)
    check(lambda lib, x: tuple(x.svd(compute_uv=False)), a)


def test_svd_graphs_and_second_order():
    for shape in [(4, 3), (3, 5), (3, 3)]:
        a = conditioned(3, shape)
        for fn in (lambda lib, x: tuple(lib.linalg.svd(x)), lambda lib, x: tuple(lib.svd(x))):
            same_graphs(lib_call(minitorch, a, fn), lib_call(torch, a, fn))
        check_second_order(lambda lib, x: sum(t.sum() for t in svd_fixed(lib, x, False)[:3]), a)


# -- pinv, matrix_rank, lstsq --------------------------------------------------------------------------------------
@SETTINGS
@given(a=matrices(), rtol=st.sampled_from([None, 0.3, 0.7]))
def test_pinv(a, rtol):
    # rtol 0.3 and 0.7 cut some singular values: gradients are those of the pseudo-inverse of fixed rank
    check(lambda lib, x: lib.linalg.pinv(x, rtol=rtol), a, atol_scale=VECTORS)
    check(lambda lib, x: lib.pinverse(x, 0.3 if rtol is None else rtol), a, atol_scale=VECTORS)


@SETTINGS
@given(a=matrices(symmetric=True))
def test_pinv_hermitian(a):
    check(lambda lib, x: lib.linalg.pinv(x, hermitian=True, atol=0.6), a, atol_scale=VECTORS)


def test_pinv_second_order_and_rank_deficient():
    for shape in [(4, 3), (3, 5)]:
        check_second_order(lambda lib, x: lib.linalg.pinv(x), conditioned(4, shape))
    rng = np.random.default_rng(5)
    low_rank = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))  # rank 2
    check(lambda lib, x: lib.linalg.pinv(x), low_rank)


@pytest.mark.parametrize("kwargs", [{}, {"hermitian": True}, {"atol": 0.9}, {"rtol": 0.5}, {"atol": 0.9, "rtol": 0.1},
                                    {"tol": 1.1}], ids=str)
def test_matrix_rank(kwargs):
    a = conditioned(6, (3, 4, 4), symmetric=True)
    for lib_a in (a, a[..., :3]) if "hermitian" not in kwargs else (a,):
        check(lambda lib, x: lib.linalg.matrix_rank(x, **kwargs), lib_a, grad=False)
    atol = np.array([0.5, 1.0, 1.5])
    check(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.from_numpy(atol)), a, grad=False)


@SETTINGS
@given(a=matrices(), driver=st.sampled_from([None, "gels", "gelsy", "gelsd", "gelss"]), k=st.integers(0, 3),
       seed=st.integers(0, 100))
def test_lstsq(a, driver, k, seed):
    if driver == "gels" and a.shape[-2] < a.shape[-1]:
        driver = "gelsd"  # gels assumes full rank: a wide A has many solutions, and gels's is not the shortest
    b = np.random.default_rng(seed).standard_normal(a.shape[:-1] + ((k,) if k else ())).astype(a.dtype)
    mine, theirs = check(lambda lib, x, y: tuple(lib.linalg.lstsq(x, y, driver=driver)), a, b, atol_scale=VECTORS)
    same_graphs(mine[:2], theirs[:2])


def test_lstsq_second_order_and_rank_deficient():
    a, b = conditioned(7, (5, 3)), np.random.default_rng(7).standard_normal((5, 2))
    check_second_order(lambda lib, x, y: lib.linalg.lstsq(x, y, driver="gelsd").solution
                       + lib.linalg.lstsq(x, y, driver="gelsd").residuals, a, b)
    low_rank = np.outer(np.arange(1.0, 6.0), [1.0, 2.0, 3.0])
    for driver in ("gelsy", "gelsd", "gelss"):
        check(lambda lib, x, y: tuple(lib.linalg.lstsq(x, y, driver=driver)), low_rank, b, grad=False)


# -- matrix functions ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7])
def test_matrix_power(n):
    a = conditioned(8, (2, 3, 3))
    mine, theirs = check(lambda lib, x: lib.linalg.matrix_power(x, n), a)
    if n >= 0:  # (n < 0: torch's inverse is column-major, so its matmul reshapes through ReshapeAlias, not View)
        same_graphs(mine, theirs)
    check(lambda lib, x: x.matrix_power(n), a.astype(np.float32))
    if n > 0:
        check(lambda lib, x: lib.matrix_power(x, n), np.arange(9).reshape(3, 3), grad=False)


@SETTINGS
@given(a=matrices(square=True), scale=st.sampled_from([0.1, 1.0, 8.0]))
def test_matrix_exp(a, scale):
    # scale 8: norms well past Padé's θ₁₃, so scaling and squaring runs
    mine, theirs = check(lambda lib, x: lib.linalg.matrix_exp(x), a * scale, atol_scale=10 * scale)
    same_graphs(mine, theirs)


def test_matrix_exp_second_order():
    check_second_order(lambda lib, x: lib.matrix_exp(x), conditioned(9, (2, 3, 3)))


@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, float("inf"), float("-inf"), "fro", "nuc"], ids=str)
def test_cond(p):
    a = conditioned(10, (2, 4, 4))
    # torch 2.14.1's backward for ±1, ±inf and 'fro' raises (it writes into its saved inverse in place): there the
    # values are compared with torch, and the gradient with finite differences
    by_svd = p in (None, 2, -2, "nuc")
    check(lambda lib, x: lib.linalg.cond(x, p), a, grad=by_svd)
    if not by_svd:
        from minitorch.autograd import gradcheck
        assert gradcheck(lambda x: minitorch.linalg.cond(x, p), (minitorch.from_numpy(a).requires_grad_(),))
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    check(lambda lib, x: lib.linalg.cond(x, p), np.stack([singular, np.eye(2), np.zeros((2, 2))]), grad=False)
    if p in (None, 2, -2):
        check(lambda lib, x: lib.linalg.cond(x, p), conditioned(10, (3, 5)))


@pytest.mark.parametrize("N", [None, 2, 5])
def test_vander(N):
    x = np.array([[0.5, -1.5, 2.0], [1.0, 0.0, -0.25]])
    mine, theirs = check(lambda lib, t: lib.linalg.vander(t, N=N), x)
    same_graphs(mine, theirs)
    check(lambda lib, t: lib.linalg.vander(t, N=N), np.array([1, -2, 3], np.int32), grad=False)


# -- square roots ----------------------------------------------------------------------------------------------------
@SETTINGS
@given(a=matrices(symmetric=True))
def test_matrix_sqrth(a):
    spd = a @ np.swapaxes(a, -1, -2)  # eigenvalues λ² in [1/4, 4]: positive definite, separated
    mine, theirs = check(lambda lib, x: lib.linalg.matrix_sqrth(x), spd, atol_scale=VECTORS)
    same_graphs(mine, theirs)
    # only the lower triangle is read; negative eigenvalues count as 0
    check(lambda lib, x: lib.linalg.matrix_sqrth(x), np.array([[4.0, 100.0], [0.0, 9.0]]), grad=False)
    check(lambda lib, x: lib.linalg.matrix_sqrth(x), -np.eye(2), grad=False)


@SETTINGS
@given(a=matrices(tall=True))
def test_polar(a):
    mine, theirs = check(lambda lib, x: tuple(lib.linalg.polar(x)), a, atol_scale=VECTORS)
    same_graphs(mine, theirs)
    check(lambda lib, x: lib.linalg.polar(x).U, a, atol_scale=VECTORS)


def test_square_roots_second_order():
    a = conditioned(17, (2, 4, 4), symmetric=True)
    check_second_order(lambda lib, x: lib.linalg.matrix_sqrth(x), a @ np.swapaxes(a, -1, -2))
    check_second_order(lambda lib, x: (lambda u, h: u.sum(-2) + h.sum(-2))(*lib.linalg.polar(x)),
                       conditioned(17, (5, 3)))


# -- Householder products --------------------------------------------------------------------------------------------
@SETTINGS
@given(a=matrices(tall=True, dtypes=(np.float64,)), k=st.integers(0, 5), seed=st.integers(0, 100))
def test_householder_product(a, k, seed):
    """Arbitrary reflectors (τ not 2/||v||², so the H_i are not orthogonal: products of a poor scale, float64
    only; float32 is checked with geqrf's reflectors below)."""
    k = min(k, a.shape[-1])
    tau = np.random.default_rng(seed).uniform(0.2, 1.8, a.shape[:-2] + (k,)).astype(a.dtype)
    mine, theirs = check(lambda lib, x, t: lib.linalg.householder_product(x, t), a, tau, atol_scale=VECTORS)
    same_graphs(mine, theirs)
    check(lambda lib, x, t: x.orgqr(t), a, tau, atol_scale=VECTORS)


def test_householder_product_float32_of_geqrf():
    a = conditioned(16, (2, 5, 3), np.float32)
    h, tau = (t.numpy() for t in torch.geqrf(torch.from_numpy(a)))
    check(lambda lib, x, t: lib.linalg.householder_product(x, t), h, tau, atol_scale=VECTORS)


def test_householder_second_order():
    a, tau = conditioned(11, (5, 3)), np.array([1.2, 0.7, 1.5])
    check_second_order(lambda lib, x, t: lib.linalg.householder_product(x, t), a, tau)


@SETTINGS
@given(a=matrices())
def test_geqrf_and_back(a):
    check(lambda lib, x: tuple(lib.geqrf(x)), a, grad=False)
    # the reflectors multiplied out are qr's Q (up to what geqrf leaves: exactly LAPACK's signs)
    check(lambda lib, x: (lambda h, tau: lib.linalg.householder_product(h[..., :tau.shape[-1]], tau))(*lib.geqrf(x)),
          a if a.shape[-2] >= a.shape[-1] else a.mT.copy(), grad=False)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_ormqr(left, transpose):
    rng = np.random.default_rng(12)
    a, tau = conditioned(12, (2, 5, 3)), rng.uniform(0.2, 1.8, (2, 3))
    c = rng.standard_normal((2, 5, 4) if left else (2, 4, 5))
    mine, theirs = check(lambda lib, x, t, y: lib.ormqr(x, t, y, left, transpose), a, tau, c)
    same_graphs(mine, theirs)
    check_second_order(lambda lib, x, t, y: x.ormqr(t, y, left, transpose), a[0], tau[0], c[0])


# -- randomized low rank -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (2, 5, 3)], ids=str)
def test_lowrank_full_rank_is_the_svd(shape):
    """With q = min(m, n) the randomized SVD is exact: S is torch's singular values, and U diag(S) Vᵀ is A
    (the random projection only decides the signs). pca_lowrank is the same after centering."""
    a = conditioned(13, shape)
    q = min(shape[-2:])
    minitorch.manual_seed(0)
    for fn, target in ((lambda x: minitorch.svd_lowrank(x, q=q), a),
                       (lambda x: minitorch.pca_lowrank(x, q=q), a - a.mean(-2, keepdims=True))):
        u, s, v = fn(minitorch.from_numpy(a))
        theirs = torch.linalg.svdvals(torch.from_numpy(target))
        np.testing.assert_allclose(s.numpy()[..., :theirs.shape[-1]], theirs.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose((u * s.unsqueeze(-2) @ v.mT).numpy(), target, rtol=1e-10, atol=1e-12)
        assert u.shape == (*shape[:-1], q) and v.shape == (*shape[:-2], shape[-1], q)


# -- errors, word for word -----------------------------------------------------------------------------------------
V, INTS, RECT, SQ = np.ones(3), np.ones((3, 3), np.int64), np.ones((4, 3)), np.eye(3)
ERRORS = {
    "qr 1-d": (lambda lib, x: lib.linalg.qr(x), V), "qr ints": (lambda lib, x: lib.linalg.qr(x), INTS),
    "qr mode": (lambda lib, x: lib.linalg.qr(x, mode="x"), SQ),
    "qr r backward": (lambda lib, x: lib.linalg.qr(x.requires_grad_(), "r").R.sum().backward(), RECT),
    "qr complete tall backward": (lambda lib, x: lib.linalg.qr(x.requires_grad_(), "complete").Q.sum().backward(),
                                  RECT),
    "eigh 1-d": (lambda lib, x: lib.linalg.eigh(x), V), "eigh rectangular": (lambda lib, x: lib.linalg.eigh(x), RECT),
    "eigh ints": (lambda lib, x: lib.linalg.eigh(x), INTS),
    "eigh UPLO": (lambda lib, x: lib.linalg.eigh(x, UPLO="X"), SQ),
    "svd 1-d": (lambda lib, x: lib.linalg.svd(x), V), "svd ints": (lambda lib, x: lib.linalg.svd(x), INTS),
    "svd driver": (lambda lib, x: lib.linalg.svd(x, driver="gesvd"), SQ), "torch.svd 1-d": (lambda lib, x: lib.svd(x), V),
    "pinv 1-d": (lambda lib, x: lib.linalg.pinv(x), V), "pinv ints": (lambda lib, x: lib.linalg.pinv(x), INTS),
    "pinv hermitian rectangular": (lambda lib, x: lib.linalg.pinv(x, hermitian=True), RECT),
    "matrix_rank 1-d": (lambda lib, x: lib.linalg.matrix_rank(x), V),
    "matrix_rank ints": (lambda lib, x: lib.linalg.matrix_rank(x), INTS),
    "lstsq 1-d": (lambda lib, x: lib.linalg.lstsq(x, x), V),
    "lstsq rows": (lambda lib, x: lib.linalg.lstsq(x, x.mT), RECT),
    "lstsq driver": (lambda lib, x: lib.linalg.lstsq(x, x, driver="x"), RECT),
    "lstsq dtypes": (lambda lib, x: lib.linalg.lstsq(x, x.float()), RECT),
    "lstsq dims": (lambda lib, x: lib.linalg.lstsq(x, x.expand(2, 4, 3)), RECT),
    "matrix_power 1-d": (lambda lib, x: lib.linalg.matrix_power(x, 2), V),
    "matrix_power rectangular": (lambda lib, x: lib.linalg.matrix_power(x, 2), RECT),
    "matrix_power ints, negative": (lambda lib, x: lib.linalg.matrix_power(x, -1), INTS),
    "matrix_exp rectangular": (lambda lib, x: lib.linalg.matrix_exp(x), RECT),
    "matrix_exp ints": (lambda lib, x: lib.linalg.matrix_exp(x), INTS),
    "cond 1-d": (lambda lib, x: lib.linalg.cond(x), V), "cond p": (lambda lib, x: lib.linalg.cond(x, 3), SQ),
    "cond rectangular, p=1": (lambda lib, x: lib.linalg.cond(x, 1), RECT),
    "vander N": (lambda lib, x: lib.linalg.vander(x, N=1), V),
    "vander bool": (lambda lib, x: lib.linalg.vander(x > 0), V),
    "householder 1-d": (lambda lib, x: lib.linalg.householder_product(x, x), V),
    "householder wide": (lambda lib, x: lib.linalg.householder_product(x.mT, x[0]), RECT),
    "householder tau long": (lambda lib, x: lib.linalg.householder_product(x, x[0, :1].expand(4)), RECT),
    "householder tau dims": (lambda lib, x: lib.linalg.householder_product(x, x[:2]), RECT),
    "householder tau dtype": (lambda lib, x: lib.linalg.householder_product(x, x[0].float()), RECT),
    "geqrf 1-d": (lambda lib, x: lib.geqrf(x), V), "geqrf ints": (lambda lib, x: lib.geqrf(x), INTS),
    "geqrf backward": (lambda lib, x: lib.geqrf(x.requires_grad_()).a.sum().backward(), RECT),
    "ormqr rows": (lambda lib, x: lib.ormqr(x, x[0], x[:3]), RECT),
    "ormqr tau": (lambda lib, x: lib.ormqr(x, x[0, :1].expand(4), x), RECT),
    "ormqr tau dims": (lambda lib, x: lib.ormqr(x, x[:1], x), RECT),
    "ormqr dtype": (lambda lib, x: lib.ormqr(x, x[0].float(), x), RECT),
    "pca_lowrank q": (lambda lib, x: lib.pca_lowrank(x, q=5), RECT),
    "matrix_sqrth rectangular": (lambda lib, x: lib.linalg.matrix_sqrth(x), RECT),
    "matrix_sqrth ints": (lambda lib, x: lib.linalg.matrix_sqrth(x), INTS),
    "polar wide": (lambda lib, x: lib.linalg.polar(x.mT), RECT), "polar ints": (lambda lib, x: lib.linalg.polar(x), INTS),
    "polar 1-d": (lambda lib, x: lib.linalg.polar(x), V),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    fn, a = ERRORS[name]
    same_error(fn, a)


def test_return_types():
    a = conditioned(14, (3, 3), symmetric=True)
    for fn, fields in ((lambda lib, x: lib.linalg.qr(x), ("Q", "R")),
                       (lambda lib, x: lib.linalg.eigh(x), ("eigenvalues", "eigenvectors")),
                       (lambda lib, x: lib.linalg.svd(x), ("U", "S", "Vh")), (lambda lib, x: lib.svd(x), ("U", "S", "V")),
                       (lambda lib, x: lib.linalg.lstsq(x, x), ("solution", "residuals", "rank", "singular_values")),
                       (lambda lib, x: lib.geqrf(x), ("a", "tau")), (lambda lib, x: lib.linalg.polar(x), ("U", "H"))):
        mine, theirs = fn(minitorch, minitorch.from_numpy(a)), fn(torch, torch.from_numpy(a))
        assert mine._fields == fields and all(hasattr(theirs, f) for f in fields)
        assert type(mine).__name__ == type(theirs).__name__
        assert repr(mine).split("(")[0] == repr(theirs).split("(")[0]


def test_gradcheck():
    """minitorch's own gradcheck (central differences) on the VJPs torch does not share a formula with."""
    from minitorch.autograd import gradcheck, gradgradcheck
    a = minitorch.from_numpy(conditioned(15, (4, 3))).requires_grad_()
    tau = minitorch.tensor([1.2, 0.4, 1.6], dtype=minitorch.float64, requires_grad=True)
    s = minitorch.from_numpy(conditioned(15, (3, 3))).requires_grad_()
    assert gradcheck(lambda x, t: minitorch.linalg.householder_product(x, t), (a, tau))
    assert gradcheck(lambda x: minitorch.linalg.qr(x), (a,))
    assert gradcheck(minitorch.linalg.matrix_exp, (s,)) and gradgradcheck(minitorch.linalg.matrix_exp, (s,))
    assert gradcheck(minitorch.linalg.pinv, (a,))
