"""Pointwise math: exp, log, trigonometry, activations, rounding, clamp, where, ... one element at a time.

Each VJP multiplies the incoming gradient by the derivative at each element. Functions of floats
(exp, sin, sigmoid, ...) compute integer and bool inputs in the default dtype, as torch does
(``exp(int_tensor)`` is float32); value-preserving ones (abs, relu, floor, clamp, ...) keep the dtype.
Where the derivative is not defined (relu at 0, a tie in maximum, ...) the VJPs use torch's choices.
"""
import math
import warnings

import numpy as np

from .._dtype import bool_, get_default_dtype, result_type, uint8
from .op import Op
from ..kernels.erf import erf_fast
from ..kernels.masks import select_fast
from ..tensor import Tensor, _make
from .arithmetic import _out, div, pow

LN2, LN10 = math.log(2.0), math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _float(a):
    """``a`` itself if floating point, else converted to the default dtype."""
    return a if a.dtype.kind == "f" else a.astype(get_default_dtype().np)


def _compute(fn, *arrays):
    """``fn(*arrays)`` as torch computes it: half precision in float32, rounded once at the end, and
    without NumPy's warnings (torch returns inf and nan silently: log(0), exp(1000))."""
    dtype = arrays[0].dtype
    if dtype == np.float16:
        arrays = [x.astype(np.float32) for x in arrays]
    with np.errstate(all="ignore"):
        return np.asarray(fn(*arrays)).astype(dtype, copy=False)


def _number(value, dtype):
    """A number as torch casts it into a tensor's dtype (-1 is 255 as a uint8); None stays None."""
    return None if value is None else np.asarray(value).astype(dtype)


def _zeros(g):
    """The gradient of a function that is flat almost everywhere (sign, floor, ...)."""
    return _make(np.zeros_like(g._data))


def _not_implemented(kernel, input):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")


