"""Batch normalization: normalise every channel (dim 1) by its mean and variance over the batch and all
other dims, then scale and shift it per channel.

In training the statistics are the batch's own, and the running estimates are moved towards them
(``running = (1 - momentum)·running + momentum·batch``, with the *unbiased* batch variance, as torch does).
In evaluation the running estimates are used instead, so each sample is normalised on its own.
"""
import warnings

import numpy as np

from ...autograd import grad_mode
from ...autograd.grad_mode import no_grad
from ...kernels.norm import row_norm_fast, row_norm_vjp_fast
from ...ops.arithmetic import AddScalar, div
from ...ops.op import Op
from ...tensor import _make
from .padding import pad
from .pooling import avg_pool2d


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
    def _normalized(ctx, x):
        """(x̂, r) as tensor operations on x: with create_graph (or backward through a JVP), their dependence
        on x is part of the second derivative."""
        dims = _reduced_dims(x)
        if ctx.training:
            centred = x - x.mean(dims, keepdim=True)
            r = ((centred * centred).mean(dims, keepdim=True) + ctx.eps) ** -0.5
        else:
            mean, var = ctx.stats
            centred = x - _make(mean.astype(x._data.dtype))
            r = _make((1 / np.sqrt(var + ctx.eps)).astype(x._data.dtype))
        return centred * r, r

    @staticmethod
    def jvp(ctx, z, t, x, w, b, running_mean, running_var, training, momentum, eps):
        """JVP, training: dx̂ = r·(dx - mean(dx) - x̂·mean(dx·x̂));  eval: dx̂ = r·dx.
        Both: dy = dx̂·w + x̂·dw + db (the same projection as the VJP's: the batch statistics' own directions
        take away the direction's mean and its component along x̂)."""
        dims, shape = _reduced_dims(x), _channel_shape(x)
        x_hat, r = NativeBatchNorm._normalized(ctx, x)
        dx = t[0]
        if training:
            dx = dx - dx.mean(dims, keepdim=True) - x_hat * (dx * x_hat).mean(dims, keepdim=True)
        dy = r * dx
        if w.numel():
            dy = dy * w.reshape(shape) + x_hat * t[1].reshape(shape)
        return dy + t[2].reshape(shape) if b.numel() else dy

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        dims, shape = _reduced_dims(x), _channel_shape(x)
        x_hat, r = NativeBatchNorm._normalized(ctx, x)
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


