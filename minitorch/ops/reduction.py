"""Reductions: sum and mean over all or some dims, with ``keepdim``.

Their VJP spreads the gradient back over the reduced dims: reshape it so that the reduced dims are
size 1 again, then broadcast (``expand``) it to the input's shape.
"""
import numpy as np

from .._dtype import get_default_dtype, int64
from ..autograd.function import Op


def normalize_dims(dim, ndim):
    """``dim`` (None, int, or tuple) as a sorted tuple of non-negative dims; None means all."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        out.append(d % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return tuple(sorted(out)) if ndim else ()


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduction's output gradient ``g`` back to the input ``shape``."""
    if not keepdim and dims:
        kept = list(shape)
        for d in dims:
            kept[d] = 1
        g = g.reshape(kept)
    return g.expand(shape)


def _sum_dtype(a):
    # torch sums integers (and bools) in int64
    return np.int64 if a.dtype.kind in "biu" else None


class Sum(Op):
    """z = Σ a over all elements.   VJP: da = g broadcast to a's shape."""
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.shape = a.shape
        return np.asarray(a.sum(dtype=dtype.np if dtype else _sum_dtype(a)))

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape)


class SumDim(Op):
    """z = Σ a over ``dims``.   VJP: da = g, with the summed dims restored, broadcast to a's shape."""
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        return np.asarray(a.sum(axis=dims, keepdims=keepdim, dtype=dtype.np if dtype else _sum_dtype(a)))

    @staticmethod
    def backward(ctx, g):
        return expand_reduced(g, ctx.shape, ctx.dims, ctx.keepdim)


class Mean(Op):
    """z = (1/n) Σ a.   VJP: da = g / n broadcast to a's shape."""
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        ctx.n = a.size
        return np.asarray(a.mean())

    @staticmethod
    def backward(ctx, g):
        return (g / ctx.n).expand(ctx.shape)


class MeanDim(Op):
    """z = mean of a over ``dims``.   VJP: da = g / n (n = elements per mean) broadcast to a's shape."""
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.n = int(np.prod([a.shape[d] for d in dims]))
        return np.asarray(a.mean(axis=dims, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return expand_reduced(g / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None and not keepdim:
        return Sum.apply(input, dtype)
    return SumDim.apply(input, normalize_dims(dim, input.ndim), keepdim, dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {_type_word(input)}")
    if dim is None and not keepdim:
        return Mean.apply(input)
    return MeanDim.apply(input, normalize_dims(dim, input.ndim), keepdim)


def _type_word(t):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(t.dtype.name, t.dtype.name)


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (the reverse of broadcasting): used for gradients of broadcast ops."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if tuple(input.shape) == shape:
        return input
    lead = input.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"size {list(shape)} is not expandable to size {list(input.shape)}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and input.shape[lead + i] != 1)
    for i, s in enumerate(shape):
        if s != 1 and s != input.shape[lead + i]:
            raise RuntimeError(f"size {list(shape)} is not expandable to size {list(input.shape)}.")
    out = SumDim.apply(input, dims, True, None) if dims else input
    return out.reshape(shape) if lead else out


TENSOR_METHODS = {"sum": sum, "mean": mean, "sum_to_size": sum_to_size}
