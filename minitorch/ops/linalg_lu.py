"""The LU factorization and what uses it: linalg.lu_factor, lu_factor_ex, lu, lu_solve, torch.lu_unpack, and the
older torch.lu and torch.lu_solve.

P A = L U with partial pivoting (LAPACK's getrf, ops/linalg_numpy.py), L unit lower triangular (m x k), U upper
triangular (k x n), k = min(m, n). The VJP of a square A (docs/linalg_vjps.md derives it): differentiating
A = P L U, M = L⁻¹ Pᵀ dA U⁻¹ = L⁻¹ dL + dU U⁻¹ splits into its strictly lower part L⁻¹ dL (L has a unit
diagonal) and its upper part dU U⁻¹, so

    gA = P L⁻ᵀ [ tril(Lᵀ gL, -1) + triu(gU Uᵀ) ] U⁻ᵀ.

A wide A = P L [U₁ U₂] is the square LU of its first m columns plus U₂ = L⁻¹ Pᵀ A₂; a tall one the square LU of
its first n rows (after P) plus L₂ = A₂ U⁻¹: the extra block adds one term to the bracket and one block to gA.
"""
import numpy as np

from ..tensor import _make
from . import linalg_numpy as lapack
from .diagonal import tril, triu
from .linalg import matmul
from .linalg_solve import (check_solver, check_square_batches, raise_info, require_kernel, return_type,
                           solve_triangular, warn_deprecated)
from .op import Op
from .shape import cat


def linalg_lu_backward(gL, gU, P, L, U):
    """gA for A = P L U from the gradients of L and U (either may be None), for square, wide and tall A."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    zero = lambda t: t * 0  # noqa: E731 - a missing gradient, as zeros shaped like its factor
    gL = zero(L) if gL is None else gL
    gU = zero(U) if gU is None else gU
    if m <= n:  # square or wide: L is m x m, U = [U₁ U₂]
        U1, gU1, U2, gU2 = U[..., :k], gU[..., :k], U[..., k:], gU[..., k:]
        low = matmul(L.mT, gL) - (matmul(gU2, U2.mT) if m < n else 0)  # the U₂ = L⁻¹ Pᵀ A₂ term
        gR = tril(low, -1) + triu(matmul(gU1, U1.mT))
        gA = solve_triangular(U1.mT, gR, upper=False, left=False)
        if m < n:
            gA = cat([gA, gU2], -1)
        return matmul(P, solve_triangular(L.mT, gA, upper=True, unitriangular=True))
    # tall: L = [L₁; L₂] is m x n, U is n x n
    L1, gL1, L2, gL2 = L[..., :k, :], gL[..., :k, :], L[..., k:, :], gL[..., k:, :]
    gR = tril(matmul(L1.mT, gL1), -1) + triu(matmul(gU, U.mT) - matmul(L2.mT, gL2))  # L₂ = A₂ U⁻¹'s term
    gA = cat([solve_triangular(L1.mT, gR, upper=True, unitriangular=True), gL2], -2)
    return matmul(P, solve_triangular(U.mT, gA, upper=False, left=False))


# -- unpacking ------------------------------------------------------------------------------------------------------
def _unpack_arrays(lu):
    """L (unit lower, m x k) and U (upper, k x n) out of LAPACK's packed LU."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    return L, np.triu(lu[..., :k, :])


class LuUnpack(Op):
    """(P, L, U) out of (LU, pivots): L its strictly lower part plus I, U its upper part, P from the row swaps.
    VJP (torch's lu_unpack_backward): gLU = tril(gL, -1) + triu(gU), each read where it is stored in LU
    (a wide LU stores U's extra columns, a tall one L's extra rows). P has no gradient."""
    node_name = "LuUnpackBackward0"

    @staticmethod
    def forward(ctx, lu, pivots, unpack_data, unpack_pivots):
        empty = np.zeros(0, lu.dtype)
        P = lapack.permutation(pivots, lu.shape[-2], lu.dtype) if unpack_pivots else empty
        L, U = _unpack_arrays(lu) if unpack_data else (empty.copy(), empty.copy())
        ctx.mark_non_differentiable(*([P] if unpack_data else [P, L, U]))
        ctx.set_materialize_grads(False)
        ctx.shape = lu.shape
        return P, L, U

    @staticmethod
    def backward(ctx, gP, gL, gU):
        (m, n), batch = ctx.shape[-2:], ctx.shape[:-2]
        k = min(m, n)
        parts = []
        if gL is not None:
            parts.append(cat([tril(gL, -1), _make(np.zeros(batch + (m, n - k), gL.dtype.np))], -1))
        if gU is not None:
            parts.append(cat([triu(gU), _make(np.zeros(batch + (m - k, n), gU.dtype.np))], -2))
        return sum(parts[1:], parts[0]) if parts else None


