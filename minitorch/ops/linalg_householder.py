"""Householder reflectors, LAPACK's compact form of Q: ``torch.geqrf`` (A = QR with Q kept as reflectors),
``linalg.householder_product`` (= ``torch.orgqr``: the reflectors multiplied out) and ``torch.ormqr`` (Q times a
matrix: LAPACK applies the reflectors one at a time; here Q is formed as an m x m product, which reads simply).

Reflector i is H_i = I - τ_i v_i v_iᵀ, where v_i is column i of A below the diagonal with a 1 on it (zeros
above), and Q = H_1 H_2 ⋯ H_k.
"""
import numpy as np

from ..tensor import _make
from .linalg import matmul
from .linalg_spectral import return_type
from .op import Op
from .shape import cat, stack

geqrf_return = return_type("geqrf", ["a", "tau"])


def _reflectors(a, k):
    """The Householder vectors v_1..v_k as the columns of an m x k array (NumPy or Tensor)."""
    m = a.shape[-2]
    if isinstance(a, np.ndarray):
        return np.tril(a[..., :k], -1) + np.eye(m, k, dtype=a.dtype)
    return a.narrow(-1, 0, k).tril(-1) + _make(np.eye(m, k, dtype=a.dtype.np))


def _product(a, tau, ncols):
    """The first ``ncols`` columns of H_1 ⋯ H_k (NumPy): the reflectors applied right to left to I[:, :ncols]."""
    m, k = a.shape[-2], tau.shape[-1]
    v = _reflectors(a, k)
    q = np.broadcast_to(np.eye(m, ncols, dtype=a.dtype), a.shape[:-2] + (m, ncols)).copy()
    for i in reversed(range(k)):
        vi = v[..., :, i:i + 1]
        q -= tau[..., i, None, None] * (vi @ (np.swapaxes(vi, -1, -2) @ q))
    return q


def householder_vjp(g, a, tau, ncols):
    """VJP of Q = (H_1 ⋯ H_k)[:, :ncols] in Tensor operations. With the prefix P_i = H_1 ⋯ H_(i-1) and the suffix
    S_i = (H_(i+1) ⋯ H_k)[:, :ncols], Q = P_i H_i S_i, and with u = P_i v_i, w = S_iᵀ v_i:
    gτ_i = -uᵀ g w,  gv_i = -τ_i (P_iᵀ g w + S_i gᵀ u), of which only the entries below the diagonal are A's."""
    m, k = a.shape[-2], tau.shape[-1]
    v = _reflectors(a, k)
    vs = [v.narrow(-1, i, 1) for i in range(k)]
    ts = [tau.narrow(-1, i, 1).unsqueeze(-1) for i in range(k)]
    suffix = [None] * k + [_make(np.eye(m, ncols, dtype=a.dtype.np))]
    for i in reversed(range(k)):
        suffix[i] = suffix[i + 1] - ts[i] * matmul(vs[i], matmul(vs[i].mT, suffix[i + 1]))
    prefix = _make(np.eye(m, dtype=a.dtype.np))
    gvs, gtaus = [], []
    for i in range(k):
        u, w = matmul(prefix, vs[i]), matmul(suffix[i + 1].mT, vs[i])
        gw = matmul(g, w)
        gtaus.append(-(u * gw).sum((-2, -1)))
        gvs.append(-ts[i] * (matmul(prefix.mT, gw) + matmul(suffix[i + 1], matmul(g.mT, u))))
        prefix = prefix - ts[i] * matmul(u, vs[i].mT)
    batch = tuple(g.shape[:-2])
    ga = cat(gvs, -1).tril(-1).expand(batch + (m, k)) if k else g.new_zeros(batch + (m, 0))
    if k < a.shape[-1]:  # the columns past the reflectors do not reach Q
        ga = cat([ga, g.new_zeros(batch + (m, a.shape[-1] - k))], -1)
    gtau = stack(gtaus, -1).expand(batch + (k,)) if k else g.new_zeros(batch + (0,))
    return ga, gtau


class LinalgHouseholderProduct(Op):
    """Q = (H_1 ⋯ H_k)[:, :n] for an m x n input.   VJP: ``householder_vjp``."""
    node_name = "LinalgHouseholderProductBackward0"

    @staticmethod
    def forward(ctx, a, tau):
        ctx.save_for_backward(a, tau)
        return _product(a, tau, a.shape[-1])

    @staticmethod
    def backward(ctx, g):
        a, tau = ctx.saved_tensors
        return householder_vjp(g, a, tau, a.shape[-1])


