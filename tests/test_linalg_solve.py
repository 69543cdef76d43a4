"""The linalg solvers and factorizations against torch: det, inv, solve, the triangular solves, Cholesky, LU and LDL -
values, node names, gradients, second derivatives, gradcheck, torch's errors word for word, and the gradient of det
at singular matrices.

Matrices are drawn well-conditioned, so that the comparison measures the ops and not the conditioning: A = Q₁ S Q₂ᵀ
with Q₁, Q₂ orthogonal and singular values in [0.5, 2] (condition number at most 4), or Q S Qᵀ for the symmetric
positive-definite ones. Float64 results agree with torch to the suite's 1e-10 relative (float32 to 1e-5): both
libraries run the same algorithms (LAPACK's getrf, potrf, sytrf; minitorch's unblocked ones round a little
differently), which on such matrices differ by a few ulps.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import check, check_second_order, error_of, float_dtypes, graph, same_error

SETTINGS = settings(max_examples=10, deadline=None)


def orthogonal(rng, batch, n):
    q, r = np.linalg.qr(rng.standard_normal(batch + (n, n)))
    return q * np.sign(np.diagonal(r, 0, -2, -1))[..., None, :]


def well_conditioned(seed, batch, n, dtype=np.float64):
    """A general square matrix (batch) with singular values in [0.5, 2]."""
    rng = np.random.default_rng(seed)
    s = rng.uniform(0.5, 2, batch + (n,)) * rng.choice([-1, 1], batch + (n,))
    q1, q2 = orthogonal(rng, batch, n), orthogonal(rng, batch, n)
    return ((q1 * s[..., None, :]) @ np.swapaxes(q2, -1, -2)).astype(dtype)


def positive_definite(seed, batch, n, dtype=np.float64):
    rng = np.random.default_rng(seed)
    q = orthogonal(rng, batch, n)
    return ((q * rng.uniform(0.5, 2, batch + (n,))[..., None, :]) @ np.swapaxes(q, -1, -2)).astype(dtype)


def rhs(seed, shape, dtype=np.float64):
    return np.random.default_rng(seed + 1).standard_normal(shape).astype(dtype)


@st.composite
def problems(draw, max_n=4):
    """(seed, batch shape, n, dtype)."""
    return (draw(st.integers(0, 2 ** 31)), draw(st.sampled_from([(), (2,), (3,), (2, 1)])),
            draw(st.integers(1, max_n)), draw(float_dtypes))


# -- values, node names and gradients against torch ---------------------------------------------------------------
@SETTINGS
@given(problems())
def test_det_inv(problem):
    seed, batch, n, dtype = problem
    A = well_conditioned(seed, batch, n, dtype)
    check(lambda lib, a: lib.linalg.det(a), A)
    check(lambda lib, a: lib.det(a), A)
    check(lambda lib, a: lib.linalg.inv(a), A)
    check(lambda lib, a: a.inverse(), A)
    check(lambda lib, a: lib.linalg.inv_ex(a), A)


@SETTINGS
@given(problems(), st.sampled_from(["matrix", "vector", "batch of vectors", "broadcast"]), st.booleans())
def test_solve(problem, kind, left):
    seed, batch, n, dtype = problem
    A = well_conditioned(seed, batch, n, dtype)
    if kind == "vector":
        B = rhs(seed, (n,), dtype)
    elif kind == "batch of vectors":
        B = rhs(seed, batch + (n,), dtype)
    elif kind == "broadcast":  # B's batch broadcasts against A's
        B = rhs(seed, (3, 1) + batch[1:] + (n, 2), dtype) if batch else rhs(seed, (2, n, 2), dtype)
    else:
        B = rhs(seed, batch + (n, 3), dtype)
    if not left:
        if B.ndim == 1 or kind == "batch of vectors":
            return  # torch: no vector right-hand side for X A = B
        B = np.swapaxes(B, -1, -2).copy()
    check(lambda lib, a, b: lib.linalg.solve(a, b, left=left), A, B)
    check(lambda lib, a, b: lib.linalg.solve_ex(a, b, left=left), A, B)


@SETTINGS
@given(problems(), st.booleans(), st.booleans(), st.booleans())
def test_solve_triangular(problem, upper, left, unit):
    seed, batch, n, dtype = problem
    A = well_conditioned(seed, batch, n, dtype)
    A = A + 3 * np.eye(n, dtype=dtype)  # its triangles well-conditioned too
    B = rhs(seed, (2,) + batch + ((n, 3) if left else (3, n)), dtype)
    check(lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unit), A, B)
    B = rhs(seed, batch + (n, 2), dtype)
    for transpose in (False, True):
        with warnings.catch_warnings():  # (its deprecation warning, once per process, is checked below)
            warnings.simplefilter("ignore")
            check(lambda lib, b, a: lib.triangular_solve(b, a, upper, transpose, unit), B, A)


@SETTINGS
@given(problems(), st.booleans())
def test_cholesky(problem, upper):
    seed, batch, n, dtype = problem
    S = positive_definite(seed, batch, n, dtype)
    check(lambda lib, s: lib.linalg.cholesky(s, upper=upper), S)
    check(lambda lib, s: lib.linalg.cholesky_ex(s, upper=upper), S)
    factor = np.linalg.cholesky(S)
    factor = np.swapaxes(factor, -1, -2).copy() if upper else factor
    B = rhs(seed, batch + (n, 2), dtype)
    check(lambda lib, b, f: lib.cholesky_solve(b, f, upper), B, factor)
    check(lambda lib, f: lib.cholesky_inverse(f, upper), factor)


@SETTINGS
@given(problems(), st.sampled_from(["square", "wide", "tall"]))
def test_lu_factorizations(problem, shape):
    seed, batch, n, dtype = problem
    A = well_conditioned(seed, batch, n + 1, dtype)
    A = A[..., :n, :] if shape == "wide" else A[..., :, :n] if shape == "tall" else A
    A = np.ascontiguousarray(A)
    check(lambda lib, a: lib.linalg.lu_factor(a), A)
    check(lambda lib, a: lib.linalg.lu_factor_ex(a), A)
    check(lambda lib, a: lib.linalg.lu(a), A)
    LU, pivots = (t.numpy() for t in torch.linalg.lu_factor(torch.from_numpy(A)))
    check(lambda lib, lu: lib.lu_unpack(lu, lib.from_numpy(pivots)), LU)


@SETTINGS
@given(problems(), st.booleans(), st.booleans())
def test_lu_solve(problem, left, adjoint):
    seed, batch, n, dtype = problem
    LU, pivots = (t.numpy() for t in torch.linalg.lu_factor(torch.from_numpy(well_conditioned(seed, batch, n, dtype))))
    B = rhs(seed, batch + ((n, 2) if left else (2, n)), dtype)
    check(lambda lib, lu, b: lib.linalg.lu_solve(lu, lib.from_numpy(pivots), b, left=left, adjoint=adjoint), LU, B)


def test_lu_of_a_matrix_with_ties_and_zeros():
    """Partial pivoting takes the first of equal candidates (LAPACK's idamax), and a zero column leaves a zero
    pivot (info) without stopping."""
    A = np.array([[1.0, 2, 3], [-1, 2, 0], [1, -2, 3]])
    check(lambda lib, a: lib.linalg.lu_factor_ex(a), A)
    singular = np.array([[0.0, 1, 2], [0, 3, 4], [0, 5, 6]])
    check(lambda lib, a: lib.linalg.lu_factor_ex(a), singular, grad=False)


# -- second derivatives (torch's VJPs are differentiable, and so are minitorch's) -----------------------------------
SECOND_ORDER = {
    "det": (lambda lib, a: lib.linalg.det(a), "general"),
    "inv": (lambda lib, a: lib.linalg.inv(a), "general"),
    "solve": (lambda lib, a, b: lib.linalg.solve(a, b), "general+rhs"),
    "solve left=False": (lambda lib, a, b: lib.linalg.solve(a, b.mT, left=False), "general+rhs"),
    "solve_triangular": (lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True, unitriangular=True),
                         "general+rhs"),
    "cholesky": (lambda lib, s: lib.linalg.cholesky(s), "spd"),
    "cholesky upper": (lambda lib, s: lib.linalg.cholesky(s, upper=True), "spd"),
    "cholesky_solve": (lambda lib, s, b: lib.cholesky_solve(b, lib.linalg.cholesky(s)), "spd+rhs"),
    "cholesky_inverse": (lambda lib, s: lib.cholesky_inverse(lib.linalg.cholesky(s)), "spd"),
    "lu_factor": (lambda lib, a: lib.linalg.lu_factor(a).LU, "general"),
    "lu wide": (lambda lib, a: _l_and_u(lib, a[..., :2, :]), "general"),
    "lu tall": (lambda lib, a: _l_and_u(lib, a[..., :2]), "general"),
    "lu_solve": (lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b), "general+rhs"),
    "lu_solve adjoint": (lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, adjoint=True),
                         "general+rhs"),
    "lu_solve left=False": (lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b.mT, left=False),
                            "general+rhs"),
}


def _l_and_u(lib, a):
    _, L, U = lib.linalg.lu(a)
    return lib.cat([L.flatten(-2), U.flatten(-2)], -1)


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_order(name):
    fn, kind = SECOND_ORDER[name]
    A = positive_definite(7, (2,), 3) if kind.startswith("spd") else well_conditioned(7, (2,), 3)
    arrays = (A, rhs(7, (2, 3, 2))) if kind.endswith("rhs") else (A,)
    check_second_order(fn, *arrays)


def test_gradcheck():
    """The VJPs against finite differences, first and second order (minitorch alone)."""
    from minitorch.autograd import gradcheck, gradgradcheck
    A = minitorch.from_numpy(well_conditioned(3, (2,), 3)).requires_grad_()
    S = minitorch.from_numpy(positive_definite(3, (), 3)).requires_grad_()
    B = minitorch.from_numpy(rhs(3, (2, 3, 2))).requires_grad_()
    for fn, args in [(minitorch.linalg.det, (A,)), (minitorch.linalg.inv, (A,)), (minitorch.linalg.solve, (A, B)),
                     (lambda s: minitorch.linalg.cholesky(0.5 * (s + s.mT)), (S,)),
                     (lambda a: minitorch.linalg.lu_factor(a).LU, (A,)),
                     (lambda a, b: minitorch.linalg.solve_triangular(a, b, upper=False), (A, B))]:
        assert gradcheck(fn, args) and gradgradcheck(fn, args)


# -- the graph: torch's nodes ---------------------------------------------------------------------------------------
GRAPHS = {
    "det": lambda lib, a, b: lib.linalg.det(a),
    "inv": lambda lib, a, b: lib.linalg.inv(a),
    "solve": lambda lib, a, b: lib.linalg.solve(a, b),
    "solve vector": lambda lib, a, b: lib.linalg.solve(a, b[..., 0]),
    "solve_triangular": lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False, left=False),
    "cholesky": lambda lib, a, b: lib.linalg.cholesky(a @ a.mT),
    "lu_factor": lambda lib, a, b: lib.linalg.lu_factor(a)[0],
    "lu": lambda lib, a, b: lib.linalg.lu(a)[1:],
    "lu_unpack": lambda lib, a, b: lib.lu_unpack(*lib.linalg.lu_factor(a))[1:],
    "lu_solve": lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
    "ldl_factor": lambda lib, a, b: lib.linalg.ldl_factor(a @ a.mT)[0],
}


@pytest.mark.parametrize("name", GRAPHS)
def test_graph_as_torch(name):
    A, B = well_conditioned(1, (), 3), rhs(1, (3, 3))
    mine = GRAPHS[name](minitorch, minitorch.from_numpy(A).requires_grad_(), minitorch.from_numpy(B).requires_grad_())
    theirs = GRAPHS[name](torch, torch.from_numpy(A).requires_grad_(), torch.from_numpy(B).requires_grad_())
    mine, theirs = ((x,) if hasattr(x, "grad_fn") else x for x in (mine, theirs))
    for m, t in zip(mine, theirs):
        assert graph(m) == graph(t)


# -- det at singular matrices -----------------------------------------------------------------------------------------
SINGULAR = {  # the LU's arithmetic is exact in the first three (multipliers are powers of two): a zero pivot
    "exact zero pivot": np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]]),
    "rank 1": np.outer([1.0, 2, 4], [0.5, -1, 2]),
    "zero column": np.array([[0.0, 1, 2], [0, 3, 4], [0, 5, 7]]),
    # here the last pivot is exactly 0 or ~1e-16 depending on the CPU's kernels (fused multiply-adds), in torch
    # as in minitorch, and the first-order gradient with it (0, or the cofactors): only create_graph's is compared
    "rank 2, rounded pivot": np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]),
}


@pytest.mark.parametrize("name", SINGULAR)
def test_det_gradient_at_singular_matrices(name):
    """torch's first-order gradient solves with A's LU, a zero pivot replaced by eps; under create_graph it takes
    the cofactors from the SVD where |det| < 100 eps. minitorch follows both (the first gives zeros where the
    LU has an exact zero pivot, the second the true cofactor matrix)."""
    A = SINGULAR[name]
    for create_graph in ((True,) if name.startswith("rank 2") else (False, True)):
        grads = []
        for lib in (minitorch, torch):
            a = lib.from_numpy(A.copy()).requires_grad_()
            grads.append(lib.autograd.grad(lib.linalg.det(a), a, create_graph=create_graph)[0].detach().numpy())
        # torch's SVD-based cofactors (and the rounded pivot's tiny det) are accurate to ~1e-15 absolute only
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-8, atol=1e-12)
    # second order through the SVD branch, in a batch with an invertible matrix (each formula on its own matrices)
    batch = np.stack([A, well_conditioned(0, (), 3)])
    if name != "rank 1":  # repeated zero singular values: the SVD's derivative is NaN in both libraries
        check_second_order(lambda lib, a: lib.linalg.det(a), batch)


# -- ldl (no derivatives in torch) ------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 31), st.integers(1, 6), st.booleans())
def test_ldl(seed, n, zero_corner):
    """Bunch-Kaufman pivoting as LAPACK's sytrf: the same 1x1 and 2x2 blocks and pivots (a zero corner forces a
    2x2 block), and ldl_solve's solution."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((2, n, n))
    A = A + np.swapaxes(A, -1, -2) + (0 if zero_corner else 2 * n * np.eye(n))
    A[..., 0, 0] = 0 if zero_corner else A[..., 0, 0]
    B = rng.standard_normal((2, n, 2))
    check(lambda lib, a: lib.linalg.ldl_factor_ex(a), A, grad=False)
    LD, pivots, _ = (t.numpy() for t in torch.linalg.ldl_factor_ex(torch.from_numpy(A)))
    check(lambda lib, ld, b: lib.linalg.ldl_solve(ld, lib.from_numpy(pivots), b), LD, B, grad=False)