lu_unpack_return = return_type("lu_unpack", ["P", "L", "U"])


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """torch.lu_unpack: (P, L, U) with A = P L U from linalg.lu_factor's (LU, pivots); an empty tensor for the
    parts not asked for."""
    if LU_pivots.dtype.name != "int32":
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    pivots = LU_pivots._data
    if unpack_pivots and pivots.size and (pivots.min() < 1 or pivots.max() > LU_data.shape[-2]):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive."
                           "Did you properly pass the result of lu_factor?")
    return lu_unpack_return(*LuUnpack.apply(LU_data, pivots, bool(unpack_data), bool(unpack_pivots)))


# -- factorizing ------------------------------------------------------------------------------------------------------
class LinalgLuFactorEx(Op):
    """(LU, pivots, info): P A = L U packed as LAPACK's getrf packs it.
    VJP: the LU VJP (linalg_lu_backward) with gL = the strictly lower part of g (L's extra rows for a tall A),
    gU = its upper part, L and U unpacked from the output (so that it differentiates again)."""
    node_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, a):
        lu, pivots, info = lapack.lu_factor(a)
        ctx.save_for_backward(lu)
        ctx.pivots = pivots
        return lu, pivots, info

    @staticmethod
    def backward(ctx, g, _, __):
        lu, = ctx.saved_tensors
        P, L, U = LuUnpack.apply(lu, ctx.pivots, True, True)
        k = min(lu.shape[-2:])
        return linalg_lu_backward(tril(g[..., :, :k], -1), triu(g[..., :k, :]), P, L, U)


class LinalgLu(Op):
    """(P, L, U) with A = P L U.   VJP: linalg_lu_backward (P has no gradient)."""
    node_name = "LinalgLuBackward0"

    @staticmethod
    def forward(ctx, a):
        lu, pivots, _ = lapack.lu_factor(a)
        P = lapack.permutation(pivots, a.shape[-2], a.dtype)
        L, U = _unpack_arrays(lu)
        ctx.mark_non_differentiable(P)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(P, L, U)
        return P, L, U

    @staticmethod
    def backward(ctx, gP, gL, gU):
        if gL is None and gU is None:
            return None
        return linalg_lu_backward(gL, gU, *ctx.saved_tensors)


def _check_lu(A, name):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    require_kernel(A, "lu_cpu")


