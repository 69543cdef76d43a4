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