def _tensor_only(fn_name, value):
    """torch's TypeError for a number where only a Tensor is accepted (``maximum(x, 2)``)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn_name}(): argument 'other' (position 2) must be Tensor, not {type(value).__name__}")


# -- exponentials and logarithms ------------------------------------------------------------------------
class Exp(Op):
    """z = e^a.   VJP: da = g * z."""
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.exp, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z


class Exp2(Op):
    """z = 2^a.   VJP: da = g * z * ln 2."""
    node_name = "Exp2Backward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.exp2, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z * LN2


class Expm1(Op):
    """z = e^a - 1 (exact for small a).   VJP: da = g * (z + 1)."""
    node_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.expm1, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (z + 1)


class Log(Op):
    """z = ln a.   VJP: da = g / a."""
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a


class Log2(Op):
    """z = log2 a.   VJP: da = g / (a ln 2)."""
    node_name = "Log2Backward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log2, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * LN2)


class Log10(Op):
    """z = log10 a.   VJP: da = g / (a ln 10)."""
    node_name = "Log10Backward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log10, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * LN10)


class Log1p(Op):
    """z = ln(1 + a) (exact for small a).   VJP: da = g / (1 + a)."""
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log1p, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a + 1)


class Sqrt(Op):
    """z = √a.   VJP: da = g / (2z)."""
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.sqrt, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g / (2 * z)


class Rsqrt(Op):
    """z = 1/√a.   VJP: da = -g z³ / 2."""
    node_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(lambda x: 1 / np.sqrt(x), _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return -0.5 * g * z * z * z


# -- trigonometric and hyperbolic functions ---------------------------------------------------------------
class Sin(Op):
    """z = sin a.   VJP: da = g cos a."""
    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.sin, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()


class Cos(Op):
    """z = cos a.   VJP: da = -g sin a."""
    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.cos, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * a.sin()


class Tan(Op):
    """z = tan a.   VJP: da = g (1 + z²)."""
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.tan, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (1 + z * z)


class Asin(Op):
    """z = arcsin a.   VJP: da = g / √(1 - a²)."""
    node_name = "AsinBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arcsin, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (1 - a * a).rsqrt()


class Acos(Op):
    """z = arccos a.   VJP: da = -g / √(1 - a²)."""
    node_name = "AcosBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arccos, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * (1 - a * a).rsqrt()


class Atan(Op):
    """z = arctan a.   VJP: da = g / (1 + a²)."""
    node_name = "AtanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arctan, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (1 + a * a)


class Sinh(Op):
    """z = sinh a.   VJP: da = g cosh a."""
    node_name = "SinhBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.sinh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cosh()


class Cosh(Op):
    """z = cosh a.   VJP: da = g sinh a."""
    node_name = "CoshBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.cosh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sinh()


class Tanh(Op):
    """z = tanh a.   VJP: da = g (1 - z²)."""
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        z = np.tanh(_float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (1 - z * z)


class Atan2(Op):
    """z = atan2(a, b), the angle of the point (b, a).   VJP: da = g b / (a² + b²),  db = -g a / (a² + b²)."""
    node_name = "Atan2Backward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(_float(a), _float(b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        r2 = a * a + b * b
        return (g * b / r2 if da else None), (-g * a / r2 if db else None)


# -- activations and special functions --------------------------------------------------------------------
class Sigmoid(Op):
    """z = 1 / (1 + e^-a).   VJP: da = g z (1 - z)."""
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        z = _compute(lambda x: 1 / (1 + np.exp(-x)), _float(a))  # e^-a overflows to inf: z is 0, correctly
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z * (1 - z)


class Relu(Op):
    """z = max(a, 0).   VJP: da = g where not z <= 0 (0 at a = 0, g at a = NaN, as torch)."""
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        z = np.maximum(a, 0)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return ThresholdBackward.apply(g, z)


class ThresholdBackward(Op):
    """relu's VJP as an operation of its own, as in torch: h = g where not z <= 0, else 0.
    VJP: dg = gg where not z <= 0;  dz = 0 (the mask is piecewise constant in z). Being an operation on z, it
    keeps a second derivative connected to the graph, so it comes out as zeros, as torch's does."""
    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, z):
        ctx.save_for_backward(z)
        # torch's mask is ``z <= 0 ? 0 : g``: NaN passes the gradient. z = relu(a) is >= 0 or NaN, so that mask is
        # z != 0, one comparison (z > 0 would drop the gradient at NaN)
        return select_fast(np.asarray(z != 0), np.asarray(g), np.zeros((), g.dtype))  # kernels/masks.py

    @staticmethod
    def backward(ctx, gg):
        z, = ctx.saved_tensors
        dg, dz = ctx.needs_input_grad
        return (ThresholdBackward.apply(gg, z) if dg else None), (_make(np.zeros_like(z._data)) if dz else None)


class Erf(Op):
    """z = erf a = (2/√π) ∫₀ᵃ e^(-t²) dt.   VJP: da = g (2/√π) e^(-a²)."""
    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, a):
        a = _float(a)
        ctx.save_for_backward(a)
        return erf_fast(a)  # kernels/erf.py: NumPy has no erf

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * TWO_OVER_SQRT_PI * (-(a * a)).exp()


class Logaddexp(Op):
    """z = ln(e^a + e^b), without overflow.   VJP: da = g / (1 + e^(b-a)),  db = g / (1 + e^(a-b))."""
    node_name = "LogaddexpBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g / (1 + (b - a).exp()) if da else None), (g / (1 + (a - b).exp()) if db else None)


# -- sign, absolute value and rounding (flat almost everywhere) ----------------------------------------
def _sign(a):
    """-1, 0 or 1; 0 for nan, as torch (NumPy's sign gives nan)."""
    if a.dtype == np.bool_:
        return a.copy()
    return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)


class Abs(Op):
    """z = |a|.   VJP: da = g sign(a) (0 at a = 0)."""
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sgn()


class Sign(Op):
    """z = sign(a).   VJP: da = 0."""
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return _sign(a)

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


class Sgn(Sign):
    """z = sgn(a), for real numbers the same as sign(a).   VJP: da = 0."""
    node_name = "SgnBackward0"


class Floor(Op):
    """z = ⌊a⌋.   VJP: da = 0."""
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.floor(a) if a.dtype.kind == "f" else a.copy()

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