def _no_pivoting(pivot):
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def _zero_pivot(i):
    return (f"U[{i},{i}] is zero and using it on lu_solve would result in a division by zero. If you still want to "
            "perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


linalg_lu_factor_ex_return = return_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
linalg_lu_factor_return = return_type("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_return = return_type("linalg_lu", ["P", "L", "U"])
lu_with_info_return = return_type("_lu_with_info", ["LU", "pivots", "infos"])


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """torch.linalg.lu_factor_ex: (LU, pivots, info), info the first zero diagonal element of U (1-based)."""
    _check_lu(A, "torch.lu_factor")
    _no_pivoting(pivot)
    out = linalg_lu_factor_ex_return(*LinalgLuFactorEx.apply(A))
    if check_errors:
        raise_info(out.info._data, "torch.linalg.lu_factor_ex", _zero_pivot, RuntimeError)
    return out


def lu_factor(A, *, pivot=True):
    """torch.linalg.lu_factor: (LU, pivots) for lu_solve and lu_unpack; an error where U has a zero on its diagonal."""
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    raise_info(info._data, "torch.linalg.lu_factor", _zero_pivot, RuntimeError)
    return linalg_lu_factor_return(LU, pivots)


def lu(A, *, pivot=True):
    """torch.linalg.lu: (P, L, U) with A = P L U."""
    _check_lu(A, "linalg.lu")
    _no_pivoting(pivot)
    return linalg_lu_return(*LinalgLu.apply(A))


def torch_lu(A, pivot=True, get_infos=False):
    """torch.lu (and Tensor.lu), the older lu_factor: (LU, pivots), with the infos if asked, never raising."""
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    warn_deprecated("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
                    "will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be "
                    "replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = "
                    "torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
                    "torch.linalg.lu_factor_ex(A, compute_pivots)")
    return lu_with_info_return(LU, pivots, info) if get_infos else (LU, pivots)


# -- solving ----------------------------------------------------------------------------------------------------------
class LinalgLuSolve(Op):
    """X with A X = B, Aᵀ X = B (``adjoint``), X A = B (not ``left``) or X Aᵀ = B, A = P L U from (LU, pivots).
    VJP: gB = the solve with the adjoint flag flipped (A⁻ᵀ gX for A X = B);  gLU (torch's linalg_lu_solve_LU),
    for A X = B: gR = -U⁻ᵀ gX Xᵀ,  gLU = tril(L⁻ᵀ gR Uᵀ, -1) + triu(gR); for Aᵀ X = B (left == adjoint) the
    roles of L and U swap: gR = L⁻ᵀ(-Pᵀ X gXᵀ P),  gLU = tril(gR, -1) + triu(Lᵀ gR U⁻ᵀ)."""
    node_name = "LinalgLuSolveBackward0"

    @staticmethod
    def forward(ctx, lu, b, pivots, left, adjoint):
        if left:
            x = lapack.lu_solve(lu, pivots, b, adjoint)
        else:  # X A = B ⇔ Aᵀ Xᵀ = Bᵀ
            x = np.swapaxes(lapack.lu_solve(lu, pivots, np.swapaxes(b, -1, -2), not adjoint), -1, -2)
        x = x.astype(b.dtype, copy=False)
        ctx.pivots, ctx.flags = pivots, (left, adjoint)
        ctx.save_for_backward(lu, x)
        return x

    @staticmethod
    def backward(ctx, g):
        lu, x = ctx.saved_tensors
        left, adjoint = ctx.flags
        pivots = _make(ctx.pivots)
        gB = lu_solve(lu, pivots, g, left=left, adjoint=not adjoint) if ctx.needs_input_grad[1] else None
        gLU = None
        if ctx.needs_input_grad[0]:
            P, L, U = LuUnpack.apply(lu, ctx.pivots, True, True)
            if left != adjoint:
                gR = solve_triangular(U.mT, -matmul(g, x.mT) if left else -matmul(g.mT, x), upper=False)
                gL = solve_triangular(L.mT, matmul(gR, U.mT), upper=True, unitriangular=True)
                gLU = tril(gL, -1) + triu(gR)
            else:
                gR = -matmul(matmul(matmul(P.mT, x if left else x.mT), g.mT if left else g), P)
                gR = solve_triangular(L.mT, gR, upper=True, left=False, unitriangular=True)
                gU = solve_triangular(U.mT, matmul(L.mT, gR), upper=False, left=False)
                gLU = tril(gR, -1) + triu(gU)
        return gLU, gB


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """torch.linalg.lu_solve: the solution of A X = B (or the other three forms) from linalg.lu_factor's output."""
    check_square_batches(LU, "torch.linalg.lu_solve")  # LU alone first, under this name, as torch
    check_solver(LU, B, left, "linalg.lu_solve")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{LU.dtype.scalar_name} and B of type {B.dtype.scalar_name} instead")
    if pivots.dtype.name != "int32":
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if pivots.ndim == 0 or pivots.shape[-1] != LU.shape[-1]:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    require_kernel(LU, "linalg.lu_solve_cpu")
    return LinalgLuSolve.apply(LU, B, pivots._data, bool(left), bool(adjoint))


def torch_lu_solve(b, LU_data, LU_pivots):
    """torch.lu_solve (and Tensor.lu_solve), the older linalg.lu_solve with its arguments in another order."""
    x = lu_solve(LU_data, LU_pivots, b)
    warn_deprecated("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed "
                    "in a future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                    "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    return x
