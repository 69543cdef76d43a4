"""where: choosing elementwise between two tensors by a condition. Many VJPs choose with it (clamp's, pow's, relu's
derivatives are piecewise), so it sits below the families that use it: arithmetic and pointwise import it."""
import warnings

import numpy as np

from .._dtype import bool_, result_type, uint8
from ..kernels.masks import select_fast
from ..tensor import Tensor, _make
from .op import Op


class Where(Op):
    """z = x where c else y (c is a bool array, not differentiated).   VJP: dx = g where c,  dy = g where not c."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, c, x, y, dtype):
        ctx.save_for_backward(c)
        if x.dtype == y.dtype == dtype and c.dtype == np.bool_:
            return select_fast(c, x, y)  # kernels/masks.py: np.where by bit masks
        return np.where(c, x, y).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        c, = ctx.saved_tensors
        dx, dy = ctx.needs_input_grad
        return (where(c, g, 0.0) if dx else None), (where(c, 0.0, g) if dy else None)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other`` (tensors or numbers, broadcast together).
    ``where(condition)`` alone gives the indices of its true elements, one tensor per dim."""
    if input is None and other is None:
        return tuple(_make(i) for i in np.nonzero(np.atleast_1d(condition._data)))
    if condition.dtype is uint8:
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
                      "future version of PyTorch. Use a boolean condition instead.")
    elif condition.dtype is not bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.scalar_name}")
    dtype = result_type(input, other).np
    x, y = (v if isinstance(v, Tensor) else _make(np.asarray(v, dtype)) for v in (input, other))
    return Where.apply(condition._data.astype(bool, copy=False), x, y, dtype)


def _where_method(self, condition, other):
    """``x.where(condition, y)`` is ``where(condition, x, y)``."""
    return where(condition, self, other)