def _check_tau(input, tau, name):
    if input.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {input.ndim}")
    if input.ndim > 2 and tuple(tau.shape[:-1]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != input.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype.scalar_name} does not match input dtype "
                           f"{input.dtype.scalar_name}")


def householder_product(A, tau):
    """torch.linalg.householder_product (= torch.orgqr): the first n columns of H_1 ⋯ H_k."""
    name = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    _check_tau(A, tau, name)
    if not A.is_floating_point():
        raise NotImplementedError(f"\"orgqr_cpu\" not implemented for '{A.dtype.scalar_name}'")
    return LinalgHouseholderProduct.apply(A, tau)


class Geqrf(Op):
    """(a, τ): R in a's upper triangle, the reflectors below it (LAPACK's geqrf). Not differentiable (torch's
    GeqrfBackward0 raises)."""
    node_name = "GeqrfBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.size == 0:
            return a.copy(), np.zeros(a.shape[:-2] + (min(a.shape[-2:]),), a.dtype)
        h, tau = np.linalg.qr(a, mode="raw")  # LAPACK's layout is column-major: h is aᵀ
        return np.ascontiguousarray(np.swapaxes(h, -1, -2)), tau.astype(a.dtype)

    @staticmethod
    def backward(ctx, ga, gtau):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input):
    """torch.geqrf: QR in LAPACK's compact form."""
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{input.dtype.scalar_name}'")
    return geqrf_return(*Geqrf.apply(input))


class Ormqr(Op):
    """Z = op(Q) C (``left``) or C op(Q), Q = H_1 ⋯ H_k (m x m), op(Q) = Qᵀ when ``transpose``.
    VJP: gC = op(Q)ᵀ g (or g op(Q)ᵀ); Q's gradient (g Cᵀ, or Cᵀ g, transposed back for ``transpose``) goes to
    the reflectors through ``householder_vjp``."""
    node_name = "OrmqrBackward0"

    @staticmethod
    def forward(ctx, a, tau, c, left, transpose):
        ctx.left, ctx.transpose = left, transpose
        ctx.save_for_backward(a, tau, c)
        q = _product(a, tau, a.shape[-2])
        q = np.swapaxes(q, -1, -2) if transpose else q
        return q @ c if left else c @ q

    @staticmethod
    def backward(ctx, g):
        a, tau, c = ctx.saved_tensors
        da, dtau, dc = ctx.needs_input_grad
        m = a.shape[-2]
        gc = ga = gtau = None
        if dc:
            q = _product_tensor(a, tau, m)
            q = q.mT if ctx.transpose else q
            gc = matmul(q.mT, g) if ctx.left else matmul(g, q.mT)
        if da or dtau:
            gq = matmul(g, c.mT) if ctx.left else matmul(c.mT, g)
            ga, gtau = householder_vjp(gq.mT if ctx.transpose else gq, a, tau, m)
        return ga, gtau, gc


def _product_tensor(a, tau, ncols):
    """``_product`` in Tensor operations (differentiable: ormqr's VJP for C uses Q)."""
    m, k = a.shape[-2], tau.shape[-1]
    v = _reflectors(a, k)
    q = _make(np.eye(m, ncols, dtype=a.dtype.np))
    for i in reversed(range(k)):
        vi = v.narrow(-1, i, 1)
        q = q - tau.narrow(-1, i, 1).unsqueeze(-1) * matmul(vi, matmul(vi.mT, q))
    return q


def ormqr(input, tau, other, left=True, transpose=False):
    """torch.ormqr: the product of Q (given by geqrf's reflectors) with ``other``."""
    name = "torch.ormqr"
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if other.ndim < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] > min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[-2], input.shape[-1])")
    if input.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {input.ndim}")
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: Expected other to have the same number of dimensions as input, but got "
                           f"other.ndim equal to {other.ndim} and input.ndim is equal to {input.ndim}")
    for what, t, shape in (("tau", tau, tau.shape[:-1]), ("other", other, other.shape[:-2])):
        if input.ndim > 2 and tuple(shape) != tuple(input.shape[:-2]):
            raise RuntimeError(f"{name}: Expected batch dimensions of {what} to be equal to input.shape[:-2], but got "
                               f"{list(shape)}")
    for what, t in (("tau", tau), ("other", other)):
        if t.dtype != input.dtype:
            raise RuntimeError(f"{name}: Expected input and {what} to have the same dtype, but input has dtype"
                               f"{input.dtype.scalar_name} and {what} has dtype {t.dtype.scalar_name}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"ormqr_cpu\" not implemented for '{input.dtype.scalar_name}'")
    return Ormqr.apply(input, tau, other, left, transpose)