class Ceil(Floor):
    """z = ⌈a⌉.   VJP: da = 0."""
    node_name = "CeilBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.ceil(a) if a.dtype.kind == "f" else a.copy()


class Trunc(Floor):
    """z = a rounded towards zero.   VJP: da = 0."""
    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.trunc(a) if a.dtype.kind == "f" else a.copy()


class Round(Floor):
    """z = a rounded to the nearest integer, halves to even (0.5 -> 0, 1.5 -> 2).   VJP: da = 0."""
    node_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.round(a) if a.dtype.kind == "f" else a.copy()


class RoundDecimals(Floor):
    """z = a rounded to ``decimals`` decimal places (halves to even).   VJP: da = 0."""
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        return np.round(a, decimals)


class Frac(Op):
    """z = a - trunc(a).   VJP: da = g."""
    node_name = "FracBackward0"

    @staticmethod
    def forward(ctx, a):
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return g


class NanToNum(Op):
    """z = a with nan, +inf, -inf replaced by numbers.   VJP: da = g where a is finite, else 0."""
    node_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return where(isfinite(a), g, 0.0)


# -- clamping, maximum, minimum, where ---------------------------------------------------------------------
class Clamp(Op):
    """z = min(max(a, lo), hi) for numbers lo, hi (either may be None).
    VJP: da = g where lo < a < hi (0 at the bounds, as torch)."""
    node_name = "ClampBackward1"

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


class ClampMin(Op):
    """z = max(a, lo) for a number lo.   VJP: da = g where a > lo."""
    node_name = "ClampMinBackward0"

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


class ClampMax(Op):
    """z = min(a, hi) for a number hi.   VJP: da = g where a < hi."""
    node_name = "ClampMaxBackward0"

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


class ClampMinTensor(Maximum):
    """z = max(a, lo) for a tensor lo: maximum under another name."""
    node_name = "ClampMinBackward1"


class ClampMaxTensor(Minimum):
    """z = min(a, hi) for a tensor hi: minimum under another name."""
    node_name = "ClampMaxBackward1"


class Where(Op):
    """z = x where c else y (c is a bool array, not differentiated).   VJP: dx = g where c,  dy = g where not c."""
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


# -- blends and remainders --------------------------------------------------------------------------------
def _lerp(a, b, w):
    # torch's formula: from the nearer end, so that w = 0 gives exactly a and w = 1 exactly b
    return np.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


class Lerp(Op):
    """z = a + w (b - a) for a number w.   VJP: da = g (1 - w),  db = g w."""
    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        return _lerp(a, b, np.asarray(w, a.dtype))

    @staticmethod
    def backward(ctx, g):
        return g * (1 - ctx.w), g * ctx.w


class LerpTensor(Op):
    """z = a + w (b - a) for a tensor w.   VJP: da = g (1 - w),  db = g w,  dw = g (b - a)."""
    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        w = w.astype(a.dtype, copy=False)  # a 0-d weight of another float type is allowed
        ctx.save_for_backward(a, b, w)
        return _lerp(a, b, w)

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        da, db, dw = ctx.needs_input_grad
        return (g * (1 - w) if da else None), (g * w if db else None), (g * (b - a) if dw else None)


class Addcmul(Op):
    """z = a + v·b·c for a number v.   VJP: da = g,  db = g v c,  dc = g v b."""
    node_name = "AddcmulBackward0"
    promotes = 3  # a, b, c; not the number v

    @staticmethod
    def forward(ctx, a, b, c, value):
        ctx.save_for_backward(b, c)
        ctx.value = value
        return a + _number(value, a.dtype) * b * c

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        da, db, dc = ctx.needs_input_grad
        v = ctx.value
        return g, (g * v * c if db else None), (g * v * b if dc else None)


class Addcdiv(Op):
    """z = a + v·b/c for a number v.   VJP: da = g,  db = g v / c,  dc = -g v b / c²."""
    node_name = "AddcdivBackward0"
    promotes = 3  # a, b, c; not the number v

    @staticmethod
    def forward(ctx, a, b, c, value):
        ctx.save_for_backward(b, c)
        ctx.value = value
        return _compute(lambda a, b, c: a + _number(value, a.dtype) * b / c, a, b, c)

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        da, db, dc = ctx.needs_input_grad
        v = ctx.value
        return g, (g * v / c if db else None), (-g * v * b / (c * c) if dc else None)


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
    ufunc = np.fmod