# -- layer_norm and group_norm: one core, normalising rows ---------------------------------------------------
class _RowNorm(Op):
    """The core of layer_norm and group_norm: x viewed as rows (``stats``: the last axis is a row) is
    normalised per row, x̂ = (x - μ)·r with μ, σ² the row's mean and biased variance, r = 1/√(σ² + ε); then
    y = x̂·w + b, with x̂ viewed as ``affine`` and w, b viewed as ``wshape`` (per element of the normalised
    shape for layer_norm, per channel for group_norm).
    VJP, with g' = g·w:  dx = r·(g' - mean(g') - x̂·mean(g'·x̂)) per row;  dw = Σ g·x̂,  db = Σ g (over what
    w is broadcast along). The statistics are recomputed with tensor operations in backward, so that their
    dependence on x is part of the second derivative."""

    @staticmethod
    def forward(ctx, x, w, b, stats, affine, wshape, eps):
        # kernels/norm.py: the plain twin row_norm_plain is these formulas line by line
        y, mu, r = row_norm_fast(x, w if w.size else None, b if b.size else None, stats, affine, wshape, eps)
        ctx.save_for_backward(x, w)
        ctx.layout, ctx.bias_shape = (stats, affine, wshape, eps), b.shape
        ctx.forward_stats = mu, r  # for a backward that is not itself recorded (see backward)
        return y.reshape(x.shape)

    @staticmethod
    def jvp(ctx, z, t, x, w, b, stats, affine, wshape, eps):
        """JVP: dx̂ = r·(dx - mean(dx) - x̂·mean(dx·x̂)) per row;  dy = dx̂·w + x̂·dw + db."""
        rows, dx = x.reshape(stats), t[0].reshape(stats)
        centred = rows - rows.mean(-1, keepdim=True)
        r = ((centred * centred).mean(-1, keepdim=True) + eps).rsqrt()
        x_hat = centred * r
        dy = (r * (dx - dx.mean(-1, keepdim=True) - x_hat * (dx * x_hat).mean(-1, keepdim=True))).reshape(affine)
        if w.numel():
            dy = dy * w.reshape(wshape) + x_hat.reshape(affine) * t[1].reshape(wshape)
        if b.numel():
            dy = dy + t[2].reshape(wshape)
        return dy.reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        stats, affine, wshape, eps = ctx.layout
        need_x, need_w, need_b = ctx.needs_input_grad
        if not grad_mode.STATE.enabled:  # nothing records this pass: on arrays, with forward's μ and r
            dx, dw, db = row_norm_vjp_fast(g._data.reshape(affine), x._data, w._data if w.numel() else None,
                                           *ctx.forward_stats, stats, affine, wshape)
            return (_make(dx.reshape(x.shape)) if need_x else None, _make(dw.reshape(w.shape)) if need_w else None,
                    _make(db.reshape(ctx.bias_shape)) if need_b else None)
        # create_graph: x̂ and r as functions of x, so that the second derivative sees how they depend on x
        rows = x.reshape(stats)
        centred = rows - rows.mean(-1, keepdim=True)
        r = ((centred * centred).mean(-1, keepdim=True) + eps).rsqrt()
        x_hat = centred * r
        g = g.reshape(affine)
        spread = tuple(d for d, n in enumerate(wshape) if n == 1)  # the dims w is broadcast along
        dx = dw = db = None
        if need_x:
            gw = (g * w.reshape(wshape) if w.numel() else g).reshape(stats)
            dx = (r * (gw - gw.mean(-1, keepdim=True) - x_hat * (gw * x_hat).mean(-1, keepdim=True))).reshape(x.shape)
        if need_w:
            dw = (g * x_hat.reshape(affine)).sum(spread).reshape(w.shape)
        if need_b:
            db = g.sum(spread).reshape(ctx.bias_shape)
        return dx, dw, db


class NativeLayerNorm(_RowNorm):
    node_name = "NativeLayerNormBackward0"


class NativeGroupNorm(_RowNorm):
    node_name = "NativeGroupNormBackward0"


def _normalized_shape(input, normalized_shape, fname, star):
    """``normalized_shape`` as a tuple, checked against the input's trailing dims in torch's words (layer_norm
    writes ``[*, 3]``, rms_norm ``[*3]``)."""
    if isinstance(normalized_shape, int):
        raise TypeError(f"{fname}(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = tuple(int(n) for n in normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {list(shape)}")
    if tuple(input.shape[input.dim() - len(shape):]) != shape or input.dim() < len(shape):
        expected = ", ".join(str(n) for n in shape)
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*{star}{expected}], but "
                           f"got input of size{list(input.shape)}")
    return shape


def _same_shape(name, t, shape):
    if t is not None and tuple(t.shape) != shape:
        raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                           f"{list(t.shape)} and normalized_shape = {list(shape)}")


def _same_dtype(*tensors):
    if len({t.dtype for t in tensors if t is not None}) > 1:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dims of ``input``, each slice by its own mean and
    variance, then scale by ``weight`` and shift by ``bias`` (both of ``normalized_shape``)."""
    shape = _normalized_shape(input, normalized_shape, "layer_norm", ", ")
    _same_shape("weight", weight, shape)
    _same_shape("bias", bias, shape)
    _same_dtype(input, weight, bias)
    k = int(np.prod(shape))
    m = input.numel() // k if k else int(np.prod(input.shape[:input.dim() - len(shape)]))
    return NativeLayerNorm.apply(input, _absent(input) if weight is None else weight,
                                 _absent(input) if bias is None else bias, (m, k), (m, k), (1, k), eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the channels (dim 1) into ``num_groups`` groups and normalise each group of each sample by its own
    mean and variance (over its channels and all spatial dims), then scale and shift per channel."""
    return _group_norm(NativeGroupNorm, input, num_groups, weight, bias, eps)


