"""The Cholesky factorization and what uses it: linalg.cholesky, cholesky_ex, cholesky_solve, cholesky_inverse, and
torch.cholesky (removed from torch: it raises, pointing at linalg.cholesky).

A = L Lᵀ for a symmetric positive-definite A, L lower triangular with a positive diagonal (``upper``: A = Uᵀ U,
U = Lᵀ). Its VJP, from differentiating A = L Lᵀ (docs/linalg_vjps.md has the derivation):

    dA = dL Lᵀ + L dLᵀ   ⇒   L⁻¹ dA L⁻ᵀ = L⁻¹ dL + (L⁻¹ dL)ᵀ,

and L⁻¹ dL is lower triangular, so it is Φ(L⁻¹ dA L⁻ᵀ), Φ = the lower triangle with the diagonal halved. Taking
the adjoint of dL = L Φ(L⁻¹ dA L⁻ᵀ):   gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, symmetrized (A is symmetric, so is its gradient).
"""
import numpy as np

from .linalg import _check_square, matmul
from .linalg_numpy import cholesky as _potrf, triangular_solve
from .linalg_solve import check_legacy_solver, raise_info, require_kernel, return_type, solve_triangular
from .diagonal import tril
from .op import Op


class LinalgCholeskyEx(Op):
    """L with A = L Lᵀ (U = Lᵀ with ``upper``), from the lower (upper) triangle of A.
    VJP (torch's cholesky_backward, Iain Murray's formula):  gA = tril(Lᵀ gL);  gA = ½(gA + strictly-lower(gA)ᵀ)
    (the lower triangle with its diagonal halved, made symmetric);  gA = L⁻ᵀ gA L⁻¹ by two triangular solves.
    With ``upper``, L = Uᵀ and gL = gUᵀ first."""
    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper):
        L, info = _potrf(np.swapaxes(a, -1, -2) if upper else a)  # the upper triangle of A is the lower of Aᵀ
        L = np.swapaxes(L, -1, -2) if upper else L
        ctx.upper = upper
        ctx.save_for_backward(L)
        return L, info

    @staticmethod
    def backward(ctx, g, _):
        L, = ctx.saved_tensors
        if ctx.upper:
            L, g = L.mT, g.mT
        gA = tril(matmul(L.mT, g))
        gA = 0.5 * (gA + tril(gA, -1).mT)
        gA = solve_triangular(L.mT, gA, upper=True)
        return solve_triangular(L, gA, upper=False, left=False)


linalg_cholesky_ex_return = return_type("linalg_cholesky_ex", ["L", "info"])