class FmodTensor(_ModTensor):
    """z = a - b·trunc(a/b).   VJP: da = g,  db = -g trunc(a/b)."""
    node_name = "FmodBackward1"
    ufunc, rounding = np.fmod, "trunc"


class Remainder(_ModNumber):
    """z = a - b·floor(a/b) for a number b (the sign of b, as Python's %).   VJP: da = g."""
    node_name = "RemainderBackward0"
    ufunc = np.remainder


class RemainderTensor(_ModTensor):
    """z = a - b·floor(a/b).   VJP: da = g,  db = -g floor(a/b)."""
    node_name = "RemainderBackward1"
    ufunc, rounding = np.remainder, "floor"


# -- the functions --------------------------------------------------------------------------------------
def exp(input, *, out=None):
    return _out(Exp.apply(input), out)


def exp2(input, *, out=None):
    return _out(Exp2.apply(input), out)


def expm1(input, *, out=None):
    return _out(Expm1.apply(input), out)


def log(input, *, out=None):
    return _out(Log.apply(input), out)


def log2(input, *, out=None):
    return _out(Log2.apply(input), out)


def log10(input, *, out=None):
    return _out(Log10.apply(input), out)


def log1p(input, *, out=None):
    return _out(Log1p.apply(input), out)


def sqrt(input, *, out=None):
    return _out(Sqrt.apply(input), out)


def rsqrt(input, *, out=None):
    return _out(Rsqrt.apply(input), out)


def square(input, *, out=None):
    """input ** 2: torch records it as a power (PowBackward0)."""
    return _out(pow(input, 2), out)


def sin(input, *, out=None):
    return _out(Sin.apply(input), out)


def cos(input, *, out=None):
    return _out(Cos.apply(input), out)


def tan(input, *, out=None):
    return _out(Tan.apply(input), out)


def asin(input, *, out=None):
    return _out(Asin.apply(input), out)


def acos(input, *, out=None):
    return _out(Acos.apply(input), out)


def atan(input, *, out=None):
    return _out(Atan.apply(input), out)


def sinh(input, *, out=None):
    return _out(Sinh.apply(input), out)


def cosh(input, *, out=None):
    return _out(Cosh.apply(input), out)


def tanh(input, *, out=None):
    return _out(Tanh.apply(input), out)


def atan2(input, other, *, out=None):
    _tensor_only("atan2", other)
    return _out(Atan2.apply(input, other), out)


def sigmoid(input, *, out=None):
    return _out(Sigmoid.apply(input), out)


def relu(input):
    if input.dtype is bool_:
        raise NotImplementedError("Boolean inputs not supported for relu")
    return Relu.apply(input)


def erf(input, *, out=None):
    return _out(Erf.apply(input), out)


def logaddexp(input, other, *, out=None):
    _tensor_only("logaddexp", other)
    if not result_type(input, other).is_floating_point:
        raise _not_implemented("logaddexp_cpu", input)
    return _out(Logaddexp.apply(input, other), out)


def abs(input, *, out=None):
    if input.dtype is bool_:
        raise _not_implemented("abs_cpu", input)
    return _out(Abs.apply(input), out)


def sign(input, *, out=None):
    return _out(Sign.apply(input), out)


def sgn(input, *, out=None):
    return _out(Sgn.apply(input), out)


def _rounding(op, name, input, out):
    if input.dtype is bool_:
        raise _not_implemented(f"{name}_vml_cpu", input)
    return _out(op.apply(input), out)


def floor(input, *, out=None):
    return _rounding(Floor, "floor", input, out)


def ceil(input, *, out=None):
    return _rounding(Ceil, "ceil", input, out)


def trunc(input, *, out=None):
    return _rounding(Trunc, "trunc", input, out)


def round(input, *, decimals=0, out=None):
    if decimals == 0:
        return _rounding(Round, "round", input, out)
    if not input.is_floating_point():
        raise _not_implemented("round_cpu", input)
    return _out(RoundDecimals.apply(input, decimals), out)


