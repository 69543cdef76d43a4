"""Clamping: maximum, minimum, fmax, fmin, clamp (clip, clamp_min, clamp_max)."""
import math

import numpy as np

from ..._dtype import bool_, result_type
from ...tensor import Tensor, _make
from ..arithmetic import _out
from ..op import Op
from ..where import where
from ._common import _number, _tensor_only


class Maximum(Op):
    """z = max(a, b).   VJP: da = g where a > b,  db = g where b > a; a tie splits g in halves."""
    node_name = "MaximumBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        tie = where(a == b, g / 2, 0.0)
        return (where(a > b, g, tie) if da else None), (where(b > a, g, tie) if db else None)


def maximum(input, other, *, out=None):
    _tensor_only("maximum", other)
    return _out(Maximum.apply(input, other), out)


class Minimum(Op):
    """z = min(a, b).   VJP: da = g where a < b,  db = g where b < a; a tie splits g in halves."""
    node_name = "MinimumBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        tie = where(a == b, g / 2, 0.0)
        return (where(a < b, g, tie) if da else None), (where(b < a, g, tie) if db else None)


def minimum(input, other, *, out=None):
    _tensor_only("minimum", other)
    return _out(Minimum.apply(input, other), out)


class Fmax(Op):
    """z = max(a, b), the number where the other is NaN.   VJP: da = g where not a < b,  db = g where not b < a;
    a tie splits g in halves (where a NaN is involved both get g, as torch's)."""
    node_name = "FmaxBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmax(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        split = where(a == b, g / 2, g)
        lost_a, lost_b = (a < b, b < a) if cls is Fmax else (a > b, b > a)
        return (where(lost_a, 0.0, split) if da else None), (where(lost_b, 0.0, split) if db else None)


def fmax(input, other, *, out=None):
    _tensor_only("fmax", other)
    return _out(Fmax.apply(input, other), out)


class Fmin(Fmax):
    """z = min(a, b), the number where the other is NaN.   VJP: da = g where not a > b,  db = g where not b > a;
    a tie splits g in halves."""
    node_name = "FminBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmin(a, b)


def fmin(input, other, *, out=None):
    _tensor_only("fmin", other)
    return _out(Fmin.apply(input, other), out)


class Clamp(Op):
    """z = min(max(a, lo), hi) for numbers lo, hi (either may be None).
    VJP: da = g where lo < a < hi (0 at the bounds, as torch)."""
    node_name = "ClampBackward1"
    elementwise = True

    @staticmethod
    def forward(ctx, a, lo, hi, dtype):
        a = a.astype(dtype, copy=False)  # clamp(int_tensor, 0.5) is a float tensor
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(a, _number(lo, dtype), _number(hi, dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo = -math.inf if ctx.lo is None else ctx.lo
        hi = math.inf if ctx.hi is None else ctx.hi
        return where((a > lo) & (a < hi), g, 0.0)


class ClampTensor(Op):
    """z = min(max(a, lo), hi) for tensors lo, hi (z = hi where lo > hi).
    VJP, with ties split as in maximum:
      da  = g where lo <= a <= hi; g/2 where a equals exactly one of the bounds
      dlo = g where a < lo <= hi;  g/2 where a == lo < hi
      dhi = g where hi < lo or hi < a;  g/2 where a == hi > lo"""
    node_name = "ClampBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        return np.minimum(np.maximum(a, lo), hi)

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        need_a, need_lo, need_hi = ctx.needs_input_grad
        half, ordered = g / 2, lo < hi
        da = where((a >= lo) & (a <= hi), where((a == lo) ^ (a == hi), half, g), 0.0) if need_a else None
        dlo = where((a < lo) & (lo <= hi), g, where((a == lo) & ordered, half, 0.0)) if need_lo else None
        dhi = where((hi < lo) | (a > hi), g, where((a == hi) & ordered, half, 0.0)) if need_hi else None
        return da, dlo, dhi


def clamp(input, min=None, max=None, *, out=None):
    """Limit ``input`` to [min, max]; numbers or tensors (broadcast) as bounds; where min > max, max wins."""
    return _clamp("clamp", input, min, max, out)


def clip(input, min=None, max=None, *, out=None):
    return _clamp("clip", input, min, max, out)


def _clamp(fn_name, input, min, max, out):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if min is not None and max is not None and isinstance(min, Tensor) != isinstance(max, Tensor):
        min, max = _number_bounds(fn_name, input, min, max)
    dtype = result_type(*(x for x in (input, min, max) if x is not None))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = _unbounded(dtype, upper=False) if min is None else min
        hi = _unbounded(dtype, upper=True) if max is None else max
        return _out(ClampTensor.apply(input, lo, hi), out)
    return _out(Clamp.apply(input, min, max, dtype.np), out)


def _number_bounds(fn_name, input, min, max):
    """A tensor bound beside a number: torch reads a 0-d tensor that needs no grad as a number, and
    rejects any other mix."""
    if all(not isinstance(b, Tensor) or (b.ndim == 0 and not b.requires_grad) for b in (min, max)):
        return [b.item() if isinstance(b, Tensor) else b for b in (min, max)]
    got = ", ".join(type(x).__name__ for x in (input, min, max))
    raise TypeError(f"{fn_name}() received an invalid combination of arguments - got ({got}), but expected one "
                    f"of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
                    f" * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")


def _unbounded(dtype, upper):
    """A constant bound that never binds, for a missing one: like torch's node, ours then has an edge
    to nothing in its place."""
    if dtype.is_floating_point:
        value = np.inf if upper else -np.inf
    elif dtype is bool_:
        value = upper
    else:
        value = np.iinfo(dtype.np).max if upper else np.iinfo(dtype.np).min
    return _make(np.asarray(value, dtype.np))


class ClampMin(Op):
    """z = max(a, lo) for a number lo.   VJP: da = g where a > lo."""
    node_name = "ClampMinBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, lo, dtype):
        a = a.astype(dtype, copy=False)
        ctx.save_for_backward(a)
        ctx.lo = lo
        return np.maximum(a, _number(lo, dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return where(a > ctx.lo, g, 0.0)


class ClampMinTensor(Maximum):
    """z = max(a, lo) for a tensor lo: maximum under another name."""
    node_name = "ClampMinBackward1"


def clamp_min(input, min):
    if isinstance(min, Tensor):
        return ClampMinTensor.apply(input, min)
    return ClampMin.apply(input, min, result_type(input, min).np)


class ClampMax(Op):
    """z = min(a, hi) for a number hi.   VJP: da = g where a < hi."""
    node_name = "ClampMaxBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, hi, dtype):
        a = a.astype(dtype, copy=False)
        ctx.save_for_backward(a)
        ctx.hi = hi
        return np.minimum(a, _number(hi, dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return where(a < ctx.hi, g, 0.0)


class ClampMaxTensor(Minimum):
    """z = min(a, hi) for a tensor hi: minimum under another name."""
    node_name = "ClampMaxBackward1"


def clamp_max(input, max):
    if isinstance(max, Tensor):
        return ClampMaxTensor.apply(input, max)
    return ClampMax.apply(input, max, result_type(input, max).np)