def test_ldl_has_no_derivative():
    S = positive_definite(0, (), 3)
    same_error(lambda lib, s: lib.linalg.ldl_factor(s.requires_grad_())[0].sum().backward(), S)
    B = rhs(0, (3, 1))
    same_error(lambda lib, s, b: lib.linalg.ldl_solve(*lib.linalg.ldl_factor(s), b.requires_grad_()).sum().backward(),
               S, B)


# -- torch's errors, word for word ------------------------------------------------------------------------------
SING = np.diag([1.0, 1.0, 0.0])
NONSQUARE = np.ones((2, 3))
EYE = np.eye(3)
I32 = np.ones((2, 2), np.int32)
ERRORS = {
    "inv singular": lambda lib: lib.linalg.inv(lib.from_numpy(SING)),
    "inv singular batch": lambda lib: lib.linalg.inv(lib.from_numpy(np.stack([EYE, SING]))),
    "inverse singular": lambda lib: lib.inverse(lib.from_numpy(SING)),
    "inv_ex check_errors": lambda lib: lib.linalg.inv_ex(lib.from_numpy(SING), check_errors=True),
    "inv non-square": lambda lib: lib.linalg.inv(lib.from_numpy(NONSQUARE)),
    "inv int": lambda lib: lib.linalg.inv(lib.from_numpy(I32)),
    "inv 1-d": lambda lib: lib.linalg.inv(lib.ones(3)),
    "det non-square": lambda lib: lib.det(lib.from_numpy(NONSQUARE)),
    "det int": lambda lib: lib.linalg.det(lib.from_numpy(I32)),
    "solve singular": lambda lib: lib.linalg.solve(lib.from_numpy(SING), lib.ones(3, dtype=lib.float64)),
    "solve singular batch": lambda lib: lib.linalg.solve(lib.from_numpy(np.stack([EYE, SING])),
                                                         lib.ones(3, dtype=lib.float64)),
    "solve shapes": lambda lib: lib.linalg.solve(lib.from_numpy(EYE), lib.ones(2, 2, dtype=lib.float64)),
    "solve dtypes": lambda lib: lib.linalg.solve(lib.from_numpy(EYE), lib.ones(3)),
    "solve batches": lambda lib: lib.linalg.solve(lib.from_numpy(EYE).expand(2, 3, 3),
                                                  lib.ones(3, 3, 1, dtype=lib.float64)),
    "solve 0-d": lambda lib: lib.linalg.solve(lib.from_numpy(EYE), lib.tensor(1.0, dtype=lib.float64)),
    "solve vector left=False": lambda lib: lib.linalg.solve(lib.from_numpy(EYE), lib.ones(3, dtype=lib.float64),
                                                            left=False),
    "solve_triangular shapes": lambda lib: lib.linalg.solve_triangular(lib.from_numpy(EYE), lib.ones(2, 1).double(),
                                                                       upper=True),
    "solve_triangular 1-d": lambda lib: lib.linalg.solve_triangular(lib.from_numpy(EYE), lib.ones(3).double(),
                                                                    upper=True),
    "solve_triangular int": lambda lib: lib.linalg.solve_triangular(lib.from_numpy(I32), lib.from_numpy(I32),
                                                                    upper=True),
    "triangular_solve shapes": lambda lib: lib.triangular_solve(lib.ones(2, 1).double(), lib.from_numpy(EYE)),
    "triangular_solve 1-d": lambda lib: lib.triangular_solve(lib.ones(3).double(), lib.from_numpy(EYE)),
    "triangular_solve dtypes": lambda lib: lib.triangular_solve(lib.ones(3, 1), lib.from_numpy(EYE)),
    "cholesky not positive-definite": lambda lib: lib.linalg.cholesky(lib.from_numpy(np.diag([1.0, 1.0, -1.0]))),
    "cholesky batch": lambda lib: lib.linalg.cholesky(lib.from_numpy(np.stack([EYE, -EYE]))),
    "cholesky_ex check_errors": lambda lib: lib.linalg.cholesky_ex(lib.from_numpy(-EYE), check_errors=True),
    "cholesky non-square": lambda lib: lib.linalg.cholesky(lib.from_numpy(NONSQUARE)),
    "cholesky int": lambda lib: lib.linalg.cholesky(lib.from_numpy(I32)),
    "torch.cholesky removed": lambda lib: lib.cholesky(lib.from_numpy(EYE)),
    "Tensor.cholesky removed": lambda lib: lib.from_numpy(EYE).cholesky(),
    "cholesky_solve shapes": lambda lib: lib.cholesky_solve(lib.ones(2, 1).double(), lib.from_numpy(EYE)),
    "cholesky_solve 1-d": lambda lib: lib.cholesky_solve(lib.ones(3).double(), lib.from_numpy(EYE)),
    "cholesky_inverse singular": lambda lib: lib.cholesky_inverse(lib.from_numpy(SING)),
    "cholesky_inverse non-square": lambda lib: lib.cholesky_inverse(lib.from_numpy(NONSQUARE)),
    "cholesky_inverse int": lambda lib: lib.cholesky_inverse(lib.from_numpy(I32)),
    "lu_factor singular": lambda lib: lib.linalg.lu_factor(lib.from_numpy(SING)),
    "lu_factor_ex check_errors": lambda lib: lib.linalg.lu_factor_ex(lib.from_numpy(SING), check_errors=True),
    "lu_factor no pivoting": lambda lib: lib.linalg.lu_factor(lib.from_numpy(EYE), pivot=False),
    "lu no pivoting": lambda lib: lib.linalg.lu(lib.from_numpy(EYE), pivot=False),
    "lu_factor 1-d": lambda lib: lib.linalg.lu_factor(lib.ones(3)),
    "lu 1-d": lambda lib: lib.linalg.lu(lib.ones(3)),
    "lu int": lambda lib: lib.linalg.lu(lib.from_numpy(I32)),
    "lu_unpack int64 pivots": lambda lib: lib.lu_unpack(lib.from_numpy(EYE), lib.tensor([1, 2, 3])),
    "lu_unpack bad pivots": lambda lib: lib.lu_unpack(lib.from_numpy(EYE), lib.tensor([4, 1, 1], dtype=lib.int32)),
    "lu_solve shapes": lambda lib: lib.linalg.lu_solve(lib.from_numpy(EYE), lib.tensor([1, 2, 3], dtype=lib.int32),
                                                       lib.ones(2, 1).double()),
    "lu_solve int64 pivots": lambda lib: lib.linalg.lu_solve(lib.from_numpy(EYE), lib.tensor([1, 2, 3]),
                                                             lib.ones(3, 1).double()),
    "lu_solve dtypes": lambda lib: lib.linalg.lu_solve(lib.from_numpy(EYE), lib.tensor([1, 2, 3], dtype=lib.int32),
                                                       lib.ones(3, 1)),
    "ldl non-square": lambda lib: lib.linalg.ldl_factor(lib.from_numpy(NONSQUARE)),
    "ldl int": lambda lib: lib.linalg.ldl_factor(lib.from_numpy(I32)),
    "ldl_solve 1-d": lambda lib: lib.linalg.ldl_solve(lib.from_numpy(EYE), lib.tensor([1, 2, 3], dtype=lib.int32),
                                                      lib.ones(3).double()),
    "ldl_solve dtypes": lambda lib: lib.linalg.ldl_solve(lib.from_numpy(EYE), lib.tensor([1, 2, 3], dtype=lib.int32),
                                                         lib.ones(3, 1)),
    "tensorinv shapes": lambda lib: lib.linalg.tensorinv(lib.ones(4, 2, 3).double(), ind=1),
    "tensorinv ind=0": lambda lib: lib.linalg.tensorinv(lib.ones(4, 2, 2).double(), ind=0),
    "tensorsolve shapes": lambda lib: lib.linalg.tensorsolve(lib.ones(2, 3, 5).double(), lib.ones(2, 3).double()),
    "lu_solve pivots": lambda lib: lib.linalg.lu_solve(lib.from_numpy(EYE), lib.tensor([1, 2], dtype=lib.int32),
                                                       lib.ones(3, 1).double()),
    "lu_solve 1-d LU": lambda lib: lib.linalg.lu_solve(lib.ones(3).double(), lib.tensor([1, 2, 3], dtype=lib.int32),
                                                       lib.ones(3, 1).double()),
    "tensorsolve dims": lambda lib: lib.linalg.tensorsolve(lib.eye(6).double().reshape(2, 3, 6), lib.ones(6).double(),
                                                           dims=(0,)),
    "vecdot dtypes": lambda lib: lib.linalg.vecdot(lib.ones(3).double(), lib.ones(3)),
    "vecdot int": lambda lib: lib.linalg.vecdot(lib.ones(3).long(), lib.ones(3).long()),
}


