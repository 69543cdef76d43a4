"""softmax and log_softmax along one dim.

Both subtract the largest value along ``dim`` before exponentiating: the shift cancels in the ratio
(and in the log-normaliser), and it keeps e^x from overflowing, so logits of 1e4 are fine.
"""
import numpy as np

from .op import Op
from ..tensor import _wrap_dim


def _shifted(a, axis):
    """a - max(a) along ``axis`` (``initial`` lets an empty input through: it has no max). Half
    precision is computed in float32, as torch does."""
    a = a.astype(np.float32) if a.dtype == np.float16 else a
    with np.errstate(invalid="ignore"):  # a row of -inf gives nan, silently, as in torch
        return a - np.max(a, axis=axis, keepdims=True, initial=-np.inf)


class Softmax(Op):
    """z = e^a / Σ e^a along dim.   JVP: dz = z (da - Σ da z).   VJP: da = z (g - Σ g z), the sum along dim
    (the Jacobian diag(z) - z zᵀ is symmetric: the JVP is the VJP's formula with da for g)."""
    node_name = "SoftmaxBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dim):
        return z * (t[0] - (t[0] * z).sum(dim, keepdim=True))

    @staticmethod
    def forward(ctx, a, dim):
        axis = dim if a.ndim else None
        e = np.exp(_shifted(a, axis))
        z = (e / e.sum(axis=axis, keepdims=True)).astype(a.dtype, copy=False)
        ctx.dim = dim
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return z * (g - (g * z).sum(ctx.dim, keepdim=True))


class LogSoftmax(Op):
    """z = a - ln Σ e^a along dim.   JVP: dz = da - Σ e^z da.   VJP: da = g - e^z Σ g, the sum along dim
    (the Jacobian I - 1 (e^z)ᵀ is not symmetric: the JVP sums the direction weighted by the softmax)."""
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dim):
        return t[0] - (z.exp() * t[0]).sum(dim, keepdim=True)

    @staticmethod
    def forward(ctx, a, dim):
        axis = dim if a.ndim else None
        s = _shifted(a, axis)
        with np.errstate(divide="ignore"):  # an empty dim sums to 0
            z = (s - np.log(np.exp(s).sum(axis=axis, keepdims=True))).astype(a.dtype, copy=False)
        ctx.dim = dim
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g - z.exp() * g.sum(ctx.dim, keepdim=True)


def _prepare(name, input, dim, dtype):
    """The input in ``dtype`` (a recorded conversion, as in torch) and ``dim`` as a non-negative index."""
    if dtype is not None:
        input = input.to(dtype)
    dim = _wrap_dim(dim, input.ndim)
    if not input.is_floating_point():
        kernel = f"{name}_lastdim_kernel_impl" if dim == max(input.ndim - 1, 0) else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")
    return input, dim


def softmax(input, dim, dtype=None):
    """e^x / Σ e^x along ``dim``: each slice becomes positive numbers that sum to 1."""
    return Softmax.apply(*_prepare("softmax", input, dim, dtype))


def log_softmax(input, dim, dtype=None):
    """x - ln Σ e^x along ``dim``: the log of softmax, computed without forming it."""
    return LogSoftmax.apply(*_prepare("log_softmax", input, dim, dtype))


# -- attention's softmax (family: attention) ---------------------------------------------------------------------
class SafeSoftmax(Op):
    """torch's _safe_softmax: z = e^a / Σ e^a along dim, and z = 0 along a slice that is all -inf (attention's
    fully masked query rows), where softmax gives NaN.   VJP: as softmax's, da = z (g - Σ g z) (0 on those rows)."""
    node_name = "SafeSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        e = np.exp(_shifted(a, dim))
        z = (e / e.sum(axis=dim, keepdims=True)).astype(a.dtype, copy=False)
        masked = np.all(a == -np.inf, axis=dim, keepdims=True)  # (NaN there: -inf minus their max, -inf)
        z[np.broadcast_to(masked, z.shape)] = 0
        ctx.dim = dim
        ctx.save_for_backward(z)
        return z

    backward = Softmax.backward


# -- the remaining OpInfo ops (native lane): torch._softmax_backward_data, softmax's VJP as an op of its own
class SoftmaxBackwardData(Op):
    """gi = z·(g - Σ g·z) along dim: softmax's VJP for upstream g at output z.
    VJP (upstream G): dg = z·(G - Σ G·z)  (the same symmetric map);  dz = g·(G - Σ G·z) - G·Σ g·z."""
    node_name = "SoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, g, z, dim):
        ctx.dim = dim
        ctx.save_for_backward(g, z)
        return z * (g - (g * z).sum(axis=dim, keepdims=True))

    @staticmethod
    def backward(ctx, gi):
        g, z = ctx.saved_tensors
        dim = ctx.dim
        centred = gi - (gi * z).sum(dim, keepdim=True)
        return z * centred, g * centred - gi * (g * z).sum(dim, keepdim=True)


def _softmax_backward_data(grad_output, output, dim, input_dtype):
    """torch._softmax_backward_data: softmax's VJP, z·(g - Σ g·z) along ``dim``, for upstream ``grad_output`` at
    softmax's ``output`` z (``input_dtype``: the dtype softmax's input had; the result has grad_output's)."""
    return SoftmaxBackwardData.apply(grad_output, output, _wrap_dim(dim, output.ndim))
