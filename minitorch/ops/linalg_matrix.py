"""Functions of a matrix: ``linalg.matrix_power`` (repeated squaring, composed as torch composes it),
``linalg.matrix_exp`` (Padé approximation with scaling and squaring; its VJP is the instructive block-matrix
trick), ``linalg.cond`` and ``linalg.vander``.
"""
import numpy as np

from ..tensor import _make
from .linalg import LinalgInv, matmul, matrix_norm, svdvals
from .linalg_spectral import check_matrix, eye_like
from .op import Op
from .scan import cumprod
from .shape import cat


# -- matrix_power --------------------------------------------------------------------------------------------------
def matrix_power(A, n):
    """torch.linalg.matrix_power: Aⁿ by binary powering, with torch's graph: n = 0 is the identity copied into a
    clone of A (zero gradient), n = 1 a clone, n < 0 the power of A⁻¹, n = 2 and 3 plain products."""
    check_matrix(A, "linalg.matrix_power", square=True, floating=False)
    if n == 0:
        return A.clone().copy_(eye_like(A.shape[-1], A))
    if n == 1:
        return A.clone()
    if n < 0:
        if not A.is_floating_point():
            raise RuntimeError(f"linalg.inv: Expected a floating point or complex tensor as input. Got "
                               f"{A.dtype.scalar_name}")
        A, n = LinalgInv.apply(A), -n
        if n == 1:
            return A
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:  # from the least significant bit: z = A^(2^i), multiplied in where bit i is set
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


# -- matrix_exp ----------------------------------------------------------------------------------------------------
# Higham (2005), "The scaling and squaring method for the matrix exponential revisited": the [13/13] Padé
# approximant is accurate to double precision for ||A||₁ <= θ₁₃; larger matrices are scaled by 2⁻ˢ first and the
# result squared s times (e^A = (e^(A/2ˢ))^(2ˢ)).
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm(a):
    """e^A for a batch of float64 matrices: Padé [13/13], scaling and squaring."""
    b = _PADE13
    norm = np.abs(a).sum(-2).max(-1, initial=0)
    s = np.where(norm > _THETA13, np.ceil(np.log2(np.maximum(norm, _THETA13) / _THETA13)), 0).astype(np.int64)
    a = a / (2.0 ** s)[..., None, None]
    eye = np.eye(a.shape[-1])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for k in range(int(s.max(initial=0))):  # each matrix squared its own s times
        more = s > k
        r = np.where(more[..., None, None], r @ r, r)
    return r


class LinalgMatrixExp(Op):
    """Z = e^A = Σ Aᵏ/k!.

    VJP: gA = ∫₀¹ e^(sAᵀ) g e^((1-s)Aᵀ) ds, the top-right block of exp([[Aᵀ, g], [0, Aᵀ]]) (the exponential of
    a block upper-triangular matrix carries that integral in its corner). It is the matrix_exp of a 2n x 2n
    matrix, so it differentiates again the same way."""
    node_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        if a.shape[-1] == 0:
            return a.copy()
        # in float64 (a float32 input is rounded once, at the end)
        return _expm(a.astype(np.float64)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        n = a.shape[-1]
        at = a.mT
        top = cat([at, g], -1)
        bottom = cat([at.new_zeros(at.shape), at], -1)
        return LinalgMatrixExp.apply(cat([top, bottom], -2)).narrow(-2, 0, n).narrow(-1, n, n)


def matrix_exp(A):
    """torch.linalg.matrix_exp (and torch.matrix_exp)."""
    check_matrix(A, "linalg.matrix_exp", square=True)
    return LinalgMatrixExp.apply(A)


# -- cond ----------------------------------------------------------------------------------------------------------
def _inv_ex(A):
    """A⁻¹ with inf for the singular matrices of a batch (torch's linalg_inv_ex + masked_fill in cond)."""
    a = A._data
    singular = np.zeros(a.shape[:-2], bool)
    for index in np.ndindex(*a.shape[:-2]):
        try:
            np.linalg.inv(a[index])
        except np.linalg.LinAlgError:
            singular[index] = True
    if not singular.any():
        return LinalgInv.apply(A)
    mask = _make(singular[..., None, None])
    safe = A.masked_fill(mask, 0) + mask * eye_like(a.shape[-1], A)  # the identity where A is singular
    return LinalgInv.apply(safe).masked_fill(mask, float("inf"))


def cond(A, p=None):
    """torch.linalg.cond: κ_p(A) = ||A||_p ||A⁻¹||_p; for p = None or ±2 the ratio of the extreme singular values
    (of any matrix, square or not); for 1, inf and 'fro' NaNs of 0·inf become inf (a singular matrix has κ = inf).

    Unlike torch 2.14.1, whose backward for p in (±1, ±inf, 'fro') raises (it writes inf into the saved inverse
    in place), these have a gradient (checked against finite differences in tests/test_linalg_spectral.py)."""
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    ord = 2 if p is None else p
    if not (ord in ("fro", "nuc") or not isinstance(ord, str) and abs(ord) in (1, 2, float("inf"))):
        raise ValueError(f"linalg.cond got an invalid norm type: {ord}")
    if A.numel() == 0:
        check_matrix(A, "linalg.cond", square=not (not isinstance(ord, str) and abs(ord) == 2))
        return _make(np.zeros(A.shape[:-2], A.dtype.np))
    if not isinstance(ord, str) and abs(ord) == 2:
        s = svdvals(A)
        s_max, s_min = s.narrow(-1, 0, 1), s.narrow(-1, s.shape[-1] - 1, 1)
        return (s_min / s_max if ord == -2 else s_max / s_min).squeeze(-1)
    if ord == "nuc":  # Σσ · Σ1/σ: the nuclear norms of A and A⁻¹, from A's singular values (as torch)
        s = svdvals(A)
        return s.sum(-1) * s.reciprocal().sum(-1)
    shown = ord if isinstance(ord, str) else f"{ord:f}" if isinstance(ord, float) and abs(ord) != float("inf") else ord
    check_matrix(A, f"linalg.cond(ord={shown})", square=True)
    result = matrix_norm(A, ord) * matrix_norm(_inv_ex(A), ord)
    return result.nan_to_num(float("inf"), float("inf"), float("-inf"))


# -- vander --------------------------------------------------------------------------------------------------------
def vander(x, N=None):
    """torch.linalg.vander: [1, x, x², ..., x^(N-1)] along a new last dim (N defaults to x's length), composed as
    torch's: a cumulative product of x repeated N - 1 times, after a column of ones."""
    if x.dtype.name == "bool" or x.dtype.is_complex:
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{x.dtype.scalar_name}")
    x = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = cumprod(x.unsqueeze(-1).expand(tuple(x.shape) + (n - 1,)), -1)
    return cat([powers.new_ones(tuple(x.shape) + (1,)), powers], -1)
