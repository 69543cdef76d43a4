"""Matrix factorizations with their VJPs: QR (``linalg.qr``), the symmetric eigendecomposition
(``linalg.eigh``, ``eigvalsh``) and the SVD (``linalg.svd``, ``torch.svd``; its Op, ``LinalgSvd``, lives in
ops/linalg.py beside svdvals and the matrix norms that use it).

The forward passes are LAPACK's, through NumPy (the routines torch calls, so the same conventions: QR's R has
LAPACK's signs on its diagonal). The VJPs are written with Tensor operations, so they can be differentiated
again; docs/linalg_spectral_vjps.md derives each one.
"""
import collections

import numpy as np

from ..tensor import _make
from .linalg import LinalgInv, LinalgSvd, matmul, svdvals
from .op import Op
from .shape import cat


def return_type(name, fields):
    """torch.return_types.<name>: a tuple whose fields also have names, with torch's repr."""
    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"
    return type(name, (collections.namedtuple(name, fields),), {"__slots__": (), "__repr__": __repr__})


linalg_qr_return = return_type("linalg_qr", ["Q", "R"])
linalg_eigh_return = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_svd_return = return_type("linalg_svd", ["U", "S", "Vh"])
svd_return = return_type("svd", ["U", "S", "V"])


def check_matrix(A, name, square=False, floating=True):
    """torch's checks of a linalg input: at least 2 dims, (``square``) square matrices, floating point."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if floating and not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {A.dtype.scalar_name}")


def eye_like(n, t):
    """The n x n identity, as a constant tensor of ``t``'s dtype."""
    return _make(np.eye(n, dtype=t.dtype.np))


# -- QR ------------------------------------------------------------------------------------------------------------
def _qr_tall_backward(gq, gr, q, r):
    """VJP of A = QR for m >= n (Q: m x n, orthonormal columns; R: n x n, upper triangular):
    gA = [gQ + Q copyu(gR Rᵀ - Qᵀ gQ)] R⁻ᵀ, where copyu(X) = triu(X) + triu(X, 1)ᵀ mirrors X's upper triangle."""
    x = matmul(gr, r.mT) if gr is not None else 0
    if gq is not None:
        x = x - matmul(q.mT, gq)
    x = x.triu()
    ga = matmul(q, x + x.triu(1).mT)
    if gq is not None:
        ga = ga + gq
    return matmul(ga, LinalgInv.apply(r).mT)  # R is triangular, and invertible where A has full rank


class LinalgQr(Op):
    """(Q, R) with A = QR, Q orthonormal, R upper triangular (LAPACK's geqrf + orgqr, through NumPy).

    VJP for m >= n: ``_qr_tall_backward``. For m < n, A = Q [R₁ | R₂] splits into a square X = Q R₁ and
    Y = A[:, m:] with R₂ = Qᵀ Y: gY = Q gR₂, and X's VJP is the square one with gQ + Y gR₂ᵀ as Q's gradient."""
    node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        ctx.set_materialize_grads(False)
        if mode == "r":
            r = np.linalg.qr(a, mode="r")
            ctx.save_for_backward(a, None, r)
            return np.zeros(0, a.dtype), r
        q, r = np.linalg.qr(a, mode=mode)
        ctx.save_for_backward(a, q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_tall_backward(gq, gr, q, r)
        y, r1, r2 = a.narrow(-1, m, n - m), r.narrow(-1, 0, m), r.narrow(-1, m, n - m)
        gr1 = gr2 = None
        if gr is not None:
            gr1, gr2 = gr.narrow(-1, 0, m), gr.narrow(-1, m, n - m)
            gq = matmul(y, gr2.mT) if gq is None else gq + matmul(y, gr2.mT)
        gx = _qr_tall_backward(gq, gr1, q, r1)
        gy = matmul(q, gr2) if gr2 is not None else gx.new_zeros(y.shape)
        return cat([gx, gy], -1)


def qr(A, mode="reduced"):
    """torch.linalg.qr: mode 'reduced' (Q: m x k, R: k x n, k = min(m, n)), 'complete' (Q: m x m, R: m x n) or
    'r' (R alone; Q is an empty tensor)."""
    check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           f"'complete'")
    return linalg_qr_return(*LinalgQr.apply(A, mode))


# -- the symmetric eigendecomposition -------------------------------------------------------------------------------
class LinalgEigh(Op):
    """(λ, V) with A = V diag(λ) Vᵀ, λ ascending, read from A's lower (UPLO='L') or upper triangle.

    VJP (torch's, for Hermitian A): with E_ij = λ_j - λ_i (1 on the diagonal) and X = Vᵀ gV,
    gA = V (diag(gλ) + ((X - Xᵀ) / 2) / E) Vᵀ: the part of X that moves V along the orthogonal group (its
    skew-symmetric part), divided by the eigenvalue gaps. Repeated eigenvalues give inf/nan there, as in torch
    (the eigenvectors are not unique). Only gλ: gA = V diag(gλ) Vᵀ."""
    node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        ctx.set_materialize_grads(False)  # eigvalsh: None, not zeros, for V
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        n = w.shape[-1]
        inner = gw.diag_embed() if gw is not None else 0
        if gv is not None:
            x = matmul(v.mT, gv)
            e = w.unsqueeze(-2) - w.unsqueeze(-1) + eye_like(n, w)
            inner = inner + (x - x.mT) * 0.5 / e
        return matmul(v, matmul(inner, v.mT))


def _check_uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def _eigh_input(A, UPLO):
    check_matrix(A, "linalg.eigh", square=True, floating=False)
    uplo = _check_uplo(UPLO)
    if not A.is_floating_point():
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{A.dtype.scalar_name}'")
    return uplo


def eigh(A, UPLO="L"):
    """torch.linalg.eigh: the eigenvalues (ascending) and eigenvectors of symmetric matrices, read from one
    triangle. The eigenvectors' signs are LAPACK's choice (as torch's)."""
    return linalg_eigh_return(*LinalgEigh.apply(A, _eigh_input(A, UPLO)))


def eigvalsh(A, UPLO="L"):
    """torch.linalg.eigvalsh: the eigenvalues of eigh (torch records the same node)."""
    return LinalgEigh.apply(A, _eigh_input(A, UPLO))[0]


# -- the SVD --------------------------------------------------------------------------------------------------------
def svd(A, full_matrices=True, *, driver=None):
    """torch.linalg.svd: A = U diag(S) Vh, S descending; ``full_matrices`` makes U m x m and Vh n x n (their
    extra columns/rows get no gradient, as torch's)."""
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    check_matrix(A, "linalg.svd")
    return linalg_svd_return(*LinalgSvd.apply(A, full_matrices))


def torch_svd(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with V = Vhᵀ, reduced when ``some``; without ``compute_uv``, U and V are zeros of
    shapes m x m and n x n (torch's)."""
    if input.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has {input.ndim} dimensions "
                           f"instead")
    check_matrix(input, "linalg.svd")
    if not compute_uv:
        batch, (m, n) = tuple(input.shape[:-2]), input.shape[-2:]
        zeros = lambda k: _make(np.zeros(batch + (k, k), input.dtype.np))  # noqa: E731
        return svd_return(zeros(m), svdvals(input), zeros(n))
    u, s, vh = LinalgSvd.apply(input, not some)
    return svd_return(u, s, vh.mH)
