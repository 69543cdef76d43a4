"""Square roots of matrices: ``linalg.matrix_sqrth`` (the symmetric positive-definite square root) and
``linalg.polar`` (A = U H, H = √(AᵀA), the square root behind the polar decomposition).

Both VJPs go through the Sylvester equation of a square root: X² = M gives X dX + dX X = dM, which the
eigenbasis of X = V diag(s) Vᵀ solves entrywise, dX = V [(Vᵀ dM V) ⊘ (s_i + s_j)] Vᵀ. The operator is
self-adjoint, so its VJP is the same map applied to the upstream gradient (``_sylvester``).
"""
import numpy as np

from .linalg import LinalgSvd, matmul
from .linalg_spectral import LinalgEigh, check_matrix, return_type
from .op import Op

linalg_polar_return = return_type("linalg_polar", ["U", "H"])


def _sylvester(g, v, s):
    """Y with X Y + Y X = g, for X = V diag(s) Vᵀ: V [(Vᵀ g V) ⊘ (s_i + s_j)] Vᵀ."""
    return matmul(v, matmul(matmul(v.mT, matmul(g, v)) / (s.unsqueeze(-1) + s.unsqueeze(-2)), v.mT))


class LinalgMatrixSqrth(Op):
    """X = √A = V diag(√λ) Vᵀ for symmetric positive-definite A (its lower triangle; negative eigenvalues count as
    0, as torch's). VJP: gA = Sylvester solve of sym(g) = (g + gᵀ)/2 in X's eigenbasis (torch symmetrizes g)."""
    node_name = "LinalgMatrixSqrthBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        w, v = np.linalg.eigh(a, UPLO="L")
        return np.asarray((v * np.sqrt(np.maximum(w, 0))[..., None, :]) @ np.swapaxes(v, -1, -2), a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        w, v = LinalgEigh.apply(a, "L")  # differentiable again: second order flows through λ and V
        return _sylvester((g + g.mT) * 0.5, v, w.clamp_min(0).sqrt())


def matrix_sqrth(A):
    """torch.linalg.matrix_sqrth: the principal square root of symmetric positive-definite matrices."""
    check_matrix(A, "linalg.matrix_sqrth", square=True)
    return LinalgMatrixSqrth.apply(A)


class LinalgPolar(Op):
    """A = U H for m >= n: from the SVD A = W diag(σ) Vᵀ, U = W Vᵀ (orthonormal columns, the nearest such matrix
    to A) and H = V diag(σ) Vᵀ = √(AᵀA).

    VJP: A = U H gives dU = (dA - U dH) H⁻¹, and H² = AᵀA gives H dH + dH H = dAᵀA + AᵀdA. With
    G = gH - Uᵀ gU H⁻¹ and K = the Sylvester solve of G in H's eigenbasis (V, σ):
    gA = gU H⁻¹ + A (K + Kᵀ). Defined where A has full column rank."""
    node_name = "LinalgPolarBackward0"

    @staticmethod
    def forward(ctx, a):
        w, s, vh = np.linalg.svd(a, full_matrices=False)
        u = w @ vh
        h = np.asarray((np.swapaxes(vh, -1, -2) * s[..., None, :]) @ vh, a.dtype)
        ctx.save_for_backward(a, u)
        ctx.set_materialize_grads(False)
        return u, h

    @staticmethod
    def backward(ctx, gu, gh):
        a, u = ctx.saved_tensors
        _, s, vh = LinalgSvd.apply(a)  # H's eigenbasis, differentiable again
        v = vh.mT
        h_inv = matmul(v / s.unsqueeze(-2), vh)
        g = gh if gh is not None else 0
        if gu is not None:
            g = g - matmul(matmul(u.mT, gu), h_inv)
        k = _sylvester(g, v, s)
        ga = matmul(a, k + k.mT)
        return ga + matmul(gu, h_inv) if gu is not None else ga


def polar(A):
    """torch.linalg.polar: (U, H) with A = U H, U with orthonormal columns, H symmetric positive semi-definite."""
    check_matrix(A, "linalg.polar")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"linalg.polar: input must have at least as many rows as columns, but got "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    return linalg_polar_return(*LinalgPolar.apply(A))
