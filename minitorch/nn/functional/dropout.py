"""Dropout: in training, zero each element (dropout) or each whole channel (dropout2d) with probability p
and scale the survivors by 1/(1-p), so that the expected value is unchanged. In evaluation, or with p = 0,
the input is returned as it is.

The result is ``input * noise`` with a constant noise tensor (0 or 1/(1-p)), exactly as torch computes it,
so the graph node is torch's ``MulBackward0`` and the gradient is ``g * noise``: the same mask as forward.
"""
import warnings

import numpy as np

from ...random import rng
from ...tensor import _make


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise(input, shape, p):
    """Bernoulli(1-p) draws of ``shape`` divided by (1-p), in the input's dtype; all zeros when p = 1."""
    dtype = input._data.dtype
    if p == 1:
        return _make(np.zeros((), dtype))
    keep = rng().random(shape) >= p
    return _make(keep.astype(dtype) / dtype.type(1 - p))


def _apply(input, p, training, inplace, noise_shape):
    if not training or p == 0 or input.numel() == 0:
        return input
    noise = _noise(input, noise_shape, p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` (in training) and scale the rest by 1/(1-p)."""
    _check_p(p)
    return _apply(input, p, training, inplace, tuple(input.shape))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: each (n, c) feature map is kept or dropped as one (input (N, C, H, W))."""
    _check_p(p)
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    # one draw per (sample, channel), broadcast over the remaining dims
    return _apply(input, p, training, inplace, tuple(input.shape[:2]) + (1,) * (input.dim() - 2))


def _feature_shape(input):
    """One draw per (sample, channel), broadcast over the remaining dims."""
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return tuple(input.shape[:2]) + (1,) * (input.dim() - 2)


def _feature_dropout(input, p, training, inplace, batched):
    """dropout1d and dropout3d: whole channels, with a batch dim added for an unbatched input (and taken
    away again), in place too, as torch does."""
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = input if not training or p == 0 or input.numel() == 0 else \
        _apply(input, p, training, inplace, _feature_shape(input))
    if not batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) input (or unbatched (C, L)) with probability p; scale the rest by 1/(1-p)."""
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.dim() == 3)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) input (or unbatched (C, D, H, W)) with probability p."""
    _check_p(p)
    if input.dim() not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on "
                      "inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.dim() == 5)


# SELU's λ·α: the value a SELU unit tends to for very negative inputs (negated), where alpha dropout sends
# the dropped units
_ALPHA = 1.7580993408473766


def _alpha_dropout(input, p, training, inplace, feature):
    """Alpha dropout keeps SELU's self-normalisation: dropped units become -λα instead of 0, and the result
    is scaled and shifted back to the input's mean and variance: x·keep·a + b, with a = 1/√((α²p + 1)(1 - p))
    and b = α·a·(p - (1 - keep)), exactly as torch computes it (``input * noise``, then ``+ b``)."""
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    dtype = input._data.dtype
    if p == 1:
        zero = _make(np.zeros((), dtype))
        return input.mul_(zero) if inplace else input * zero
    keep = (rng().random(_feature_shape(input) if feature else tuple(input.shape)) >= p).astype(dtype)
    a = 1.0 / np.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = _make(((keep - 1) * dtype.type(_ALPHA * a) + dtype.type(_ALPHA * a * p)).astype(dtype))
    noise = _make((keep * dtype.type(a)).astype(dtype))
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: keeps the mean and variance of the input (see _alpha_dropout)."""
    return _alpha_dropout(input, p, training, inplace, feature=False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (one draw per sample and channel)."""
    return _alpha_dropout(input, p, training, inplace, feature=True)
