"""The pseudo-inverse and what shares its rank cut-off: ``linalg.pinv`` (and ``torch.pinverse``),
``linalg.matrix_rank`` and ``linalg.lstsq``.

All three count a singular value σ as nonzero when σ > max(atol, rtol·σ_max), torch's rule; rtol defaults
to eps·max(m, n), or to 0 when a positive atol is given. ``hermitian=True`` takes |eigenvalues| (eigh) for the
singular values. The VJPs are written with Tensor operations (docs/linalg_spectral_vjps.md derives them).
"""
import numpy as np

from ..tensor import Tensor, _make
from .linalg import matmul
from .linalg_spectral import check_matrix, return_type
from .op import Op

linalg_lstsq_return = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _tolerance(a, atol, rtol):
    """max(atol, rtol·σ_max) as float64 arrays broadcasting against the batch dims (torch's get_atol_rtol)."""
    as_array = lambda t: np.asarray(t._data if isinstance(t, Tensor) else t, np.float64)  # noqa: E731
    default_rtol = np.finfo(a.dtype).eps * max(a.shape[-1], a.shape[-2])
    if rtol is not None:
        rtol = as_array(rtol)
    elif atol is None:
        rtol = np.float64(default_rtol)
    else:
        rtol = np.where(as_array(atol) > 0, 0.0, default_rtol)
    return (np.float64(0.0) if atol is None else as_array(atol)), rtol


def _singular_values(a, hermitian):
    """σ (descending for the SVD; |λ| in eigh's order for ``hermitian``) and σ_max (keepdim)."""
    if hermitian:
        s = np.abs(np.linalg.eigvalsh(a))
        return s, s.max(-1, keepdims=True, initial=0)
    s = np.linalg.svd(a, compute_uv=False)
    return s, s[..., :1]


