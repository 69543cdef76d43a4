"""Batch normalization: normalise every channel (dim 1) by its mean and variance over the batch and all
other dims, then scale and shift it per channel.

In training the statistics are the batch's own, and the running estimates are moved towards them
(``running = (1 - momentum)·running + momentum·batch``, with the *unbiased* batch variance, as torch does).
In evaluation the running estimates are used instead, so each sample is normalised on its own.
"""
import numpy as np

from ...ops.op import Op
from ...tensor import _make


def _channel_shape(x):
    """The shape that broadcasts a per-channel vector over x: (1, C, 1, ...)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _reduced_dims(x):
    return (0,) + tuple(range(2, x.ndim))


class NativeBatchNorm(Op):
    """y = x̂·w + b with x̂ = (x - μ)·r, r = 1/√(σ² + ε), per channel. Training: μ, σ² are the batch's mean and
    biased variance over all dims but 1; eval: the running estimates (constants).
    VJP, training: dx = w·r·(g - mean(g) - x̂·mean(g·x̂));   eval: dx = g·w·r.   Both: dw = Σ g·x̂,  db = Σ g."""
    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        dims, shape = _reduced_dims(x), _channel_shape(x)
        if training:
            mean, var = x.mean(axis=dims), x.var(axis=dims)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * (n / (n - 1))
        else:
            mean, var = running_mean, running_var
        ctx.save_for_backward(x, w)
        ctx.training, ctx.eps = training, eps
        ctx.stats = None if training else (mean.reshape(shape).copy(), var.reshape(shape).copy())
        y = (x - mean.reshape(shape)) * (1 / np.sqrt(var + eps)).astype(x.dtype).reshape(shape)
        if w.size:
            y *= w.reshape(shape)
        if b.size:
            y += b.reshape(shape)
        return y

    @staticmethod
    def backward(ctx, g):
        # the statistics are recomputed with tensor operations: with create_graph, their dependence on x
        # is part of the second derivative
        x, w = ctx.saved_tensors
        dims, shape = _reduced_dims(x), _channel_shape(x)
        if ctx.training:
            centred = x - x.mean(dims, keepdim=True)
            r = ((centred * centred).mean(dims, keepdim=True) + ctx.eps) ** -0.5
        else:
            mean, var = ctx.stats
            centred = x - _make(mean.astype(x._data.dtype))
            r = _make((1 / np.sqrt(var + ctx.eps)).astype(x._data.dtype))
        x_hat = centred * r
        need_x, need_w, need_b = ctx.needs_input_grad
        dx = dw = db = None
        if need_x:
            scale = r * w.reshape(shape) if w.numel() else r
            if ctx.training:
                dx = scale * (g - g.mean(dims, keepdim=True) - x_hat * (g * x_hat).mean(dims, keepdim=True))
            else:
                dx = g * scale
        if need_w:
            dw = (g * x_hat).sum(dims)
        if need_b:
            db = g.sum(dims)
        return dx, dw, db


def _absent(like):
    """A missing weight or bias, as an empty constant tensor: the node still gets torch's (None, 0) edge."""
    return _make(np.zeros(0, like._data.dtype))


def _verify_batch_size(size):
    values = size[0]
    for s in size[2:]:
        values *= s
    if values == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel of ``input`` (N, C, *); see the module docstring. In training, the running
    estimates (when given) are updated in place."""
    if training:
        _verify_batch_size(input.size())
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if input.numel() == 0:
        # as torch (before any other check, the number of dims too: a 1-d empty input passes): an empty batch
        # has no statistics, so nothing is normalised and the running estimates stay as they are (a mean over
        # no values would make them NaN for good); the result still depends on weight and bias, so that their
        # gradients are zeros, not None
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    if input.dim() < 2:
        n = max(input.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got 1)")
    channels = input.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean must be defined in evaluation mode")
    stats = (None, None) if running_mean is None else (running_mean._data, running_var._data)
    return NativeBatchNorm.apply(input, _absent(input) if weight is None else weight,
                                 _absent(input) if bias is None else bias, *stats, bool(training), momentum, eps)