# float16: LAPACK has no kernels for it (each op names its own)
HALF = {
    "det": lambda lib, a, b, p: lib.linalg.det(a), "inv": lambda lib, a, b, p: lib.linalg.inv(a),
    "solve": lambda lib, a, b, p: lib.linalg.solve(a, b),
    "solve_triangular": lambda lib, a, b, p: lib.linalg.solve_triangular(a, b, upper=True),
    "cholesky": lambda lib, a, b, p: lib.linalg.cholesky(a),
    "cholesky_solve": lambda lib, a, b, p: lib.cholesky_solve(b, a),
    "cholesky_inverse": lambda lib, a, b, p: lib.cholesky_inverse(a), "lu": lambda lib, a, b, p: lib.linalg.lu(a),
    "lu_solve": lambda lib, a, b, p: lib.linalg.lu_solve(a, p, b), "ldl": lambda lib, a, b, p: lib.linalg.ldl_factor(a),
    "ldl_solve": lambda lib, a, b, p: lib.linalg.ldl_solve(a, p, b),
}
ERRORS.update({f"{name} float16": (lambda fn: lambda lib: fn(lib, lib.eye(3, dtype=lib.float16),
                                                               lib.ones(3, 1, dtype=lib.float16),
                                                               lib.tensor([1, 2, 3], dtype=lib.int32)))(fn)
               for name, fn in HALF.items()})


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    """The same message and the same kind of exception: torch's singular and not-positive-definite errors are its
    torch.linalg.LinAlgError (``_LinAlgError``, a RuntimeError), which minitorch.linalg.LinAlgError stands for."""
    theirs, mine = error_of(lambda: ERRORS[name](torch)), error_of(lambda: ERRORS[name](minitorch))
    assert theirs is not None and mine is not None, (theirs, mine)
    assert (mine[0].__name__, mine[1]) == (theirs[0].__name__, theirs[1])
    assert issubclass(mine[0], RuntimeError) == issubclass(theirs[0], RuntimeError)