fix = trunc


def frac(input, *, out=None):
    if not input.is_floating_point():
        raise _not_implemented("frac_cpu", input)
    return _out(Frac.apply(input), out)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """nan -> ``nan``; ±inf -> ``posinf``/``neginf`` (default: the dtype's largest/smallest finite value)."""
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


def isnan(input):
    return _make(np.isnan(input._data))


def isinf(input):
    return _make(np.isinf(input._data))


def isfinite(input):
    return _make(np.isfinite(input._data))


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


def clamp_min(input, min):
    if isinstance(min, Tensor):
        return ClampMinTensor.apply(input, min)
    return ClampMin.apply(input, min, result_type(input, min).np)


def clamp_max(input, max):
    if isinstance(max, Tensor):
        return ClampMaxTensor.apply(input, max)
    return ClampMax.apply(input, max, result_type(input, max).np)


def maximum(input, other, *, out=None):
    _tensor_only("maximum", other)
    return _out(Maximum.apply(input, other), out)


def minimum(input, other, *, out=None):
    _tensor_only("minimum", other)
    return _out(Minimum.apply(input, other), out)


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


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input); ``weight`` a number or a tensor."""
    if not input.is_floating_point():
        raise _not_implemented("lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar", input)
    _same_dtype(input, end, "end")
    if isinstance(weight, Tensor):
        if weight.ndim:
            _same_dtype(input, weight, "weight")
        return _out(LerpTensor.apply(input, end, weight), out)
    return _out(Lerp.apply(input, end, weight), out)


def _same_dtype(input, other, name):
    if other.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {input.dtype.cpp_name} for `{name}` but got dtype "
                           f"{other.dtype.cpp_name}")


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2."""
    if result_type(input, tensor1, tensor2) is bool_:
        raise _not_implemented("addcmul_cpu_out", input)
    return _out(Addcmul.apply(input, tensor1, tensor2, value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2."""
    if not result_type(tensor1, tensor2).is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    return _out(Addcdiv.apply(input, tensor1, tensor2, value), out)


def fmod(input, other, *, out=None):
    """The remainder of input / other with the sign of input (C's fmod)."""
    if isinstance(other, Tensor):
        return _out(FmodTensor.apply(input, other), out)
    return _out(Fmod.apply(input, other, result_type(input, other).np), out)


def remainder(input, other, *, out=None):
    """The remainder of input / other with the sign of other (Python's %)."""
    if isinstance(other, Tensor):  # ``2 % x`` too: the number becomes a constant tensor
        return _out(RemainderTensor.apply(input, other), out)
    return _out(Remainder.apply(input, other, result_type(input, other).np), out)


TENSOR_METHODS = {
    "exp": exp, "exp2": exp2, "expm1": expm1, "log": log, "log2": log2, "log10": log10, "log1p": log1p,
    "sqrt": sqrt, "rsqrt": rsqrt, "square": square, "sin": sin, "cos": cos, "tan": tan, "asin": asin,
    "acos": acos, "atan": atan, "arcsin": asin, "arccos": acos, "arctan": atan, "sinh": sinh, "cosh": cosh,
    "tanh": tanh, "atan2": atan2, "arctan2": atan2, "sigmoid": sigmoid, "relu": relu, "erf": erf,
    "logaddexp": logaddexp, "abs": abs, "absolute": abs, "sign": sign, "sgn": sgn, "floor": floor, "ceil": ceil,
    "trunc": trunc, "fix": fix, "round": round, "frac": frac, "nan_to_num": nan_to_num, "isnan": isnan,
    "isinf": isinf, "isfinite": isfinite, "clamp": clamp, "clip": clip, "clamp_min": clamp_min,
    "clamp_max": clamp_max, "maximum": maximum, "minimum": minimum, "where": _where_method, "lerp": lerp,
    "addcmul": addcmul, "addcdiv": addcdiv, "fmod": fmod, "remainder": remainder,
    "__abs__": abs, "__mod__": remainder, "__rmod__": lambda self, other: remainder(other, self),
}
FUNCTIONS = {"where": where}  # the method takes (condition, other), the function (condition, input, other)
