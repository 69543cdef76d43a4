"""The LDL factorization of symmetric matrices: linalg.ldl_factor, ldl_factor_ex, ldl_solve (real matrices, so
``hermitian`` changes nothing).

P A Pᵀ = L D Lᵀ with Bunch-Kaufman pivoting and D made of 1x1 and 2x2 blocks (LAPACK's sytrf and sytrs,
ops/linalg_numpy.py), in LAPACK's packed form. torch has no derivative for either op: their outputs record a
node that raises when the backward pass reaches it (torch::autograd::NotImplemented); so do minitorch's.
"""
import numpy as np

from . import linalg_numpy as lapack
from .linalg import _check_square
from .linalg_solve import check_legacy_solver, raise_info, require_kernel, return_type
from .op import Op


class _NotDifferentiable(Op):
    """An op whose outputs require grad (as torch's) but whose backward raises: torch has no formula for it."""
    node_name = "torch::autograd::NotImplemented"
    aten_name = None

    @classmethod
    def backward(cls, ctx, *grads):
        raise RuntimeError(f"derivative for aten::{cls.aten_name} is not implemented")


class LinalgLdlFactorEx(_NotDifferentiable):
    """(LD, pivots, info) of sytrf."""
    node_name = _NotDifferentiable.node_name  # (each op class names its node)
    aten_name = "linalg_ldl_factor_ex"

    @staticmethod
    def forward(ctx, a):
        return lapack.ldl_factor(a)


class LinalgLdlSolve(_NotDifferentiable):
    """X with A X = B, A from sytrf's (LD, pivots)."""
    node_name = _NotDifferentiable.node_name
    aten_name = "linalg_ldl_solve"

    @staticmethod
    def forward(ctx, ld, b, pivots):
        return lapack.ldl_solve(ld, pivots, b).astype(b.dtype, copy=False)


linalg_ldl_factor_ex_return = return_type("linalg_ldl_factor_ex", ["LD", "pivots", "info"])
linalg_ldl_factor_return = return_type("linalg_ldl_factor", ["LD", "pivots"])


def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """torch.linalg.ldl_factor_ex: (LD, pivots, info), info the first exactly zero 1x1 block of D (1-based), else 0."""
    _check_square(A, "torch.linalg.ldl_factor_ex")
    require_kernel(A, "ldl_factor_kernel_cpu")
    out = linalg_ldl_factor_ex_return(*LinalgLdlFactorEx.apply(A))
    if check_errors:
        _unknown_error(out.info, "torch.linalg.ldl_factor_ex")
    return out


def _unknown_error(info, name):
    """torch 2.14.1 does not word this error (its message is an internal assertion, "Unknown error code"); the
    part of it that is about the input, after "(Batch element i): " for a batch."""
    raise_info(np.asarray(info._data), name, lambda i: f"Unknown error code: {i}.", RuntimeError)


def ldl_factor(A, *, hermitian=False):
    """torch.linalg.ldl_factor: (LD, pivots) for ldl_solve; an error where D is singular."""
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    _unknown_error(info, "torch.linalg.ldl_factor")
    return linalg_ldl_factor_return(LD, pivots)


def ldl_solve(LD, pivots, B, *, hermitian=False):
    """torch.linalg.ldl_solve: X with A X = B, A given by ldl_factor's (LD, pivots)."""
    if LD.shape[-1] != LD.shape[-2]:
        raise RuntimeError(f"torch.linalg.ldl_solve: A must be batches of square matrices, but they are "
                           f"{LD.shape[-2]} by {LD.shape[-1]} matrices")
    if B.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(B.ndim, 1)}, "
                         f"{max(B.ndim, 1) - 1}], but got -2)")
    check_legacy_solver(B, LD, "torch.linalg.ldl_solve")
    require_kernel(LD, "ldl_solve_kernel_cpu")
    return LinalgLdlSolve.apply(LD, B, pivots._data)