def _pinv_array(a, atol, rtol, hermitian):
    """A⁺ = V diag(1/σ, or 0 at or below the cut-off) Uᵀ (U diag(1/λ) Uᵀ for ``hermitian``)."""
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)
    atol, rtol = _tolerance(a, atol, rtol)
    if hermitian:
        w, u = np.linalg.eigh(a)
        tol = np.maximum(np.expand_dims(atol, -1), np.expand_dims(rtol, -1) * np.abs(w).max(-1, keepdims=True))
        inverse = np.where(np.abs(w) > tol, 1 / np.where(w == 0, 1, w), 0).astype(a.dtype)
        return (u * inverse[..., None, :]) @ np.swapaxes(u, -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    tol = np.maximum(np.expand_dims(atol, -1), np.expand_dims(rtol, -1) * s[..., :1])
    inverse = np.where(s > tol, 1 / np.where(s == 0, 1, s), 0).astype(a.dtype)
    return (np.swapaxes(vh, -1, -2) * inverse[..., None, :]) @ np.swapaxes(u, -1, -2)


def pinv_backward(g, p, a):
    """VJP of P = A⁺ (torch's pinv_backward; A⁺ is differentiable where the rank does not change): from
    dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P,
    gA = -Pᵀ g Pᵀ + (I - A P) gᵀ P Pᵀ + Pᵀ P gᵀ (I - P A), grouped as torch groups it so that the products
    inside are the smaller of m x m and n x n (K = gᵀ P for m <= n, K = P gᵀ for m > n)."""
    m, n = a.shape[-2], a.shape[-1]
    ph, gh = p.mT, g.mT
    if m <= n:
        k = matmul(gh, p)
        kph = matmul(k, ph)
        return -matmul(p, k).mT + kph - matmul(matmul(a, p), kph) + matmul(matmul(ph, p), gh - matmul(k, a))
    k = matmul(p, gh)
    phk = matmul(ph, k)
    return -matmul(k, p).mT + matmul(matmul(gh - matmul(a, k), p), ph) + phk - matmul(matmul(phk, p), a)


class LinalgPinv(Op):
    """P = A⁺, the Moore-Penrose pseudo-inverse.   VJP: ``pinv_backward``."""
    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        p = _pinv_array(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, p)
        return p

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        return pinv_backward(g, p, a)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.pinv(A, *, atol, rtol, hermitian); the older ``rcond`` is rtol."""
    if A.ndim < 2 or not A.is_floating_point():
        raise RuntimeError(f"linalg.pinv({A.dtype.scalar_name}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        check_matrix(A, "linalg.eigh", square=True)
    if rcond is not None:
        rtol = rcond
    # tolerances that are tensors reach forward as arrays (they get no gradient)
    atol, rtol = (t._data if isinstance(t, Tensor) else t for t in (atol, rtol))
    return LinalgPinv.apply(A, atol, rtol, hermitian)


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rtol = rcond."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.matrix_rank: how many singular values exceed the cut-off (an int64 tensor, no gradient);
    the older ``tol`` is atol with rtol = 0."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if not A.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    if hermitian:
        check_matrix(A, "linalg.eigh", square=True)
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A._data
    if a.size == 0:
        return _make(np.zeros(a.shape[:-2], np.int64))
    atol, rtol = _tolerance(a, atol, rtol)
    s, s_max = _singular_values(a, hermitian)
    tol = np.maximum(np.expand_dims(atol, -1), np.expand_dims(rtol, -1) * s_max)
    return _make(np.asarray((s > tol).sum(-1), np.int64))


# -- least squares -------------------------------------------------------------------------------------------------
DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


class LinalgLstsq(Op):
    """X = argmin ||A X - B|| (the minimum-norm one: X = A⁺ B with A⁺'s cut-off at rcond·σ_max), and the squared
    residuals ||A x_j - b_j||² per column where torch's driver reports them.

    VJP (torch's, through the pseudo-inverse): gA = pinv_backward(gX Bᵀ, A⁺, A), gB = A⁺ᵀ gX. The residuals' VJP:
    at the least-squares solution Aᵀ(AX - B) = 0, so only their explicit dependence counts:
    gA = 2 R diag(gr) Xᵀ, gB = -2 R diag(gr), with R = AX - B."""
    node_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, a, b, rcond, driver, vector):
        m, n = a.shape[-2], a.shape[-1]
        b_in, b = b, (b[..., None] if vector else b)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a_, b_ = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
        u, s, vh = np.linalg.svd(a_, full_matrices=False)
        cut = rcond * s[..., :1] if s.shape[-1] else s[..., :1]
        inverse = np.where(s > cut, 1 / np.where(s == 0, 1, s), 0)
        x = np.swapaxes(vh, -1, -2) @ (inverse[..., :, None] * (np.swapaxes(u, -1, -2) @ b_))
        x = np.asarray(x, a.dtype)
        rank = (s > cut).sum(-1)
        full = m > n and driver != "gelsy" and (driver == "gels" or bool(np.all(rank == n)))
        residuals = ((a_ @ x - b_) ** 2).sum(-2).astype(a.dtype) if full else np.zeros(0, a.dtype)
        ctx.full, ctx.vector = full, vector
        x_out = x[..., 0] if vector else x
        ctx.save_for_backward(a, b_in, x_out)
        ctx.set_materialize_grads(False)
        # torch's drivers: gels reports no rank; only gelsd and gelss report the singular values
        rank_out = np.zeros(0, np.int64) if driver == "gels" else np.asarray(rank, np.int64)
        s_out = np.asarray(s, a.dtype) if driver in ("gelsd", "gelss") else np.zeros(0, a.dtype)
        ctx.mark_non_differentiable(rank_out, s_out)
        return x_out, residuals, rank_out, s_out

    @staticmethod
    def backward(ctx, gx, gres, grank, gs):
        a, b, x = ctx.saved_tensors
        if ctx.vector:  # a batch of vectors: as one-column matrices
            b, x = b.unsqueeze(-1), x.unsqueeze(-1)
            gx = gx if gx is None else gx.unsqueeze(-1)
        ga = gb = None
        if gx is not None:
            p = pinv(a)
            ga = pinv_backward(matmul(gx, b.mT), p, a)
            gb = matmul(p.mT, gx)
        if gres is not None and ctx.full:
            r = (matmul(a, x) - b) * gres.unsqueeze(-2) * 2
            ga = matmul(r, x.mT) if ga is None else ga + matmul(r, x.mT)
            gb = -r if gb is None else gb - r
        return ga, (gb.squeeze(-1) if ctx.vector and gb is not None else gb)


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: (solution, residuals, rank, singular_values). B is a batch of vectors when it has one
    dim fewer than A. What the driver (CPU default 'gelsy') fills in is torch's: rank for all but 'gels', the
    singular values for 'gelsd' and 'gelss', the residuals for m > n with full rank, except 'gelsy'."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if not A.is_floating_point() or not B.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {A.dtype.scalar_name} and other's dtype {B.dtype.scalar_name}")
    if A.ndim < B.ndim or A.ndim - B.ndim > 1:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vector = B.ndim == A.ndim - 1
    if A.shape[-2] != (B.shape[-1] if vector else B.shape[-2]):
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    driver = "gelsy" if driver is None else driver
    if driver not in DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if rcond is None:
        rcond = np.finfo(A.dtype.np).eps * max(A.shape[-2], A.shape[-1])
    return linalg_lstsq_return(*LinalgLstsq.apply(A, B, rcond, driver, vector))