def _not_positive_definite(i):
    return (f"The factorization could not be completed because the input is not positive-definite (the leading minor "
            f"of order {i} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False):
    """torch.linalg.cholesky_ex: (L, info), info the order of the first leading minor of A that is not
    positive-definite (0: none; L is then only partly computed, as LAPACK's potrf leaves it)."""
    _check_square(A, "linalg.cholesky")
    require_kernel(A, "cholesky_cpu")
    L, info = LinalgCholeskyEx.apply(A, bool(upper))
    if check_errors:
        raise_info(info._data, "linalg.cholesky_ex", _not_positive_definite)
    return linalg_cholesky_ex_return(L, info)


def cholesky(A, *, upper=False):
    """torch.linalg.cholesky: L (lower triangular, A = L Lᵀ) or U = Lᵀ; torch's error where A is not
    positive-definite."""
    L, info = cholesky_ex(A, upper=upper)
    raise_info(info._data, "linalg.cholesky", _not_positive_definite)
    return L


def removed_cholesky(input, upper=False, *, out=None):
    """torch.cholesky and Tensor.cholesky: removed from torch, which raises this error."""
    raise RuntimeError(
        "This function was deprecated since version 1.9 and is now removed. `torch.cholesky` is deprecated in favor "
        "of `torch.linalg.cholesky`.\nL = torch.cholesky(A) should be replaced with:\nL = torch.linalg.cholesky(A)\n"
        "U = torch.cholesky(A, upper=True) should be replaced with:\nU = torch.linalg.cholesky(A).mH")


def _through_factor(gA, factor, upper):
    """The gradient of L from a gradient gA of A = L Lᵀ: dA = dL Lᵀ + L dLᵀ gives gL = (gA + gAᵀ) L (and
    gU = U (gA + gAᵀ) for A = Uᵀ U). Not kept to L's triangle: torch's cholesky_solve and cholesky_inverse read
    only the triangle, but their gradients are these full matrices."""
    s = gA + gA.mT
    return matmul(factor, s) if upper else matmul(s, factor)


class CholeskySolve(Op):
    """X = A⁻¹ B with A = L Lᵀ (= Uᵀ U with ``upper``) given by its factor.
    VJP (torch's cholesky_solve_backward): the solve's, gB = A⁻¹ gX (cholesky_solve again) and gA = -gB Xᵀ,
    then gA through A = L Lᵀ (_through_factor)."""
    node_name = "CholeskySolveBackward0"

    @staticmethod
    def forward(ctx, b, factor, upper):
        L = np.swapaxes(factor, -1, -2) if upper else factor
        y = _solve(L, b, upper=False)
        x = _solve(np.swapaxes(L, -1, -2), y, upper=True).astype(b.dtype, copy=False)
        ctx.upper = upper
        ctx.save_for_backward(factor, x)
        return x

    @staticmethod
    def backward(ctx, g):
        factor, x = ctx.saved_tensors
        gb = cholesky_solve(g, factor, ctx.upper)
        return gb, (_through_factor(-matmul(gb, x.mT), factor, ctx.upper) if ctx.needs_input_grad[1] else None)


def _solve(t, b, upper):
    """A substitution with the triangle of ``t`` (LAPACK's potrs and potri read only that triangle)."""
    return triangular_solve(np.triu(t) if upper else np.tril(t), b, upper)


def cholesky_solve(input, input2, upper=False):
    """torch.cholesky_solve(B, L): X with (L Lᵀ) X = B, from the Cholesky factor L (U with ``upper``)."""
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead")
    if input2.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.ndim} dimensions instead")
    check_legacy_solver(input, input2, "cholesky_solve")
    require_kernel(input2, "cholesky_solve_cpu")
    return CholeskySolve.apply(input, input2, bool(upper))


class CholeskyInverse(Op):
    """Z = (L Lᵀ)⁻¹ (= (Uᵀ U)⁻¹ with ``upper``) from the factor.
    VJP (torch's cholesky_inverse_backward): the inverse's, gA = -Zᵀ g Zᵀ, through A = L Lᵀ (_through_factor)."""
    node_name = "CholeskyInverseBackward0"

    @staticmethod
    def forward(ctx, factor, upper):
        L = np.swapaxes(factor, -1, -2) if upper else factor
        diag = np.diagonal(L, 0, -2, -1)
        info = np.where((diag == 0).any(-1), np.argmax(diag == 0, -1) + 1, 0) if diag.shape[-1] else \
            np.zeros(diag.shape[:-1], np.int32)
        raise_info(info, "cholesky_inverse", lambda i: f"The diagonal element {i} is zero, the inversion could not "
                                                       "be completed because the input matrix is singular.")
        eye = np.broadcast_to(np.eye(L.shape[-1], dtype=L.dtype), L.shape)
        linv = _solve(L, eye, upper=False)
        z = (np.swapaxes(linv, -1, -2) @ linv).astype(factor.dtype, copy=False)
        ctx.upper = upper
        ctx.save_for_backward(factor, z)
        return z

    @staticmethod
    def backward(ctx, g):
        factor, z = ctx.saved_tensors
        return _through_factor(-matmul(z.mT, matmul(g, z.mT)), factor, ctx.upper)


def cholesky_inverse(input, upper=False):
    """torch.cholesky_inverse(L): A⁻¹ for A = L Lᵀ (Uᵀ U with ``upper``), from the Cholesky factor."""
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are {input.shape[-2]} "
                           f"by {input.shape[-1]} matrices")
    require_kernel(input, "cholesky_inverse_out_cpu")
    return CholeskyInverse.apply(input, bool(upper))