def _group_norm(op, input, num_groups, weight, bias, eps):
    """group_norm's checks, in torch's words, then ``op`` (NativeGroupNorm, or NativeGroupNormStats)."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    n, c = input.shape[0], input.shape[1]
    _verify_batch_size([n * c // num_groups, num_groups] + list(input.shape[2:]))
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    _same_dtype(input, weight, bias)
    s = int(np.prod(input.shape[2:]))
    return op.apply(input, _absent(input) if weight is None else weight, _absent(input) if bias is None else bias,
                    (n, num_groups, c // num_groups * s), (n, c, s), (1, c, 1), eps)


def _verify_spatial_size(size):
    values = 1
    for s in size[2:]:
        values *= s
    if values == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample on its own (over its spatial dims). As torch builds it: the batch
    is folded into the channels, (N, C, *) -> (1, N·C, *), and batch-normalised, with weight, bias and the
    running estimates repeated N times; the running estimates are then the mean of their N copies."""
    if use_input_stats:
        _verify_spatial_size(input.size())
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    n, c = input.shape[0], input.shape[1]
    stats = [None if t is None else t.detach().repeat(n) for t in (running_mean, running_var)]
    out = batch_norm(input.contiguous().view(1, n * c, *input.shape[2:]), *stats,
                     None if weight is None else weight.repeat(n), None if bias is None else bias.repeat(n),
                     use_input_stats, momentum, eps)
    with no_grad():
        for t, repeated in zip((running_mean, running_var), stats):
            if t is not None:
                t.copy_(repeated.view(n, c).mean(0))
    return out.view(input.shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / √(mean(x²) + ε) over the last ``len(normalized_shape)`` dims, times ``weight``; ε defaults to the
    dtype's machine epsilon. Composed of tensor operations, as torch builds it."""
    shape = _normalized_shape(input, normalized_shape, "rms_norm", "")
    _same_shape("weight", weight, shape)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - 1, input.dim() - 1 - len(shape), -1))
    result = input * AddScalar.apply(input.pow(2).mean(dims, keepdim=True), eps).rsqrt()
    return result if weight is None else result * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + α·mean of x² over the ``size`` neighbouring channels)^β, composed as torch does: the squares
    padded along the channels and averaged with a (size, 1) window. (torch averages a 4-d or larger input with
    avg_pool3d over (N, 1, C, H, rest); the same window over (N, 1, C, rest) with avg_pool2d is the same sum.)"""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} "
                         f"dimensions)")  # (sic: torch's spaces)
    if input.numel() == 0:
        return input
    div = input.mul(input)
    sizes = input.shape
    div = div.unsqueeze(1) if dim == 3 else div.view(sizes[0], 1, sizes[1], -1)
    div = pad(div, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    if dim > 3:
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(‖input‖_p, ε) along ``dim``."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:
        return div(input, denom, out=out)
    return input / denom


# -- the remaining OpInfo ops (native lane): torch's native_* functions, which also return the statistics ---------
def _row_stats(x, rows, eps):
    """(mean, 1/√(biased variance + ε)) of each row of the array ``x`` viewed as ``rows`` (m, k), as arrays."""
    r = x.reshape(rows)
    mean = r.mean(axis=-1)
    with np.errstate(all="ignore"):  # a negative ε (allowed) can make the root NaN, as in torch
        rstd = 1 / np.sqrt(((r - mean[:, None]) ** 2).mean(axis=-1) + eps)
    return mean.astype(x.dtype), rstd.astype(x.dtype)


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """torch.native_layer_norm -> (out, mean, rstd): ``layer_norm``'s output (node NativeLayerNormBackward0) and
    the statistics it normalised with, of shape input.shape[:-len(normalized_shape)] + (1,)·len(normalized_shape).
    The statistics are constants (torch marks them not differentiable)."""
    out = layer_norm(input, normalized_shape, weight, bias, eps)
    k = len(normalized_shape)
    lead = tuple(input.shape[:input.dim() - k])
    stats = _row_stats(input._data, (int(np.prod(lead)), -1) if input.numel() else (0, 1), eps)
    return (out,) + tuple(_make(s.reshape(lead + (1,) * k)) for s in stats)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """torch.native_batch_norm -> (out, save_mean, save_invstd): ``batch_norm``'s output (node
    NativeBatchNormBackward0, running estimates updated in training) and, in training, the batch's per-channel
    mean and 1/√(biased variance + ε), constants of shape (C,); in evaluation two empty tensors (torch saves none)."""
    if training and input.dim() >= 2:  # the batch's statistics, before batch_norm moves the running estimates
        x = np.moveaxis(input._data, 1, 0)
        stats = _row_stats(x, (x.shape[0], -1), eps)
    else:
        stats = (np.zeros(0, input._data.dtype),) * 2
    out = batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    return (out,) + tuple(_make(s) for s in stats)


class NativeGroupNormStats(NativeGroupNorm):
    """group_norm's y, and the statistics of each row (a sample's group), differentiable as in torch:
    μ = mean(x),  r = (mean((x - μ)²) + ε)^-½.
    VJP: group_norm's, plus  dx += gμ/K - gr·r³·(x - μ)/K  per row of K elements.
    JVP: group_norm's,  dμ = mean(dx),  dr = -r³·mean((x - μ)·dx)."""
    node_name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stats, affine, wshape, eps):
        y = _RowNorm.forward(ctx, x, w, b, stats, affine, wshape, eps)
        ctx.set_materialize_grads(False)  # None, not zeros, for the outputs no gradient reached
        mean, rstd = _row_stats(x, (-1, stats[-1]), eps)
        return y, mean.reshape(stats[:-1]), rstd.reshape(stats[:-1])

    @staticmethod
    def _rows(x, stats, eps):
        rows = x.reshape(stats)
        centred = rows - rows.mean(-1, keepdim=True)
        return centred, ((centred * centred).mean(-1, keepdim=True) + eps).rsqrt()

    @staticmethod
    def jvp(ctx, z, t, x, w, b, stats, affine, wshape, eps):
        dy = _RowNorm.jvp(ctx, z[0], t, x, w, b, stats, affine, wshape, eps)
        centred, r = NativeGroupNormStats._rows(x, stats, eps)
        dx = t[0].reshape(stats)
        return dy, dx.mean(-1), -(r * r * r).squeeze(-1) * (centred * dx).mean(-1)

    @staticmethod
    def backward(ctx, g, g_mean, g_rstd):
        x = ctx.saved_tensors[0]
        dx, dw, db = _RowNorm.backward(ctx, g if g is not None else x.new_zeros(x.shape))
        if ctx.needs_input_grad[0] and (g_mean is not None or g_rstd is not None):
            stats, _, _, eps = ctx.layout
            centred, r = NativeGroupNormStats._rows(x, stats, eps)
            k = stats[-1]
            extra = 0
            if g_mean is not None:
                extra = g_mean.unsqueeze(-1) / k
            if g_rstd is not None:
                extra = extra - g_rstd.unsqueeze(-1) * r * r * r * centred / k
            dx = dx + extra.expand(centred.shape).reshape(x.shape)
        return dx, dw, db


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """torch.native_group_norm -> (out, mean, rstd): ``group_norm``'s output and each (sample, group)'s mean and
    1/√(biased variance + ε), of shape (N, group), all three outputs of one NativeGroupNormBackward0 node, the
    statistics differentiable too (as in torch; see NativeGroupNormStats)."""
    return _group_norm(NativeGroupNormStats, input, group, weight, bias, eps)
