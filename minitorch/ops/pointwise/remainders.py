"""Remainders: fmod (the sign of the dividend, as C) and remainder (the sign of the divisor, as Python's %)."""
import numpy as np

from ..._dtype import result_type
from ...tensor import Tensor
from ..arithmetic import _out, div
from ..op import Op
from ._common import _compute, _number


def _check_integer_divisor(a, b):
    if a.dtype.kind in "iub" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


# fmod and remainder differ only in how a/b is rounded (``rounding``: "trunc" or "floor") and in the NumPy
# function that computes them; each comes as two Ops, as in torch: b a number (Backward0), b a tensor (Backward1).
class _ModNumber(Op):
    """z = a - b·round(a/b) for a number b.   VJP: da = g."""
    ufunc = None

    @classmethod
    def forward(cls, ctx, a, b, dtype):
        _check_integer_divisor(a, b)
        return _compute(cls.ufunc, a.astype(dtype, copy=False), _number(b, dtype))

    @staticmethod
    def backward(ctx, g):
        return g


class _ModTensor(Op):
    """z = a - b·round(a/b).   VJP: da = g,  db = -g round(a/b)."""
    promotes = True
    ufunc, rounding = None, None

    @classmethod
    def forward(cls, ctx, a, b):
        _check_integer_divisor(a, b)
        ctx.save_for_backward(a, b)
        return _compute(cls.ufunc, a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        return g, (-g * div(a, b, rounding_mode=cls.rounding) if ctx.needs_input_grad[1] else None)


class Fmod(_ModNumber):
    """z = a - b·trunc(a/b) for a number b (the sign of a, as C's fmod).   VJP: da = g."""
    node_name = "FmodBackward0"
    elementwise = True
    ufunc = np.fmod


class FmodTensor(_ModTensor):
    """z = a - b·trunc(a/b).   VJP: da = g,  db = -g trunc(a/b)."""
    node_name = "FmodBackward1"
    ufunc, rounding = np.fmod, "trunc"


def fmod(input, other, *, out=None):
    """The remainder of input / other with the sign of input (C's fmod)."""
    if isinstance(other, Tensor):
        return _out(FmodTensor.apply(input, other), out)
    return _out(Fmod.apply(input, other, result_type(input, other).np), out)


class Remainder(_ModNumber):
    """z = a - b·floor(a/b) for a number b (the sign of b, as Python's %).   VJP: da = g."""
    node_name = "RemainderBackward0"
    ufunc = np.remainder


class RemainderTensor(_ModTensor):
    """z = a - b·floor(a/b).   VJP: da = g,  db = -g floor(a/b)."""
    node_name = "RemainderBackward1"
    ufunc, rounding = np.remainder, "floor"


def remainder(input, other, *, out=None):
    """The remainder of input / other with the sign of other (Python's %)."""
    if isinstance(other, Tensor):  # ``2 % x`` too: the number becomes a constant tensor
        return _out(RemainderTensor.apply(input, other), out)
    return _out(Remainder.apply(input, other, result_type(input, other).np), out)


def _rmod(self, other):
    """``2 % x`` is ``remainder(2, x)``."""
    return remainder(other, self)
