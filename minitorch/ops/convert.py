"""Copies and dtype conversions."""
from ..autograd import grad_mode
from .op import Op


class ToCopy(Op):
    """z = a converted to another dtype.   VJP: da = g converted back (the engine casts it)."""
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        return a.astype(dtype.np)

    @staticmethod
    def backward(ctx, g):
        return g


class Clone(Op):
    """z = a copy of a.   VJP: da = g."""
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def to_dtype(input, dtype):
    if dtype.np == input._data.dtype:
        return input
    if input.requires_grad and not dtype.is_floating_point:
        with grad_mode.no_grad():  # integer results carry no gradient
            return ToCopy.apply(input, dtype)
    return ToCopy.apply(input, dtype)


def clone(input, *, memory_format=None):
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    """``input`` itself when already C-contiguous (as torch), else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Clone.apply(input)