def test_ex_variants_report_info_without_raising():
    for lib in (minitorch, torch):
        inverse, info = lib.linalg.inv_ex(lib.from_numpy(np.stack([EYE, SING])))
        assert info.tolist() == [0, 3] and str(info.dtype) == "torch.int32"
        assert np.isfinite(inverse[0].numpy()).all()
    for fn, args, expected in [("cholesky_ex", (np.stack([EYE, np.diag([1.0, -1.0, 1.0])]),), [0, 2]),
                               ("lu_factor_ex", (np.stack([SING, EYE]),), [3, 0]),
                               ("solve_ex", (np.stack([EYE, SING]), np.ones(3)), [0, 3])]:
        outs = [getattr(lib.linalg, fn)(*[lib.from_numpy(a) for a in args]) for lib in (minitorch, torch)]
        assert outs[0][-1].tolist() == outs[1][-1].tolist() == expected


def test_return_types():
    """The named results torch gives (fields and the printed form)."""
    A = well_conditioned(0, (), 2)
    for name in ["inv_ex", "cholesky_ex", "lu_factor", "lu_factor_ex", "lu", "ldl_factor", "ldl_factor_ex",
                 "solve_ex"]:
        args = (A @ A.T, np.ones((2, 1))) if name == "solve_ex" else (A @ A.T,)
        mine = getattr(minitorch.linalg, name)(*[minitorch.from_numpy(a) for a in args])
        theirs = getattr(torch.linalg, name)(*[torch.from_numpy(a) for a in args])
        assert repr(mine) == repr(theirs)
    lu_unpack = [lib.lu_unpack(*lib.linalg.lu_factor(lib.from_numpy(A))) for lib in (minitorch, torch)]
    assert repr(lu_unpack[0]) == repr(lu_unpack[1])


def test_multivariate_normal_uses_the_ops():
    """MultivariateNormal's factor is linalg.cholesky's and its precision matrix cholesky_inverse's, as in torch."""
    S = positive_definite(0, (), 3)
    mine = minitorch.distributions.MultivariateNormal(minitorch.zeros(3, dtype=minitorch.float64),
                                                      minitorch.from_numpy(S).requires_grad_())
    assert mine.scale_tril.grad_fn.name() == "ExpandBackward0"
    assert mine.precision_matrix.grad_fn.next_functions[0][0].name() == "CholeskyInverseBackward0"
