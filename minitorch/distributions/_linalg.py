"""The linear algebra MultivariateNormal needs, as minitorch ops: the Cholesky factor, triangular solves, the
diagonal and the lower triangle of (batches of) matrices.

Forward in NumPy, backward in Tensor operations (the VJPs are torch's: linalg_solve_triangular's and
cholesky_backward in torch's FunctionsManual.cpp), so they differentiate twice.
"""
import numpy as np

from ..ops.op import Op
from ..tensor import _make


def _tril_mask(n, dtype, diagonal=0):
    return _make(np.tril(np.ones((n, n), dtype), diagonal))


def tril(a, diagonal=0):
    """The lower triangle of the last two dims, as a product with a constant 0/1 mask (so its VJP is the same
    mask on the gradient)."""
    return a * _tril_mask(a.shape[-1], a._data.dtype, diagonal)


def diagonal(a):
    """The diagonals of the last two dims: the product with the identity, summed over the last dim."""
    return (a * _make(np.eye(a.shape[-1], dtype=a._data.dtype))).sum(-1)


def diag_embed(d):
    """Square matrices with ``d``'s last dim on their diagonals."""
    return d.unsqueeze(-1) * _make(np.eye(d.shape[-1], dtype=d._data.dtype))


class SolveTriangular(Op):
    """X = A⁻¹ B, A triangular (lower unless ``upper``).   VJP: dB = A⁻ᵀ G,  dA = -tri(dB Xᵀ)."""
    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, A, B, upper):
        ctx.upper = upper
        A_in = A  # saved itself, not its triangle, so that the VJP stays differentiable in A
        A = np.triu(A) if upper else np.tril(A)  # only the triangle counts, as in LAPACK's trtrs
        batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])  # the matrices' dims do not broadcast
        A_, B_ = np.broadcast_to(A, batch + A.shape[-2:]), np.broadcast_to(B, batch + B.shape[-2:])
        X = np.linalg.solve(A_, B_) if A.shape[-1] else np.zeros(B_.shape, B.dtype)
        ctx.save_for_backward(A_in, X)
        return X

    @staticmethod
    def backward(ctx, g):
        A, X = ctx.saved_tensors
        dA, dB = ctx.needs_input_grad
        A = tril(A.mT).mT if ctx.upper else tril(A)
        gB = solve_triangular(A.mT, g, upper=not ctx.upper)
        gA = None
        if dA:
            gA = -(gB @ X.mT)
            gA = gA.mT if ctx.upper else gA
            gA = tril(gA).mT if ctx.upper else tril(gA)
        return gA, (gB if dB else None)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: X with A X = B (``left``) or X A = B, A upper or lower triangular, its
    diagonal taken as ones if ``unitriangular``. X A = B is Aᵀ Xᵀ = Bᵀ, with the other triangle."""
    if unitriangular:  # the diagonal is not read: ones in its place (and no gradient for it)
        eye = _make(np.eye(A.shape[-1], dtype=A._data.dtype))
        A = A * (1 - eye) + eye
    if not left:
        return SolveTriangular.apply(A.mT, B.mT, not upper).mT
    return SolveTriangular.apply(A, B, upper)


class Cholesky(Op):
    """L = chol(A), A = L Lᵀ, L lower triangular.   VJP: dA = L⁻ᵀ Φ(Lᵀ G) L⁻¹, Φ(M) = the lower triangle of
    M with its diagonal halved, symmetrised: ½(Φ + Φᵀ)."""
    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            L = np.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            raise RuntimeError("linalg.cholesky: The factorization could not be completed because the input is "
                               "not positive-definite.") from None
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        gA = tril(L.mT @ g)
        gA = 0.5 * (gA + tril(gA, -1).mT)
        gA = solve_triangular(L.mT, gA, upper=True)
        return solve_triangular(L.mT, gA.mT, upper=True).mT  # X L = B  ⇔  Lᵀ Xᵀ = Bᵀ


def cholesky(A):
    return Cholesky.apply(A)
